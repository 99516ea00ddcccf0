using System;
using System.Globalization;
using System.Text;

namespace StaticNN;

/// <summary>
/// Keras' <c>model.summary()</c> for a compiled network: one row per layer with what it is, its output shape and its
/// parameter count, then the totals. Read from the generated <see cref="ITrainableNetwork{TSelf}.GetLayerInfo"/>, so it
/// is exactly what was compiled.
/// </summary>
/// <example>
/// <code>
/// Console.WriteLine(net.Summary());
/// // FashionCnn: loss CrossEntropy
/// // layer  kind                          output shape       parameters
/// // input                                (1, 28, 28)
/// // 0      Conv2D 32, 3x3, ReLU          (32, 26, 26)              320
/// // ...
/// </code>
/// </example>
public static class NetworkSummary
{
    /// <summary>The summary table of <paramref name="network"/>'s type (the same for every instance).</summary>
    public static string Summary<TNet>(this TNet network)
        where TNet : class, ITrainableNetwork<TNet>
    {
        ArgumentNullException.ThrowIfNull(network);
        return Of<TNet>();
    }

    /// <summary>The summary table of network type <typeparamref name="TNet"/>.</summary>
    public static string Of<TNet>()
        where TNet : class, ITrainableNetwork<TNet>
    {
        CultureInfo invariant = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append(invariant, $"{typeof(TNet).Name}: loss {TNet.Loss}").AppendLine();
        text.AppendLine("layer  kind                          output shape       parameters");
        text.AppendLine(string.Create(invariant, $"{"input",-6} {"",-29} {TNet.InputShape}"));
        long trainable = 0;
        long statistics = 0;
        for (int i = 0; i < TNet.LayerCount; i++)
        {
            LayerInfo layer = TNet.GetLayerInfo(i);
            int parameters = layer.WeightCount + layer.BiasCount;
            trainable += parameters;
            if (layer.HasRunningStatistics)
            {
                statistics += 2L * layer.OutputShape[0];
            }
            string count = parameters == 0 ? "" : parameters.ToString("N0", invariant);
            text.AppendLine(string.Create(invariant, $"{i,-6} {Describe(layer),-29} {layer.OutputShape,-14} {count,14}").TrimEnd());
        }
        text.Append(invariant, $"parameters: {trainable:N0} trainable ({trainable * sizeof(float) / 1024.0:F1} KB as float32)");
        if (statistics > 0)
        {
            text.Append(invariant, $", {statistics:N0} running statistics (BatchNorm mean and variance, not trained)");
        }
        return text.AppendLine().ToString();
    }

    /// <summary>A layer as a declaration would read: "Dense 128, ReLU", "Conv2D 32, 3x3, stride 2, Same", "Dropout 0.5".</summary>
    public static string Describe(LayerInfo layer)
    {
        CultureInfo invariant = CultureInfo.InvariantCulture;
        string activation = layer.Activation == Activation.Identity ? "" : ", " + ActivationText(layer);
        return layer.Kind switch
        {
            LayerKind.Dense => string.Create(invariant, $"Dense {layer.OutputSize}{activation}{(layer.HasBias ? "" : ", no bias")}{(layer.L2 > 0 ? $", L2 {layer.L2:G3}" : "")}"),
            LayerKind.Conv2D => string.Create(invariant, $"Conv2D {layer.OutputShape[0]}, {layer.KernelHeight}x{layer.KernelWidth}{Window(layer)}{PaddingText(layer)}{activation}{(layer.HasBias ? "" : ", no bias")}"),
            LayerKind.Conv1D => string.Create(invariant, $"Conv1D {layer.OutputShape[0]}, {layer.KernelWidth}{Window(layer)}{PaddingText(layer)}{activation}{(layer.HasBias ? "" : ", no bias")}"),
            LayerKind.MaxPool2D or LayerKind.AvgPool2D => string.Create(invariant, $"{layer.Kind} {layer.KernelHeight}x{layer.KernelWidth}{Window(layer)}"),
            LayerKind.MaxPool1D or LayerKind.AvgPool1D => string.Create(invariant, $"{layer.Kind} {layer.KernelWidth}{Window(layer)}"),
            LayerKind.Dropout => string.Create(invariant, $"Dropout {layer.Rate:G3}"),
            LayerKind.BatchNorm => string.Create(invariant, $"BatchNorm, momentum {layer.Momentum:G3}"),
            LayerKind.Activation => "Activation " + ActivationText(layer),
            LayerKind.Residual => layer.ResidualSource < 0 ? "Residual (+ input)" : string.Create(invariant, $"Residual (+ layer {layer.ResidualSource})"),
            _ => layer.Kind.ToString(),
        };
    }

    private static string ActivationText(LayerInfo layer) =>
        layer.Activation is Activation.LeakyReLU or Activation.ELU
            ? string.Create(CultureInfo.InvariantCulture, $"{layer.Activation}({layer.Alpha:G3})")
            : layer.Activation.ToString();

    /// <summary>The stride, when it is not the default (1 for convolutions, the window for pooling).</summary>
    private static string Window(LayerInfo layer)
    {
        bool pooling = layer.Kind is LayerKind.MaxPool2D or LayerKind.AvgPool2D or LayerKind.MaxPool1D or LayerKind.AvgPool1D;
        bool oneD = layer.Kind is LayerKind.Conv1D or LayerKind.MaxPool1D or LayerKind.AvgPool1D;
        int defaultWidth = pooling ? layer.KernelWidth : 1;
        int defaultHeight = pooling ? layer.KernelHeight : 1;
        if (layer.Stride == defaultWidth && (oneD || layer.StrideHeight == defaultHeight))
        {
            return "";
        }
        return oneD || layer.Stride == layer.StrideHeight
            ? string.Create(CultureInfo.InvariantCulture, $", stride {layer.Stride}")
            : string.Create(CultureInfo.InvariantCulture, $", stride {layer.StrideHeight}x{layer.Stride}");
    }

    private static string PaddingText(LayerInfo layer) => layer.Padding == Padding.Same ? ", Same" : "";
}
