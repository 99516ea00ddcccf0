using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNN.Optimizers;

/// <summary>
/// RMSprop (Hinton, 2012) with optional momentum, centering and L2 weight decay, with the semantics of PyTorch's
/// <c>torch.optim.RMSprop</c> (<c>maximize=False</c>).
/// </summary>
/// <remarks>
/// <para>
/// For each parameter <c>p</c> with gradient <c>grad</c>, one <see cref="Step"/> computes, in this order and in
/// <see cref="float"/> arithmetic:
/// </para>
/// <code>
/// g   = grad + weightDecay * p                      (only when weightDecay != 0)
/// v   = alpha * v + (1 - alpha) * g * g             (square average, one per parameter)
/// if centered:
///     a   = alpha * a + (1 - alpha) * g             (gradient average, one per parameter)
///     den = sqrt(max(v - a * a, 0)) + epsilon
/// else:
///     den = sqrt(v) + epsilon
/// if momentum != 0:
///     buf = momentum * buf + g / den                (momentum buffer, one per parameter)
///     p   = p - learningRate * buf
/// else:
///     p   = p - learningRate * (g / den)
/// </code>
/// <para>
/// All buffers start at 0, as in PyTorch, and there is no bias correction. <c>1 - alpha</c> is computed once in
/// <see cref="double"/> and rounded to <see cref="float"/>; <c>(1 - alpha) * g * g</c> is evaluated left to right
/// and no fused multiply-add is used, so the SIMD paths and the scalar path give identical results. PyTorch writes
/// the gradient average as a <c>lerp</c>; the form above agrees with it to float rounding. One deliberate difference:
/// the centered variance <c>v - a * a</c> is clamped at 0 before the square root. It is never negative in exact
/// arithmetic, but float rounding can make it slightly negative when a gradient stays constant for thousands of
/// steps, and PyTorch then produces NaN parameters.
/// </para>
/// <para>
/// The square average (always), the gradient average (when centered) and the momentum buffer (when momentum is not
/// 0) are allocated by the first <see cref="Step"/>, which binds the optimizer to that parameter length. Each step
/// is one fused SIMD pass. Without weight decay, a parameter whose gradient has always been 0 (such as padding) is
/// never changed.
/// </para>
/// </remarks>
public sealed class RMSprop : IOptimizer
{
    private readonly float _alpha;
    private readonly float _epsilon;
    private readonly float _weightDecay;
    private readonly float _momentum;
    private readonly bool _centered;
    private float _learningRate;

    // Square average (always), gradient average (centered only) and momentum buffer (momentum != 0 only); null until
    // the first Step, kept (and zeroed) by Reset.
    private float[]? _squareAverage;
    private float[]? _gradientAverage;
    private float[]? _momentumBuffer;

    // Number of steps taken since construction or Reset (PyTorch's state["step"]; the update does not use it).
    private long _stepCount;

    // Parameter length this optimizer's state belongs to; -1 when unbound (after construction or Reset).
    private int _boundLength = -1;

