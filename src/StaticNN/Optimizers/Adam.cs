using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNN.Optimizers;

/// <summary>
/// Adam (Kingma and Ba, 2015) with optional L2 weight decay, with the semantics of PyTorch's
/// <c>torch.optim.Adam</c> (<c>amsgrad=False</c>, <c>maximize=False</c>). Weight decay is an L2 term added to the
/// gradient, as in <c>torch.optim.Adam</c>; it is not the decoupled decay of AdamW.
/// </summary>
/// <remarks>
/// <para>For each parameter <c>p</c> with gradient <c>grad</c>, one <see cref="Step"/> computes:</para>
/// <code>
/// t = t + 1
/// g = grad + weightDecay * p                          (only when weightDecay != 0)
/// m = beta1 * m + (1 - beta1) * g
/// v = beta2 * v + (1 - beta2) * g * g
/// p = p - learningRate * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + epsilon)
/// </code>
/// <para>
/// As in PyTorch (except that PyTorch divides by <c>sqrt(1 - beta2^t)</c> where this multiplies by its reciprocal:
/// within an ulp, and one division fewer per element), the last line is evaluated as
/// <c>p = p - (stepSize * m) / (sqrt(v) * (1 / sqrt(1 - beta2^t)) + epsilon)</c> with
/// <c>stepSize = learningRate / (1 - beta1^t)</c>; the bias corrections <c>1 - beta^t</c>, <c>stepSize</c> and
/// <c>1 / sqrt(1 - beta2^t)</c> are computed once per step in <see cref="double"/> and rounded to <see cref="float"/>,
/// and everything per element is <see cref="float"/> arithmetic, in the order written (no fused multiply-add).
/// The SIMD paths and the scalar path perform the same operations in the same order, so they give identical results.
/// </para>
/// <para>
/// The first and second moment buffers <c>m</c> and <c>v</c> are allocated (zeroed) by the first <see cref="Step"/>,
/// which binds the optimizer to that parameter length. Each step is one fused SIMD pass over parameters, gradients
/// and both moments. A parameter whose gradient has always been 0 (such as padding) is never changed.
/// </para>
/// </remarks>
public sealed class Adam : IOptimizer
{
    private readonly float _beta1;
    private readonly float _beta2;
    private readonly float _epsilon;
    private readonly float _weightDecay;
    private float _learningRate;

    // First and second moment estimates; null until the first Step, kept (and zeroed) by Reset.
    private float[]? _m;
    private float[]? _v;

    // Number of steps taken since construction or Reset (PyTorch's state["step"]).
    private long _stepCount;

    // Parameter length this optimizer's state belongs to; -1 when unbound (after construction or Reset).
    private int _boundLength = -1;

    /// <summary>Creates an Adam optimizer. The arguments and defaults follow <c>torch.optim.Adam</c>.</summary>
    /// <param name="learningRate">Step size; finite and greater than 0.</param>
    /// <param name="beta1">Decay rate of the first moment estimate, in [0, 1).</param>
    /// <param name="beta2">Decay rate of the second moment estimate, in [0, 1).</param>
    /// <param name="epsilon">Added to the denominator for numerical stability; finite and greater than 0.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient (<c>g = grad + weightDecay * p</c>); finite and at least 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside the range stated above.</exception>
    public Adam(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0f)
    {
        OptimizerGuard.ThrowIfNotPositiveFinite(learningRate, nameof(learningRate), "The learning rate");
        OptimizerGuard.ThrowIfNotInUnitInterval(beta1, nameof(beta1), "beta1");
        OptimizerGuard.ThrowIfNotInUnitInterval(beta2, nameof(beta2), "beta2");
        OptimizerGuard.ThrowIfNotPositiveFinite(epsilon, nameof(epsilon), "epsilon");
        OptimizerGuard.ThrowIfNegativeOrNotFinite(weightDecay, nameof(weightDecay), "Weight decay");

        _learningRate = learningRate;
        _beta1 = beta1;
        _beta2 = beta2;
        _epsilon = epsilon;
        _weightDecay = weightDecay;
    }

    /// <inheritdoc />
    public float LearningRate
    {
        get => _learningRate;
        set
        {
            OptimizerGuard.ThrowIfNotPositiveFinite(value, nameof(value), "The learning rate");
            _learningRate = value;
        }
    }

    /// <summary>Decay rate of the first moment estimate, in [0, 1).</summary>
    public float Beta1 => _beta1;

    /// <summary>Decay rate of the second moment estimate, in [0, 1).</summary>
    public float Beta2 => _beta2;

    /// <summary>The term added to the denominator for numerical stability.</summary>
    public float Epsilon => _epsilon;

