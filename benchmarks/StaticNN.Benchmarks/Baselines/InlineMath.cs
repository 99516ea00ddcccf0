using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticNN.Benchmarks.Baselines;

/// <summary>
/// exp and tanh for one zmm register, small enough to be inlined (about 15 instructions each), so that no call sits
/// next to the accumulators. <see cref="Vector512.Exp(Vector512{float})"/> is not inlined by the .NET 10 JIT: it is
/// a call to <c>System.Runtime.Intrinsics.VectorMath.ExpSingle</c>, which costs the call itself and, worse, makes every
/// zmm register that is live across it spill (all 32 are caller-saved in the SysV and Windows x64 ABIs).
/// </summary>
public static class InlineMath
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2Hi = 0.693359375f;
    private const float Ln2Lo = -2.12194440e-4f;

    /// <summary>
    /// e^x (Cephes expf: x = n ln2 + r, |r| &lt;= ln2/2, degree-6 polynomial, then vscalefps by 2^n). Relative error
    /// about 2 ulp. Inputs below -104 (including -inf) give 0; above 88.7 give +inf.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        x = Avx512F.Max(x, Vector512.Create(-104f));
        Vector512<float> n = Avx512F.RoundScale(Avx512F.Multiply(x, Vector512.Create(Log2E)), 0); // round to nearest
        Vector512<float> r = Avx512F.FusedMultiplyAddNegated(n, Vector512.Create(Ln2Hi), x);
        r = Avx512F.FusedMultiplyAddNegated(n, Vector512.Create(Ln2Lo), r);
        Vector512<float> p = Vector512.Create(1.9875691500E-4f);
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(1.3981999507E-3f));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(8.3334519073E-3f));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(4.1665795894E-2f));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(1.6666665459E-1f));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(5.0000001201E-1f));
        Vector512<float> y = Avx512F.FusedMultiplyAdd(Avx512F.Multiply(p, r), r, Avx512F.Add(r, Vector512<float>.One));
        return Avx512F.Scale(y, n);
    }

    /// <summary>
    /// tanh with the same formula as the runtime's <c>VectorMath.Tanh</c> (Cephes odd polynomial below 0.625,
    /// <c>1 - 2 / (e^(2|x|) + 1)</c> above, sign copied back), with <see cref="Exp"/> inlined.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x)
    {
        Vector512<float> ax = Vector512.Abs(x);
        Vector512<float> z = Avx512F.Multiply(ax, ax);
        Vector512<float> p = Avx512F.FusedMultiplyAdd(Vector512.Create(-5.70498872745E-3f), z, Vector512.Create(2.06390887954E-2f));
        p = Avx512F.FusedMultiplyAdd(p, z, Vector512.Create(-5.37397155531E-2f));
        p = Avx512F.FusedMultiplyAdd(p, z, Vector512.Create(1.33314422036E-1f));
        p = Avx512F.FusedMultiplyAdd(p, z, Vector512.Create(-3.33332819422E-1f));
        Vector512<float> small = Avx512F.FusedMultiplyAdd(Avx512F.Multiply(ax, z), p, ax);
        Vector512<float> large = Avx512F.Subtract(
            Vector512<float>.One,
            Avx512F.Divide(Vector512.Create(2f), Avx512F.Add(Exp(Avx512F.Add(ax, ax)), Vector512<float>.One)));
        Vector512<float> r = Vector512.ConditionalSelect(Vector512.LessThan(ax, Vector512.Create(0.625f)), small, large);
        return Vector512.CopySign(r, x);
    }
}