    /// <summary>Creates an RMSprop optimizer. The arguments, their order and defaults follow <c>torch.optim.RMSprop</c>.</summary>
    /// <param name="learningRate">Step size; finite and greater than 0.</param>
    /// <param name="alpha">
    /// Smoothing constant of the square average (and of the gradient average when centered), in [0, 1).
    /// (PyTorch also accepts values of 1 and above, which make the square average meaningless.)
    /// </param>
    /// <param name="epsilon">Added to the denominator for numerical stability; finite and greater than 0.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient (<c>g = grad + weightDecay * p</c>); finite and at least 0.</param>
    /// <param name="momentum">Momentum factor in [0, 1); 0 disables momentum.</param>
    /// <param name="centered">
    /// Normalise by an estimate of the gradient's variance (<c>v - a * a</c>) instead of its uncentered second moment.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside the range stated above.</exception>
    public RMSprop(
        float learningRate = 0.01f, float alpha = 0.99f, float epsilon = 1e-8f, float weightDecay = 0f,
        float momentum = 0f, bool centered = false)
    {
        OptimizerGuard.ThrowIfNotPositiveFinite(learningRate, nameof(learningRate), "The learning rate");
        OptimizerGuard.ThrowIfNotInUnitInterval(alpha, nameof(alpha), "alpha");
        OptimizerGuard.ThrowIfNotPositiveFinite(epsilon, nameof(epsilon), "epsilon");
        OptimizerGuard.ThrowIfNegativeOrNotFinite(weightDecay, nameof(weightDecay), "Weight decay");
        OptimizerGuard.ThrowIfNotInUnitInterval(momentum, nameof(momentum), "Momentum");

        _learningRate = learningRate;
        _alpha = alpha;
        _epsilon = epsilon;
        _weightDecay = weightDecay;
        _momentum = momentum;
        _centered = centered;
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

    /// <summary>Smoothing constant of the square average (and of the gradient average when centered), in [0, 1).</summary>
    public float Alpha => _alpha;

    /// <summary>The term added to the denominator for numerical stability.</summary>
    public float Epsilon => _epsilon;

    /// <summary>The L2 weight decay added to the gradient: <c>g = grad + WeightDecay * p</c>.</summary>
    public float WeightDecay => _weightDecay;

    /// <summary>The momentum factor, in [0, 1); 0 means no momentum buffer.</summary>
    public float Momentum => _momentum;

    /// <summary>Whether the denominator uses the centered second moment <c>v - a * a</c>.</summary>
    public bool Centered => _centered;

    /// <summary>Number of steps taken since construction or the last <see cref="Reset"/>.</summary>
    public long StepCount => _stepCount;

    /// <summary>
    /// Applies one RMSprop update to <paramref name="parameters"/> in place:
    /// <c>g = grad + weightDecay * p</c>; <c>v = alpha * v + (1 - alpha) * g * g</c>;
    /// <c>den = sqrt(v) + epsilon</c>, or when centered <c>a = alpha * a + (1 - alpha) * g</c> and
    /// <c>den = sqrt(max(v - a * a, 0)) + epsilon</c>; then with momentum <c>buf = momentum * buf + g / den</c> and
    /// <c>p = p - learningRate * buf</c>, else <c>p = p - learningRate * (g / den)</c>. One fused pass over the data.
    /// Does not allocate. (The first call allocates the state buffers once; after <see cref="Reset"/> they are reused
    /// if the length is the same.)
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
        Debug.Assert(_squareAverage is not null);
        Debug.Assert(!_centered || _gradientAverage is not null);
        Debug.Assert(_momentum == 0f || _momentumBuffer is not null);

        _stepCount++;
        float oneMinusAlpha = (float)(1.0 - _alpha);

        FusedStep(
            parameters, gradients, _squareAverage,
            _centered ? _gradientAverage : default(Span<float>),
            _momentum != 0f ? _momentumBuffer : default(Span<float>),
            _learningRate, _alpha, oneMinusAlpha, _epsilon, _weightDecay, _momentum);
    }

    /// <summary>
    /// Zeroes the square average, gradient average and momentum buffer, sets the step count to 0 and unbinds the
    /// parameter length, so the next <see cref="Step"/> behaves like the first step of a new optimizer. Keeps the
    /// settings and the current <see cref="LearningRate"/>. Does not allocate; the buffers are reused if the next
    /// step has the same length.
    /// </summary>
    public void Reset()
    {
        if (_squareAverage is not null)
        {
            Array.Clear(_squareAverage);
        }

        if (_gradientAverage is not null)
        {
            Array.Clear(_gradientAverage);
        }

        if (_momentumBuffer is not null)
        {
            Array.Clear(_momentumBuffer);
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
            OptimizerGuard.ThrowLengthChanged(nameof(RMSprop), _boundLength, length);
        }

        if (_squareAverage is null || _squareAverage.Length != length)
        {
            _squareAverage = new float[length];
            _gradientAverage = _centered ? new float[length] : null;
            _momentumBuffer = _momentum != 0f ? new float[length] : null;
        }

        _boundLength = length;
    }

