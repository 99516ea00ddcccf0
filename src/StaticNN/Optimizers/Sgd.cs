using System;
using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNN.Optimizers;

/// <summary>
/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay, with the semantics of
/// PyTorch's <c>torch.optim.SGD</c> (dampening 0, <c>maximize=False</c>).
/// </summary>
/// <remarks>
/// <para>
/// For each parameter <c>p</c> with gradient <c>grad</c>, one <see cref="Step"/> computes, in this order and in
/// <see cref="float"/> arithmetic:
/// </para>
/// <code>
/// g = grad + weightDecay * p                      (only when weightDecay != 0)
/// if momentum != 0:
///     buf = first step ? g : momentum * buf + g   (buf is the momentum buffer, one per parameter)
///     g   = nesterov ? g + momentum * buf : buf
/// p = p - learningRate * g
/// </code>
/// <para>
/// The momentum buffer is allocated by the first <see cref="Step"/> (only when momentum is not 0), which binds the
/// optimizer to that parameter length. Plain SGD without weight decay is a single
/// <see cref="TensorPrimitives"/> call; the other variants run one fused SIMD pass over the parameters.
/// </para>
/// </remarks>
public sealed class Sgd : IOptimizer
{
    private readonly float _momentum;
    private readonly bool _nesterov;
    private readonly float _weightDecay;
    private float _learningRate;

    // Momentum buffer; null until the first Step when momentum != 0, kept (and cleared) by Reset.
    private float[]? _momentumBuffer;

    // False until the first Step after construction or Reset: that step copies g into the momentum buffer.
    private bool _hasMomentumState;

    // Parameter length this optimizer's state belongs to; -1 when unbound (after construction or Reset).
    private int _boundLength = -1;

    /// <summary>Creates an SGD optimizer. The arguments follow <c>torch.optim.SGD</c> (with dampening 0).</summary>
    /// <param name="learningRate">Step size; finite and greater than 0.</param>
    /// <param name="momentum">Momentum factor in [0, 1); 0 disables momentum.</param>
    /// <param name="nesterov">Use Nesterov momentum. Requires <paramref name="momentum"/> &gt; 0, as in PyTorch.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient (<c>g = grad + weightDecay * p</c>); finite and at least 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside the range stated above.</exception>
    public Sgd(float learningRate = 0.01f, float momentum = 0f, bool nesterov = false, float weightDecay = 0f)
    {
        OptimizerGuard.ThrowIfNotPositiveFinite(learningRate, nameof(learningRate), "The learning rate");
        OptimizerGuard.ThrowIfNotInUnitInterval(momentum, nameof(momentum), "Momentum");
        if (nesterov && momentum == 0f)
        {
            throw new ArgumentOutOfRangeException(
                nameof(momentum),
                momentum,
                "Nesterov momentum requires momentum > 0 (the same rule as PyTorch's torch.optim.SGD). " +
                "Pass a momentum in (0, 1), or nesterov: false.");
        }

        OptimizerGuard.ThrowIfNegativeOrNotFinite(weightDecay, nameof(weightDecay), "Weight decay");

        _learningRate = learningRate;
        _momentum = momentum;
        _nesterov = nesterov;
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

    /// <summary>The momentum factor, in [0, 1); 0 means plain SGD.</summary>
    public float Momentum => _momentum;

    /// <summary>Whether Nesterov momentum is used (only possible when <see cref="Momentum"/> &gt; 0).</summary>
    public bool Nesterov => _nesterov;

    /// <summary>The L2 weight decay added to the gradient: <c>g = grad + WeightDecay * p</c>.</summary>
    public float WeightDecay => _weightDecay;

    /// <summary>
    /// Applies one SGD update to <paramref name="parameters"/> in place:
    /// <c>g = grad + weightDecay * p</c>; if momentum is not 0,
    /// <c>buf = (first step ? g : momentum * buf + g)</c> and <c>g = nesterov ? g + momentum * buf : buf</c>;
    /// then <c>p = p - learningRate * g</c>.
    /// Does not allocate. (The first call allocates the momentum buffer once, when momentum is not 0; after
    /// <see cref="Reset"/> it is reused if the length is the same.)
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

        float learningRate = _learningRate;
        if (_momentum == 0f)
        {
            if (_weightDecay == 0f)
            {
                // p = (g * -lr) + p, which is exactly p - lr * g.
                TensorPrimitives.MultiplyAdd(gradients, -learningRate, parameters, parameters);
            }
            else
            {
                DecayStep(parameters, gradients, learningRate, _weightDecay);
            }
        }
        else
        {
            Debug.Assert(_momentumBuffer is not null);
            MomentumStep(
                parameters, gradients, _momentumBuffer, learningRate, _weightDecay, _momentum, _nesterov,
                firstStep: !_hasMomentumState);
            _hasMomentumState = true;
        }
    }

    /// <summary>
    /// Zeroes the momentum buffer, forgets that a step was taken and unbinds the parameter length, so the next
    /// <see cref="Step"/> behaves like the first step of a new optimizer. Keeps the settings and the current
    /// <see cref="LearningRate"/>. Does not allocate; the buffer is reused if the next step has the same length.
    /// </summary>
    public void Reset()
    {
        if (_momentumBuffer is not null)
        {
            Array.Clear(_momentumBuffer);
        }

        _hasMomentumState = false;
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
            OptimizerGuard.ThrowLengthChanged(nameof(Sgd), _boundLength, length);
        }

