using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace StaticNN.Serialization;

/// <summary>Which of a layer's tensors an entry holds.</summary>
internal enum TensorPart
{
    Weight,
    Bias,
    RunningMean,
    RunningVariance,
}

/// <summary>Where one layer's tensors are in a validated header (null where the layer has no such tensor).</summary>
internal readonly record struct LayerTensors(SafeTensorsEntry? Weight, SafeTensorsEntry? Bias, SafeTensorsEntry? RunningMean, SafeTensorsEntry? RunningVariance);

/// <summary>Matches the tensors of a safetensors header to the layers of a compiled network, name by name and shape by shape.</summary>
internal static class WeightFileBinding
{
    private const string CanonicalPrefix = "layers.";

    /// <summary>Canonical name of layer <paramref name="layer"/>'s weight: <c>layers.{layer}.weight</c>.</summary>
    public static string WeightName(int layer) => string.Create(CultureInfo.InvariantCulture, $"layers.{layer}.weight");

    /// <summary>Canonical name of layer <paramref name="layer"/>'s bias: <c>layers.{layer}.bias</c>.</summary>
    public static string BiasName(int layer) => string.Create(CultureInfo.InvariantCulture, $"layers.{layer}.bias");

    /// <summary>Canonical name of a tensor of a layer: <c>layers.{layer}.{weight|bias|running_mean|running_var}</c>.</summary>
    public static string Name(int layer, TensorPart part) => string.Create(CultureInfo.InvariantCulture, $"layers.{layer}.{Suffix(part)}");

    /// <summary>The PyTorch suffix of a tensor part.</summary>
    public static string Suffix(TensorPart part) => part switch
    {
        TensorPart.Weight => "weight",
        TensorPart.Bias => "bias",
        TensorPart.RunningMean => "running_mean",
        _ => "running_var",
    };

    /// <summary>The tensors a layer has, with their shapes (PyTorch layout).</summary>
    public static IEnumerable<(TensorPart Part, long[] Shape)> Parts(LayerInfo info)
    {
        if (info.Kind == LayerKind.Dense)
        {
            yield return (TensorPart.Weight, [info.OutputSize, info.InputSize]);
        }
        else if (info.WeightCount > 0)
        {
            yield return (TensorPart.Weight, [info.OutputSize]);
        }
        if (info.BiasCount > 0)
        {
            yield return (TensorPart.Bias, [info.OutputSize]);
        }
        if (info.HasRunningStatistics)
        {
            yield return (TensorPart.RunningMean, [info.OutputSize]);
            yield return (TensorPart.RunningVariance, [info.OutputSize]);
        }
    }

    /// <summary>
    /// Finds every layer's tensors and checks their dtype and shape; every tensor of the file must be used. Names are
    /// either canonical (<c>layers.{i}.weight</c>) or, when no name starts with <c>layers.</c> and some are
    /// <c>{k}.weight</c>, those of a plain PyTorch <c>nn.Sequential</c>: the k-th Linear (ascending k) is layer i.
    /// </summary>
    /// <exception cref="WeightFileException">A tensor is missing, unexpected, not F32 or of the wrong shape.</exception>
    public static LayerTensors[] Bind<T>(SafeTensorsHeader header, string? source) where T : class, ITrainableNetwork<T>
    {
        var byName = new Dictionary<string, SafeTensorsEntry>(StringComparer.Ordinal);
        foreach (SafeTensorsEntry entry in header.Entries)
        {
            byName.Add(entry.Name, entry);
        }

        int layerCount = T.LayerCount;
        string network = typeof(T).Name;
        // Layers with tensors, in order; a plain nn.Sequential numbers its modules k = 0, 1, 2... and only those with
        // parameters appear (activations and dropout have none), so the j-th k with a weight is the j-th such layer.
        int[] parametric = Enumerable.Range(0, layerCount).Where(i => Parts(T.GetLayerInfo(i)).Any()).ToArray();
        List<int>? sequential = SequentialIndices(header);
        if (sequential is not null && sequential.Count != parametric.Length)
        {
            throw new WeightFileException(
                $"the file has PyTorch nn.Sequential names with {sequential.Count} module(s) with weights ({Join(sequential.Select(k => SequentialName(k, "weight")))}), but {network} has {parametric.Length} layer(s) with parameters",
                source);
        }

        var layers = new LayerTensors[layerCount];
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (int j = 0; j < parametric.Length; j++)
        {
            int i = parametric[j];
            LayerInfo info = T.GetLayerInfo(i);
            string layer = info.Kind == LayerKind.Dense
                ? string.Create(CultureInfo.InvariantCulture, $"{network} layer {i}: Dense {info.InputSize} -> {info.OutputSize}")
                : string.Create(CultureInfo.InvariantCulture, $"{network} layer {i}: {info.Kind} {info.OutputSize}");
            var found = new SafeTensorsEntry?[4];
            foreach ((TensorPart part, long[] shape) in Parts(info))
            {
                string name = sequential is null ? Name(i, part) : SequentialName(sequential[j], Suffix(part));
                SafeTensorsEntry entry = Find(byName, name, shape, $"{layer}, {Suffix(part)}", header, source);
                used.Add(entry.Name);
                found[(int)part] = entry;
            }
            string biasName = sequential is null ? BiasName(i) : SequentialName(sequential[j], "bias");
            if (info.Kind == LayerKind.Dense && !info.HasBias && byName.ContainsKey(biasName))
            {
                throw new WeightFileException($"the file has {biasName}, but {layer} has no bias (UseBias = false)", source);
            }
            if (sequential is not null && byName.ContainsKey(SequentialName(sequential[j], "num_batches_tracked")))
            {
                used.Add(SequentialName(sequential[j], "num_batches_tracked")); // PyTorch's BatchNorm counter; not used
            }
            layers[i] = new LayerTensors(found[0], found[1], found[2], found[3]);
        }

        List<string> extra = header.Entries.Where(e => !used.Contains(e.Name)).Select(e => e.Name).ToList();
        if (extra.Count > 0)
        {
            throw new WeightFileException(
                $"the file has {(extra.Count == 1 ? "a tensor" : "tensors")} that {network} does not: {Join(extra)}", source);
        }
        return layers;
    }