    // Per element: g = grad (+ wd * p); v = alpha * v + ((1 - alpha) * g) * g;
    // den = sqrt(v) + eps, or centered: a = alpha * a + (1 - alpha) * g, den = sqrt(max(v - a * a, 0)) + eps;
    // momentum: buf = mu * buf + g / den, p = p - lr * buf; else p = p - lr * (g / den).
    // gradientAverage is empty unless centered; momentumBuffer is empty unless mu != 0.
    private static void FusedStep(
        Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> squareAverage, Span<float> gradientAverage,
        Span<float> momentumBuffer, float lr, float alpha, float oneMinusAlpha, float eps, float wd, float mu)
    {
        int n = parameters.Length;
        bool decay = wd != 0f;
        bool centered = !gradientAverage.IsEmpty;
        bool useMomentum = !momentumBuffer.IsEmpty;
        Debug.Assert(gradients.Length == n && squareAverage.Length == n);
        Debug.Assert(!centered || gradientAverage.Length == n);
        Debug.Assert(!useMomentum || momentumBuffer.Length == n);
        ref float pRef = ref MemoryMarshal.GetReference(parameters);
        ref float gRef = ref MemoryMarshal.GetReference(gradients);
        ref float vRef = ref MemoryMarshal.GetReference(squareAverage);
        ref float aRef = ref MemoryMarshal.GetReference(gradientAverage);
        ref float bRef = ref MemoryMarshal.GetReference(momentumBuffer);
        int i = 0;

        // The bool branches below are loop-invariant and perfectly predicted; aRef and bRef are only dereferenced when
        // their buffer exists.
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> vLr = Vector512.Create(lr), vAlpha = Vector512.Create(alpha);
            Vector512<float> vOneMinusAlpha = Vector512.Create(oneMinusAlpha), vEps = Vector512.Create(eps);
            Vector512<float> vWd = Vector512.Create(wd), vMu = Vector512.Create(mu);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> p = Vector512.LoadUnsafe(ref pRef, (nuint)i);
                Vector512<float> g = Vector512.LoadUnsafe(ref gRef, (nuint)i);
                if (decay)
                {
                    g += vWd * p;
                }

                Vector512<float> v = vAlpha * Vector512.LoadUnsafe(ref vRef, (nuint)i) + vOneMinusAlpha * g * g;
                v.StoreUnsafe(ref vRef, (nuint)i);
                Vector512<float> den;
                if (centered)
                {
                    Vector512<float> a = vAlpha * Vector512.LoadUnsafe(ref aRef, (nuint)i) + vOneMinusAlpha * g;
                    a.StoreUnsafe(ref aRef, (nuint)i);
                    den = Vector512.Sqrt(Vector512.Max(v - a * a, Vector512<float>.Zero)) + vEps;
                }
                else
                {
                    den = Vector512.Sqrt(v) + vEps;
                }

                if (useMomentum)
                {
                    Vector512<float> b = vMu * Vector512.LoadUnsafe(ref bRef, (nuint)i) + g / den;
                    b.StoreUnsafe(ref bRef, (nuint)i);
                    (p - vLr * b).StoreUnsafe(ref pRef, (nuint)i);
                }
                else
                {
                    (p - vLr * (g / den)).StoreUnsafe(ref pRef, (nuint)i);
                }
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> vLr = Vector256.Create(lr), vAlpha = Vector256.Create(alpha);
            Vector256<float> vOneMinusAlpha = Vector256.Create(oneMinusAlpha), vEps = Vector256.Create(eps);
            Vector256<float> vWd = Vector256.Create(wd), vMu = Vector256.Create(mu);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> p = Vector256.LoadUnsafe(ref pRef, (nuint)i);
                Vector256<float> g = Vector256.LoadUnsafe(ref gRef, (nuint)i);
                if (decay)
                {
                    g += vWd * p;
                }

                Vector256<float> v = vAlpha * Vector256.LoadUnsafe(ref vRef, (nuint)i) + vOneMinusAlpha * g * g;
                v.StoreUnsafe(ref vRef, (nuint)i);
                Vector256<float> den;
                if (centered)
                {
                    Vector256<float> a = vAlpha * Vector256.LoadUnsafe(ref aRef, (nuint)i) + vOneMinusAlpha * g;
                    a.StoreUnsafe(ref aRef, (nuint)i);
                    den = Vector256.Sqrt(Vector256.Max(v - a * a, Vector256<float>.Zero)) + vEps;
                }
                else
                {
                    den = Vector256.Sqrt(v) + vEps;
                }

                if (useMomentum)
                {
                    Vector256<float> b = vMu * Vector256.LoadUnsafe(ref bRef, (nuint)i) + g / den;
                    b.StoreUnsafe(ref bRef, (nuint)i);
                    (p - vLr * b).StoreUnsafe(ref pRef, (nuint)i);
                }
                else
                {
                    (p - vLr * (g / den)).StoreUnsafe(ref pRef, (nuint)i);
                }
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            Vector128<float> vLr = Vector128.Create(lr), vAlpha = Vector128.Create(alpha);
            Vector128<float> vOneMinusAlpha = Vector128.Create(oneMinusAlpha), vEps = Vector128.Create(eps);
            Vector128<float> vWd = Vector128.Create(wd), vMu = Vector128.Create(mu);
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                Vector128<float> p = Vector128.LoadUnsafe(ref pRef, (nuint)i);
                Vector128<float> g = Vector128.LoadUnsafe(ref gRef, (nuint)i);
                if (decay)
                {
                    g += vWd * p;
                }

                Vector128<float> v = vAlpha * Vector128.LoadUnsafe(ref vRef, (nuint)i) + vOneMinusAlpha * g * g;
                v.StoreUnsafe(ref vRef, (nuint)i);
                Vector128<float> den;
                if (centered)
                {
                    Vector128<float> a = vAlpha * Vector128.LoadUnsafe(ref aRef, (nuint)i) + vOneMinusAlpha * g;
                    a.StoreUnsafe(ref aRef, (nuint)i);
                    den = Vector128.Sqrt(Vector128.Max(v - a * a, Vector128<float>.Zero)) + vEps;
                }
                else
                {
                    den = Vector128.Sqrt(v) + vEps;
                }

                if (useMomentum)
                {
                    Vector128<float> b = vMu * Vector128.LoadUnsafe(ref bRef, (nuint)i) + g / den;
                    b.StoreUnsafe(ref bRef, (nuint)i);
                    (p - vLr * b).StoreUnsafe(ref pRef, (nuint)i);
                }
                else
                {
                    (p - vLr * (g / den)).StoreUnsafe(ref pRef, (nuint)i);
                }
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

            float v = alpha * squareAverage[i] + oneMinusAlpha * g * g;
            squareAverage[i] = v;
            float den;
            if (centered)
            {
                float a = alpha * gradientAverage[i] + oneMinusAlpha * g;
                gradientAverage[i] = a;
                den = MathF.Sqrt(MathF.Max(v - a * a, 0f)) + eps;
            }
            else
            {
                den = MathF.Sqrt(v) + eps;
            }

            if (useMomentum)
            {
                float b = mu * momentumBuffer[i] + g / den;
                momentumBuffer[i] = b;
                parameters[i] = p - lr * b;
            }
            else
            {
                parameters[i] = p - lr * (g / den);
            }
        }
    }
}