        if (_momentum != 0f && (_momentumBuffer is null || _momentumBuffer.Length != length))
        {
            _momentumBuffer = new float[length];
        }

        _boundLength = length;
    }

    // p = p - lr * (grad + wd * p)
    private static void DecayStep(Span<float> parameters, ReadOnlySpan<float> gradients, float lr, float wd)
    {
        Debug.Assert(parameters.Length == gradients.Length);
        int n = parameters.Length;
        ref float pRef = ref MemoryMarshal.GetReference(parameters);
        ref float gRef = ref MemoryMarshal.GetReference(gradients);
        int i = 0;

        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> vLr = Vector512.Create(lr), vWd = Vector512.Create(wd);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> p = Vector512.LoadUnsafe(ref pRef, (nuint)i);
                Vector512<float> g = Vector512.LoadUnsafe(ref gRef, (nuint)i) + vWd * p;
                (p - vLr * g).StoreUnsafe(ref pRef, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> vLr = Vector256.Create(lr), vWd = Vector256.Create(wd);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> p = Vector256.LoadUnsafe(ref pRef, (nuint)i);
                Vector256<float> g = Vector256.LoadUnsafe(ref gRef, (nuint)i) + vWd * p;
                (p - vLr * g).StoreUnsafe(ref pRef, (nuint)i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            Vector128<float> vLr = Vector128.Create(lr), vWd = Vector128.Create(wd);
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                Vector128<float> p = Vector128.LoadUnsafe(ref pRef, (nuint)i);
                Vector128<float> g = Vector128.LoadUnsafe(ref gRef, (nuint)i) + vWd * p;
                (p - vLr * g).StoreUnsafe(ref pRef, (nuint)i);
            }
        }

        // Scalar tail (and the whole loop when there is no SIMD); same operations in the same order.
        for (; i < n; i++)
        {
            float p = parameters[i];
            float g = gradients[i] + wd * p;
            parameters[i] = p - lr * g;
        }
    }

    // g = grad (+ wd * p); buf = first ? g : mu * buf + g; d = nesterov ? g + mu * buf : buf; p = p - lr * d
    private static void MomentumStep(
        Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> buffer,
        float lr, float wd, float mu, bool nesterov, bool firstStep)
    {
        Debug.Assert(parameters.Length == gradients.Length && parameters.Length == buffer.Length);
        int n = parameters.Length;
        ref float pRef = ref MemoryMarshal.GetReference(parameters);
        ref float gRef = ref MemoryMarshal.GetReference(gradients);
        ref float bRef = ref MemoryMarshal.GetReference(buffer);
        bool decay = wd != 0f;
        int i = 0;

        // The bool branches below are loop-invariant and perfectly predicted; the loop is memory-bound.
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> vLr = Vector512.Create(lr), vWd = Vector512.Create(wd), vMu = Vector512.Create(mu);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> p = Vector512.LoadUnsafe(ref pRef, (nuint)i);
                Vector512<float> g = Vector512.LoadUnsafe(ref gRef, (nuint)i);
                if (decay)
                {
                    g += vWd * p;
                }

                Vector512<float> b = firstStep ? g : vMu * Vector512.LoadUnsafe(ref bRef, (nuint)i) + g;
                b.StoreUnsafe(ref bRef, (nuint)i);
                Vector512<float> d = nesterov ? g + vMu * b : b;
                (p - vLr * d).StoreUnsafe(ref pRef, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> vLr = Vector256.Create(lr), vWd = Vector256.Create(wd), vMu = Vector256.Create(mu);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> p = Vector256.LoadUnsafe(ref pRef, (nuint)i);
                Vector256<float> g = Vector256.LoadUnsafe(ref gRef, (nuint)i);
                if (decay)
                {
                    g += vWd * p;
                }

                Vector256<float> b = firstStep ? g : vMu * Vector256.LoadUnsafe(ref bRef, (nuint)i) + g;
                b.StoreUnsafe(ref bRef, (nuint)i);
                Vector256<float> d = nesterov ? g + vMu * b : b;
                (p - vLr * d).StoreUnsafe(ref pRef, (nuint)i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            Vector128<float> vLr = Vector128.Create(lr), vWd = Vector128.Create(wd), vMu = Vector128.Create(mu);
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                Vector128<float> p = Vector128.LoadUnsafe(ref pRef, (nuint)i);
                Vector128<float> g = Vector128.LoadUnsafe(ref gRef, (nuint)i);
                if (decay)
                {
                    g += vWd * p;
                }

                Vector128<float> b = firstStep ? g : vMu * Vector128.LoadUnsafe(ref bRef, (nuint)i) + g;
                b.StoreUnsafe(ref bRef, (nuint)i);
                Vector128<float> d = nesterov ? g + vMu * b : b;
                (p - vLr * d).StoreUnsafe(ref pRef, (nuint)i);
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

            float b = firstStep ? g : mu * buffer[i] + g;
            buffer[i] = b;
            float d = nesterov ? g + mu * b : b;
            parameters[i] = p - lr * d;
        }
    }
}
