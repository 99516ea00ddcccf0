using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace StaticNN.Activations;

public static partial class VectorMath
{
    // exp(x) = 2^n * e^r with n = round(x / ln 2) and r = x - n ln 2, |r| <= ln2 / 2 (Cephes expf). ln 2 is split into a
    // short high part (exact when multiplied by n) and a low correction; e^r = 1 + r + r^2 P(r) with P of degree 5.
    // The result is scaled by 2^n in two halves, so subnormal results and overflow to +inf come out right.
    // .NET's Vector512.Exp is not inlined (a call per vector, widening to double): this one inlines into the kernels.
    private const float ExpLowerClamp = -104f;  // exp(-104) < the smallest subnormal
    private const float ExpUpperClamp = 89f;    // exp(89) > float.MaxValue
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2High = 0.693359375f;
    private const float Ln2Low = -2.12194440e-4f;
    private const float ExpP0 = 1.9875691500E-4f;
    private const float ExpP1 = 1.3981999507E-3f;
    private const float ExpP2 = 8.3334519073E-3f;
    private const float ExpP3 = 4.1665795894E-2f;
    private const float ExpP4 = 1.6666665459E-1f;
    private const float ExpP5 = 5.0000001201E-1f;

    /// <summary>
    /// e^x per lane, inlined into callers (about 1 ulp; exp(-inf) = 0, exp(+inf) = +inf, subnormal results kept,
    /// NaN propagates). Does not allocate.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        Vector512<float> c = Vector512.Min(Vector512.Max(x, Vector512.Create(ExpLowerClamp)), Vector512.Create(ExpUpperClamp));
        Vector512<float> n = Vector512.Round(c * Vector512.Create(Log2E));
        Vector512<float> r = Vector512.MultiplyAddEstimate(n, Vector512.Create(-Ln2High), c);
        r = Vector512.MultiplyAddEstimate(n, Vector512.Create(-Ln2Low), r);
        Vector512<float> p = Vector512.MultiplyAddEstimate(Vector512.Create(ExpP0), r, Vector512.Create(ExpP1));
        p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(ExpP2));
        p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(ExpP3));
        p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(ExpP4));
        p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(ExpP5));
        Vector512<float> e = Vector512.MultiplyAddEstimate(p, r * r, r) + Vector512<float>.One;
        if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
        {
            // vscalefps: e * 2^n in one instruction, with overflow to +inf and subnormal results handled.
            return System.Runtime.Intrinsics.X86.Avx512F.Scale(e, n);
        }
        Vector512<int> ni = Vector512.ConvertToInt32(n);
        Vector512<int> half = Vector512.ShiftRightArithmetic(ni, 1);
        Vector512<float> s1 = Vector512.ShiftLeft(half + Vector512.Create(127), 23).AsSingle();
        Vector512<float> s2 = Vector512.ShiftLeft(ni - half + Vector512.Create(127), 23).AsSingle();
        return e * s1 * s2;
    }

    /// <inheritdoc cref="Exp(Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        Vector256<float> c = Vector256.Min(Vector256.Max(x, Vector256.Create(ExpLowerClamp)), Vector256.Create(ExpUpperClamp));
        Vector256<float> n = Vector256.Round(c * Vector256.Create(Log2E));
        Vector256<float> r = Vector256.MultiplyAddEstimate(n, Vector256.Create(-Ln2High), c);
        r = Vector256.MultiplyAddEstimate(n, Vector256.Create(-Ln2Low), r);
        Vector256<float> p = Vector256.MultiplyAddEstimate(Vector256.Create(ExpP0), r, Vector256.Create(ExpP1));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(ExpP2));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(ExpP3));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(ExpP4));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(ExpP5));
        Vector256<float> e = Vector256.MultiplyAddEstimate(p, r * r, r) + Vector256<float>.One;
        Vector256<int> ni = Vector256.ConvertToInt32(n);
        Vector256<int> half = Vector256.ShiftRightArithmetic(ni, 1);
        Vector256<float> s1 = Vector256.ShiftLeft(half + Vector256.Create(127), 23).AsSingle();
        Vector256<float> s2 = Vector256.ShiftLeft(ni - half + Vector256.Create(127), 23).AsSingle();
        return e * s1 * s2;
    }

    /// <inheritdoc cref="Exp(Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Exp(Vector128<float> x)
    {
        Vector128<float> c = Vector128.Min(Vector128.Max(x, Vector128.Create(ExpLowerClamp)), Vector128.Create(ExpUpperClamp));
        Vector128<float> n = Vector128.Round(c * Vector128.Create(Log2E));
        Vector128<float> r = Vector128.MultiplyAddEstimate(n, Vector128.Create(-Ln2High), c);
        r = Vector128.MultiplyAddEstimate(n, Vector128.Create(-Ln2Low), r);
        Vector128<float> p = Vector128.MultiplyAddEstimate(Vector128.Create(ExpP0), r, Vector128.Create(ExpP1));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(ExpP2));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(ExpP3));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(ExpP4));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(ExpP5));
        Vector128<float> e = Vector128.MultiplyAddEstimate(p, r * r, r) + Vector128<float>.One;
        Vector128<int> ni = Vector128.ConvertToInt32(n);
        Vector128<int> half = Vector128.ShiftRightArithmetic(ni, 1);
        Vector128<float> s1 = Vector128.ShiftLeft(half + Vector128.Create(127), 23).AsSingle();
        Vector128<float> s2 = Vector128.ShiftLeft(ni - half + Vector128.Create(127), 23).AsSingle();
        return e * s1 * s2;
    }
}
