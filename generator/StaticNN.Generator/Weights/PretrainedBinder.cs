using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using StaticNN.Generator.Model;
using StaticNN.Generator.Planning;

namespace StaticNN.Generator.Weights;

/// <summary>
/// Matches a weight file to a network, tensor by tensor, with the runtime loader's rules (WeightFileBinding): names
/// are canonical (<c>layers.{i}.weight</c>) or, when no name starts with <c>layers.</c>, those of a plain PyTorch
/// <c>nn.Sequential</c> (the k-th module with weights is the k-th layer with parameters); every tensor is F32 with the
/// layer's PyTorch shape, and every tensor of the file is used. Then lays the values out as the kernels read them.
/// </summary>
internal static class PretrainedBinder
{
    /// <summary>Most floats (parameter block + state block) a network may bake: 16 MiB of constant data.</summary>
    public const int MaxBakedFloats = 4 * 1024 * 1024;

    private const string CanonicalPrefix = "layers.";

    public static PretrainedBinding Bind(PretrainedRequest request, ImmutableArray<WeightFileInput> files, string? projectDirectory)
    {
        NetworkSpec spec = request.Spec;
        string network = spec.Type.Type.Name.TrimStart('@');
        string path = request.WeightsPath;
        PretrainedBinding Fail(string id, params string[] arguments) =>
            new(request, null, new WeightsProblem(id, new EquatableArray<string>(arguments)));

        NetworkPlan plan = NetworkPlan.Create(spec);
        if ((long)plan.ParameterBlockLength + plan.StateBlockLength > MaxBakedFloats)
        {
            return Fail("SNN0204", network, path,
                $"the network's parameter and state blocks hold {(long)plan.ParameterBlockLength + plan.StateBlockLength} floats; at most {MaxBakedFloats} are baked");
        }

        string baseDirectory = !string.IsNullOrEmpty(projectDirectory) ? projectDirectory! : Path.GetDirectoryName(request.FilePath) ?? "";
        string fullPath = WeightFileDecoder.Normalize(Path.IsPathRooted(path) ? path : Path.Combine(baseDirectory, path));
        WeightFileInput? input = files.FirstOrDefault(f => string.Equals(f.SourcePath, fullPath, WeightFileDecoder.PathComparison));
        if (input is null)
        {
            return Fail("SNN0201", network, path, $"no AdditionalFiles item has the path {fullPath}");
        }
        if (!input.Encoded)
        {
            return Fail("SNN0202", network, path,
                "the StaticNN build targets did not encode it (the compiler cannot pass a binary file to a generator); they come with the StaticNN package, or import src/StaticNN/build/StaticNN.targets in the project");
        }
        if (input.File is null && input.Error is null)
        {
            return Fail("SNN0204", network, path, $"the file has about {input.ByteLength} bytes; at most {WeightFileDecoder.MaxFileBytes} are read");
        }
        if (input.File is null)
        {
            return Fail("SNN0202", network, path, input.Error!);
        }


        var byName = new Dictionary<string, WeightTensor>(StringComparer.Ordinal);
        foreach (WeightTensor tensor in input.File.Tensors)
        {
            byName[tensor.Name] = tensor;
        }
        LayerPlan[] parametric = plan.Layers.Where(l => l.Slots.Count > 0).ToArray();
        List<int>? sequential = SequentialIndices(input.File);
        if (sequential is not null && sequential.Count != parametric.Length)
        {
            return Fail("SNN0203", network, path,
                $"the file has PyTorch nn.Sequential names with {sequential.Count} module(s) with weights ({Join(sequential.Select(k => k + ".weight"))}), but {network} has {parametric.Length} layer(s) with parameters");
        }

        var parameters = new float[plan.ParameterBlockLength];
        var state = new float[plan.StateBlockLength];
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (int j = 0; j < parametric.Length; j++)
        {
            LayerPlan layer = parametric[j];
            string prefix = sequential is null ? CanonicalPrefix + layer.Index.ToString(CultureInfo.InvariantCulture) : sequential[j].ToString(CultureInfo.InvariantCulture);
            string what = $"layer {layer.Index}: {layer.Emitter.ShortName(layer)}";
            foreach (ParameterSlot slot in layer.Slots)
            {
                string suffix = slot.Suffix;
                long[] shape = slot.Shape.Select(d => (long)d).ToArray();
                string name = prefix + "." + suffix;
                if (!byName.TryGetValue(name, out WeightTensor? tensor))
                {
                    string has = byName.Count == 0 ? "no tensors" : Join(input.File.Tensors.Select(t => t.Name));
                    return Fail("SNN0203", network, path, $"tensor {name} ({what}, {suffix}, shape {SafeTensorsReader.FormatShape(shape)}) is missing; the file has {has}");
                }
                if (tensor.DType != "F32")
                {
                    return Fail("SNN0203", network, path, $"tensor {name} has dtype {tensor.DType} in the file but {network} expects F32 ({what}, {suffix})");
                }
                if (!tensor.Shape.AsSpan().SequenceEqual(shape))
                {
                    return Fail("SNN0203", network, path,
                        $"tensor {name} has shape {SafeTensorsReader.FormatShape(tensor.Shape)} in the file but {network} expects {SafeTensorsReader.FormatShape(shape)} ({what}, {suffix})");
                }
                int bad = FirstNonFinite(tensor.Values.AsSpan());
                if (bad >= 0)
                {
                    return Fail("SNN0205", network, path, name, Index(bad, shape), tensor.Values[bad].ToString("R", CultureInfo.InvariantCulture));
                }
                used.Add(name);
                Place(slot, tensor.Values.AsSpan(), slot.IsState ? state : parameters);
            }
            if (!layer.HasBias && byName.ContainsKey(prefix + ".bias"))
            {
                return Fail("SNN0203", network, path, $"the file has {prefix}.bias, but {network} {what} has no bias (UseBias = false)");
            }
            if (sequential is not null)
            {
                used.Add(prefix + ".num_batches_tracked"); // PyTorch's BatchNorm counter; not used
            }
        }
        List<string> extra = input.File.Tensors.Select(t => t.Name).Where(n => !used.Contains(n)).ToList();
        if (extra.Count > 0)
        {
            return Fail("SNN0203", network, path, $"the file has {(extra.Count == 1 ? "a tensor" : "tensors")} that {network} does not: {Join(extra)}");
        }

        var model = new PretrainedModel(spec, path, new EquatableArray<float>(parameters), new EquatableArray<float>(state),
            sequential is null ? "tensors named layers.{i}.*" : "tensors named as in a PyTorch nn.Sequential, {k}.*");
        return new PretrainedBinding(request, model, null);
    }

