using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace StaticNN.Serialization;

/// <summary>Matches the tensors of a safetensors header to the tensors of a compiled network, name by name and shape by shape.</summary>
internal static class WeightFileBinding
{
    private const string CanonicalPrefix = "layers.";

    /// <summary>
    /// Finds every tensor of the network (<c>T.Tensors</c>) in the header and checks its dtype and shape; every tensor
    /// of the file must be used. Returns the header entry of each of the network's tensors, in table order. Names are
    /// either canonical (<c>layers.{i}.weight</c>) or, when no name starts with <c>layers.</c> and some are
    /// <c>{k}.weight</c>, those of a plain PyTorch <c>nn.Sequential</c>: the k-th module with weights (ascending k) is
    /// the k-th layer with tensors.
    /// </summary>
    /// <exception cref="WeightFileException">A tensor is missing, unexpected, not F32 or of the wrong shape.</exception>
    public static SafeTensorsEntry[] Bind<T>(SafeTensorsHeader header, string? source) where T : class, ITrainableNetwork<T>
    {
        var byName = new Dictionary<string, SafeTensorsEntry>(StringComparer.Ordinal);
        foreach (SafeTensorsEntry entry in header.Entries)
        {
            byName.Add(entry.Name, entry);
        }

        IReadOnlyList<TensorInfo> tensors = T.Tensors;
        string network = typeof(T).Name;
        // Layers with tensors, in order; a plain nn.Sequential numbers its modules k = 0, 1, 2... and only those with
        // parameters appear (activations, pooling and dropout have none), so the j-th k with a weight is the j-th such layer.
        int[] parametric = tensors.Select(t => t.Layer).Distinct().ToArray();
        List<int>? sequential = SequentialIndices(header);
        if (sequential is not null && sequential.Count != parametric.Length)
        {
            throw new WeightFileException(
                $"the file has PyTorch nn.Sequential names with {sequential.Count} module(s) with weights ({Join(sequential.Select(k => SequentialName(k, "weight")))}), but {network} has {parametric.Length} layer(s) with parameters",
                source);
        }

        var bound = new SafeTensorsEntry[tensors.Count];
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (int j = 0; j < parametric.Length; j++)
        {
            int i = parametric[j];
            LayerInfo info = T.GetLayerInfo(i);
            string layer = info.Kind == LayerKind.Dense
                ? string.Create(CultureInfo.InvariantCulture, $"{network} layer {i}: Dense {info.InputSize} -> {info.OutputSize}")
                : string.Create(CultureInfo.InvariantCulture, $"{network} layer {i}: {info.Kind} {info.OutputSize}");
            bool hasBias = false;
            for (int t = 0; t < tensors.Count; t++)
            {
                TensorInfo tensor = tensors[t];
                if (tensor.Layer != i)
                {
                    continue;
                }
                string name = sequential is null ? tensor.Name : SequentialName(sequential[j], tensor.Suffix);
                SafeTensorsEntry entry = Find(byName, name, tensor.ShapeAsInt64(), $"{layer}, {tensor.Suffix}", header, source);
                used.Add(entry.Name);
                bound[t] = entry;
                hasBias |= tensor.Suffix == "bias";
            }
            string biasName = sequential is null ? string.Create(CultureInfo.InvariantCulture, $"{CanonicalPrefix}{i}.bias") : SequentialName(sequential[j], "bias");
            if (!hasBias && byName.ContainsKey(biasName))
            {
                throw new WeightFileException($"the file has {biasName}, but {layer} has no bias (UseBias = false)", source);
            }
            if (sequential is not null && byName.ContainsKey(SequentialName(sequential[j], "num_batches_tracked")))
            {
                used.Add(SequentialName(sequential[j], "num_batches_tracked")); // PyTorch's BatchNorm counter; not used
            }
        }

        List<string> extra = header.Entries.Where(e => !used.Contains(e.Name)).Select(e => e.Name).ToList();
        if (extra.Count > 0)
        {
            throw new WeightFileException(
                $"the file has {(extra.Count == 1 ? "a tensor" : "tensors")} that {network} does not: {Join(extra)}", source);
        }
        return bound;
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
        string shown = string.Join(", ", list.Take(Shown).Select(SafeTensorsHeader.Clip));
        return list.Count > Shown ? $"{shown} and {list.Count - Shown} more" : shown;
    }
}
