namespace StaticNN;

/// <summary>Element-wise activation applied after a layer's affine transform.</summary>
public enum Activation
{
    /// <summary>f(x) = x.</summary>
    Identity = 0,
    /// <summary>f(x) = max(0, x).</summary>
    ReLU = 1,
    /// <summary>f(x) = x for x &gt; 0, alpha * x otherwise (alpha defaults to 0.01).</summary>
    LeakyReLU = 2,
    /// <summary>f(x) = x for x &gt; 0, alpha * (exp(x) - 1) otherwise (alpha defaults to 1).</summary>
    ELU = 3,
    /// <summary>f(x) = 1 / (1 + exp(-x)).</summary>
    Sigmoid = 4,
    /// <summary>f(x) = tanh(x).</summary>
    Tanh = 5,
    /// <summary>exp(x_i) / sum_j exp(x_j) over the layer's outputs; last layer only.</summary>
    Softmax = 6,
    /// <summary>Gaussian error linear unit, tanh form: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).</summary>
    GELU = 7,
    /// <summary>f(x) = x * sigmoid(x) (also called swish).</summary>
    SiLU = 8,
    /// <summary>f(x) = log(1 + exp(x)).</summary>
    Softplus = 9,
}