    private static SafeTensorsEntry Find(Dictionary<string, SafeTensorsEntry> byName, string name, long[] shape, string what, SafeTensorsHeader header, string? source)
    {
        if (!byName.TryGetValue(name, out SafeTensorsEntry? entry))
        {
            string has = header.Entries.Count == 0 ? "no tensors" : Join(header.Entries.Select(e => e.Name));
            throw new WeightFileException(
                $"tensor {name} ({what}, shape {SafeTensorsHeader.FormatShape(shape)}) is missing; the file has {has}", source);
        }
        if (entry.DType != SafeTensorsDTypes.F32)
        {
            throw new WeightFileException($"{name} has dtype {entry.DType} in the file but the network expects F32 ({what})", source);
        }
        if (!entry.Shape.AsSpan().SequenceEqual(shape))
        {
            throw new WeightFileException(
                $"{name} has shape {SafeTensorsHeader.FormatShape(entry.Shape)} in the file but the network expects {SafeTensorsHeader.FormatShape(shape)} ({what})", source);
        }
        return entry;
    }

    /// <summary>
    /// The sorted distinct k of the <c>{k}.weight</c> names when the file uses plain nn.Sequential names (no name starts
    /// with <c>layers.</c> and at least one is <c>{k}.weight</c>); otherwise null (canonical names).
    /// </summary>
    private static List<int>? SequentialIndices(SafeTensorsHeader header)
    {
        var indices = new SortedSet<int>();
        foreach (SafeTensorsEntry entry in header.Entries)
        {
            if (entry.Name.StartsWith(CanonicalPrefix, StringComparison.Ordinal))
            {
                return null;
            }
            if (TryParseSequential(entry.Name, out int index, out bool isWeight) && isWeight)
            {
                indices.Add(index);
            }
        }
        return indices.Count == 0 ? null : [.. indices];
    }

    private static bool TryParseSequential(string name, out int index, out bool isWeight)
    {
        index = 0;
        isWeight = name.EndsWith(".weight", StringComparison.Ordinal);
        int dot = name.IndexOf('.', StringComparison.Ordinal);
        bool known = isWeight || name.EndsWith(".bias", StringComparison.Ordinal) || name.EndsWith(".running_mean", StringComparison.Ordinal)
            || name.EndsWith(".running_var", StringComparison.Ordinal) || name.EndsWith(".num_batches_tracked", StringComparison.Ordinal);
        if (dot <= 0 || !known || name.IndexOf('.', dot + 1) >= 0)
        {
            return false;
        }
        ReadOnlySpan<char> digits = name.AsSpan(0, dot);
        foreach (char c in digits)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }
        // PyTorch writes module indices without leading zeros.
        return (digits.Length == 1 || digits[0] != '0')
            && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }

    private static string SequentialName(int index, string kind) => string.Create(CultureInfo.InvariantCulture, $"{index}.{kind}");

    private static string Join(IEnumerable<string> names)
    {
        const int Shown = 8;
        List<string> list = names.ToList();
        string shown = string.Join(", ", list.Take(Shown));
        return list.Count > Shown ? $"{shown} and {list.Count - Shown} more" : shown;
    }
}