    /// <summary>The L2 weight decay added to the gradient: <c>g = grad + WeightDecay * p</c>.</summary>
    public float WeightDecay => _weightDecay;

    /// <summary>Number of steps taken since construction or the last <see cref="Reset"/> (<c>t</c> in the update rule).</summary>
    public long StepCount => _stepCount;

    /// <summary>
    /// Applies one Adam update to <paramref name="parameters"/> in place:
    /// <c>t = t + 1</c>; <c>g = grad + weightDecay * p</c>; <c>m = beta1 * m + (1 - beta1) * g</c>;
    /// <c>v = beta2 * v + (1 - beta2) * g * g</c>;
    /// <c>p = p - learningRate * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + epsilon)</c>
    /// (evaluated as described in the class remarks). One fused pass over the data.
    /// Does not allocate. (The first call allocates the two moment buffers once; after <see cref="Reset"/> they are
    /// reused if the length is the same.)
    /// </summary>
    /// <param name="parameters">The parameters, updated in place.</param>
    /// <param name="gradients">The gradients, one per parameter. Not modified.</param>
    /// <exception cref="ArgumentException">The two spans have different lengths.</exception>
    /// <exception cref="InvalidOperationException">
    /// The length differs from the length of the first step since construction or the last <see cref="Reset"/>.
    /// </exception>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        OptimizerGuard.ThrowIfLengthsDiffer(parameters.Length, gradients.Length);
        Bind(parameters.Length);
        Debug.Assert(_m is not null && _v is not null);

        long t = ++_stepCount;

        // Once per step, in double (as PyTorch does with Python floats), then rounded to float for the kernel.
        double beta1 = _beta1, beta2 = _beta2;
        double biasCorrection1 = 1.0 - Math.Pow(beta1, t);
        double biasCorrection2 = 1.0 - Math.Pow(beta2, t);
        float stepSize = (float)(_learningRate / biasCorrection1);
        // 1 / sqrt(bias correction 2), so the kernel multiplies: the square root and the division share one divider
        // unit, which bounds this step (a division fewer per vector: about 25 % faster; within an ulp of dividing).
        float inverseBiasCorrection2Sqrt = (float)(1.0 / Math.Sqrt(biasCorrection2));
        float oneMinusBeta1 = (float)(1.0 - beta1);
        float oneMinusBeta2 = (float)(1.0 - beta2);