    /// <summary>Copies one tensor (PyTorch layout) into its slot of a block, laid out as the kernels read it.</summary>
    private static void Place(ParameterSlot slot, ReadOnlySpan<float> values, float[] block)
    {
        switch (slot.Layout)
        {
            case SlotLayout.TransposedMatrix:
                int outputs = slot.Shape[0], inputs = slot.Shape[1], padded = NetworkPlan.Pad(outputs);
                for (int o = 0; o < outputs; o++)
                {
                    for (int i = 0; i < inputs; i++)
                    {
                        block[slot.Offset + i * padded + o] = values[o * inputs + i];
                    }
                }
                break;
            case SlotLayout.ConvolutionKernel:
                (int filters, int channels, int kh, int kw, _) = ParameterSlot.KernelGeometry(slot.Shape);
                int paddedFilters = NetworkPlan.Pad(filters), logical = 0;
                for (int f = 0; f < filters; f++)
                {
                    for (int c = 0; c < channels; c++)
                    {
                        for (int i = 0; i < kh; i++)
                        {
                            for (int j = 0; j < kw; j++)
                            {
                                block[slot.Offset + ((i * kw + j) * channels + c) * paddedFilters + f] = values[logical++];
                            }
                        }
                    }
                }
                break;
            default:
                values.CopyTo(block.AsSpan(slot.Offset, slot.Count));
                break;
        }
    }

    private static List<int>? SequentialIndices(WeightFile file)
    {
        var indices = new SortedSet<int>();
        foreach (WeightTensor tensor in file.Tensors)
        {
            if (tensor.Name.StartsWith(CanonicalPrefix, StringComparison.Ordinal))
            {
                return null;
            }
            int dot = tensor.Name.IndexOf('.');
            string digits = dot > 0 ? tensor.Name.Substring(0, dot) : "";
            if (tensor.Name.EndsWith(".weight", StringComparison.Ordinal) && dot == tensor.Name.Length - ".weight".Length
                && digits.All(c => c is >= '0' and <= '9') && (digits.Length == 1 || digits[0] != '0')
                && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            {
                indices.Add(index);
            }
        }
        return indices.Count == 0 ? null : indices.ToList();
    }

    private static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (float.IsNaN(values[i]) || float.IsInfinity(values[i]))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>A flat index as a tensor index: [o, i] for a matrix, [o] for a vector.</summary>
    /// <summary>A flat index as a tensor index: [o, i] for a matrix, [f, c, i, j] for a convolution kernel, [o] for a vector.</summary>
    private static string Index(int flat, long[] shape)
    {
        var index = new long[shape.Length];
        long rest = flat;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = rest % shape[d];
            rest /= shape[d];
        }
        return "[" + string.Join(", ", index) + "]";
    }

    private static string Join(IEnumerable<string> names)
    {
        const int Shown = 8;
        List<string> list = names.ToList();
        return list.Count <= Shown ? string.Join(", ", list) : string.Join(", ", list.Take(Shown)) + $" and {list.Count - Shown} more";
    }
}
