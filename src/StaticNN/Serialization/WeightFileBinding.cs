using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace StaticNN.Serialization;

/// <summary>Where one layer's tensors are in a validated header.</summary>
internal readonly record struct LayerTensors(SafeTensorsEntry Weight, SafeTensorsEntry? Bias);

/// <summary>Matches the tensors of a safetensors header to the layers of a compiled network, name by name and shape by shape.</summary>
internal static class WeightFileBinding
{
    private const string CanonicalPrefix = "layers.";

    /// <summary>Canonical name of layer <paramref name="layer"/>'s weight: <c>layers.{layer}.weight</c>.</summary>
    public static string WeightName(int layer) => string.Create(CultureInfo.InvariantCulture, $"layers.{layer}.weight");

    /// <summary>Canonical name of layer <paramref name="layer"/>'s bias: <c>layers.{layer}.bias</c>.</summary>
    public static string BiasName(int layer) => string.Create(CultureInfo.InvariantCulture, $"layers.{layer}.bias");

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
        var weightNames = new string[layerCount];
        var biasNames = new string[layerCount];
        List<int>? sequential = SequentialIndices(header);
        if (sequential is not null && sequential.Count != layerCount)
        {
            throw new WeightFileException(
                $"the file has PyTorch nn.Sequential names with {sequential.Count} Linear weight(s) ({Join(sequential.Select(k => SequentialName(k, "weight")))}), but {network} has {layerCount} layer(s)",
                source);
        }
        for (int i = 0; i < layerCount; i++)
        {
            weightNames[i] = sequential is null ? WeightName(i) : SequentialName(sequential[i], "weight");
            biasNames[i] = sequential is null ? BiasName(i) : SequentialName(sequential[i], "bias");
        }

        var layers = new LayerTensors[layerCount];
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < layerCount; i++)
        {
            LayerInfo info = T.GetLayerInfo(i);
            string layer = string.Create(CultureInfo.InvariantCulture, $"{network} layer {i}: Dense {info.InputSize} -> {info.OutputSize}");
            SafeTensorsEntry weight = Find(byName, weightNames[i], [info.OutputSize, info.InputSize], $"{layer}, weight", header, source);
            used.Add(weight.Name);
            SafeTensorsEntry? bias = null;
            if (info.HasBias)
            {
                bias = Find(byName, biasNames[i], [info.OutputSize], $"{layer}, bias", header, source);
                used.Add(bias.Name);
            }
            else if (byName.ContainsKey(biasNames[i]))
            {
                throw new WeightFileException($"the file has {biasNames[i]}, but {layer} has no bias (UseBias = false)", source);
            }
            layers[i] = new LayerTensors(weight, bias);
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
        if (dot <= 0 || !(isWeight || name.EndsWith(".bias", StringComparison.Ordinal)) || name.IndexOf('.', dot + 1) >= 0)
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