        FusedStep(
            parameters, gradients, _m, _v,
            _beta1, oneMinusBeta1, _beta2, oneMinusBeta2, stepSize, inverseBiasCorrection2Sqrt, _epsilon, _weightDecay);
    }

    /// <summary>
    /// Zeroes both moment buffers, sets the step count to 0 and unbinds the parameter length, so the next
    /// <see cref="Step"/> behaves like the first step of a new optimizer. Keeps the settings and the current
    /// <see cref="LearningRate"/>. Does not allocate; the buffers are reused if the next step has the same length.
    /// </summary>
    public void Reset()
    {
        if (_m is not null)
        {
            Array.Clear(_m);
        }

        if (_v is not null)
        {
            Array.Clear(_v);
        }

        _stepCount = 0;
        _boundLength = -1;
    }

    private void Bind(int length)
    {
        if (_boundLength == length)
        {
            return;
        }

        if (_boundLength >= 0)
        {
            OptimizerGuard.ThrowLengthChanged(nameof(Adam), _boundLength, length);
        }

        if (_m is null || _m.Length != length)
        {
            _m = new float[length];
            _v = new float[length];
        }

        _boundLength = length;
    }

    // Per element: g = grad (+ wd * p); m = b1 * m + (1 - b1) * g; v = b2 * v + ((1 - b2) * g) * g;
    // p = p - (stepSize * m) / (sqrt(v) * (1 / sqrt(bc2)) + eps).
    private static void FusedStep(
        Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> m, Span<float> v,
        float b1, float oneMinusB1, float b2, float oneMinusB2, float stepSize, float invBc2Sqrt, float eps, float wd)
    {
        Debug.Assert(parameters.Length == gradients.Length && parameters.Length == m.Length && parameters.Length == v.Length);
        int n = parameters.Length;
        ref float pRef = ref MemoryMarshal.GetReference(parameters);
        ref float gRef = ref MemoryMarshal.GetReference(gradients);
        ref float mRef = ref MemoryMarshal.GetReference(m);
        ref float vRef = ref MemoryMarshal.GetReference(v);
        bool decay = wd != 0f;
        int i = 0;

        // The decay branch is loop-invariant and perfectly predicted.
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> vB1 = Vector512.Create(b1), vOneMinusB1 = Vector512.Create(oneMinusB1);
            Vector512<float> vB2 = Vector512.Create(b2), vOneMinusB2 = Vector512.Create(oneMinusB2);
            Vector512<float> vStep = Vector512.Create(stepSize), vInvBc2Sqrt = Vector512.Create(invBc2Sqrt);
            Vector512<float> vEps = Vector512.Create(eps), vWd = Vector512.Create(wd);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> p = Vector512.LoadUnsafe(ref pRef, (nuint)i);
                Vector512<float> g = Vector512.LoadUnsafe(ref gRef, (nuint)i);
                if (decay)
                {
                    g += vWd * p;
                }

                Vector512<float> mi = vB1 * Vector512.LoadUnsafe(ref mRef, (nuint)i) + vOneMinusB1 * g;
                Vector512<float> vi = vB2 * Vector512.LoadUnsafe(ref vRef, (nuint)i) + vOneMinusB2 * g * g;
                mi.StoreUnsafe(ref mRef, (nuint)i);
                vi.StoreUnsafe(ref vRef, (nuint)i);
                Vector512<float> denom = Vector512.Sqrt(vi) * vInvBc2Sqrt + vEps;
                (p - vStep * mi / denom).StoreUnsafe(ref pRef, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> vB1 = Vector256.Create(b1), vOneMinusB1 = Vector256.Create(oneMinusB1);
            Vector256<float> vB2 = Vector256.Create(b2), vOneMinusB2 = Vector256.Create(oneMinusB2);
            Vector256<float> vStep = Vector256.Create(stepSize), vInvBc2Sqrt = Vector256.Create(invBc2Sqrt);
            Vector256<float> vEps = Vector256.Create(eps), vWd = Vector256.Create(wd);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> p = Vector256.LoadUnsafe(ref pRef, (nuint)i);
                Vector256<float> g = Vector256.LoadUnsafe(ref gRef, (nuint)i);
                if (decay)
                {
                    g += vWd * p;
                }

                Vector256<float> mi = vB1 * Vector256.LoadUnsafe(ref mRef, (nuint)i) + vOneMinusB1 * g;
                Vector256<float> vi = vB2 * Vector256.LoadUnsafe(ref vRef, (nuint)i) + vOneMinusB2 * g * g;
                mi.StoreUnsafe(ref mRef, (nuint)i);
                vi.StoreUnsafe(ref vRef, (nuint)i);
                Vector256<float> denom = Vector256.Sqrt(vi) * vInvBc2Sqrt + vEps;
                (p - vStep * mi / denom).StoreUnsafe(ref pRef, (nuint)i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            Vector128<float> vB1 = Vector128.Create(b1), vOneMinusB1 = Vector128.Create(oneMinusB1);
            Vector128<float> vB2 = Vector128.Create(b2), vOneMinusB2 = Vector128.Create(oneMinusB2);
            Vector128<float> vStep = Vector128.Create(stepSize), vInvBc2Sqrt = Vector128.Create(invBc2Sqrt);
            Vector128<float> vEps = Vector128.Create(eps), vWd = Vector128.Create(wd);
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                Vector128<float> p = Vector128.LoadUnsafe(ref pRef, (nuint)i);
                Vector128<float> g = Vector128.LoadUnsafe(ref gRef, (nuint)i);
                if (decay)
                {
                    g += vWd * p;
                }

                Vector128<float> mi = vB1 * Vector128.LoadUnsafe(ref mRef, (nuint)i) + vOneMinusB1 * g;
                Vector128<float> vi = vB2 * Vector128.LoadUnsafe(ref vRef, (nuint)i) + vOneMinusB2 * g * g;
                mi.StoreUnsafe(ref mRef, (nuint)i);
                vi.StoreUnsafe(ref vRef, (nuint)i);
                Vector128<float> denom = Vector128.Sqrt(vi) * vInvBc2Sqrt + vEps;
                (p - vStep * mi / denom).StoreUnsafe(ref pRef, (nuint)i);
            }
        }

        // Scalar tail (and the whole loop when there is no SIMD); same operations in the same order.
        for (; i < n; i++)
        {
            float p = parameters[i];
            float g = gradients[i];
            if (decay)
            {
                g += wd * p;
            }

            float mi = b1 * m[i] + oneMinusB1 * g;
            float vi = b2 * v[i] + oneMinusB2 * g * g;
            m[i] = mi;
            v[i] = vi;
            float denom = MathF.Sqrt(vi) * invBc2Sqrt + eps;
            parameters[i] = p - stepSize * mi / denom;
        }
    }
}
