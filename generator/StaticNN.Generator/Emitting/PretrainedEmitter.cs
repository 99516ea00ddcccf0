using System;
using System.Collections.Generic;
using System.Linq;
using StaticNN.Generator.Model;
using StaticNN.Generator.Planning;
using StaticNN.Generator.Weights;
using static StaticNN.Generator.Emitting.EmitterText;

namespace StaticNN.Generator.Emitting;

/// <summary>
/// Emits <c>CreatePretrained()</c> and the baked weights: per layer, its slice of the parameter block (and BatchNorm's
/// slice of the state block) exactly as the kernels read it, as little-endian float32 in a base64 UTF-8 literal. The
/// compiler stores a UTF-8 literal as constant data in the assembly (no string object, no allocation); one literal
/// per layer costs the compiler almost nothing, where an array of float literals of an MNIST-sized network takes
/// seconds to compile. Decoding is a vectorised copy.
/// </summary>
internal static class PretrainedEmitter
{
    /// <summary>Bytes per line of base64: 48 bytes (12 floats) make 64 characters with no padding.</summary>
    private const int BytesPerLine = 48;

    public static (string HintName, string Source) Emit(PretrainedModel model)
    {
        NetworkPlan plan = NetworkPlan.Create(model.Spec);
        TypeHierarchySpec type = model.Spec.Type;
        string name = type.Type.Name;
        string display = name.TrimStart('@');
        var w = new SourceWriter();
        Header(w, type.MetadataName, "baked weights");
        int depth = NetworkEmitter.OpenType(w, type);
        w.OpenBrace($"partial {type.Type.Keyword} {name}");

        string file = Escape(model.WeightsPath);
        w.Line("/// <summary>");
        w.Line($"/// Creates the network with the weights baked into this assembly at build time from <c>{file}</c>");
        w.Line($"/// ({plan.ParameterCount} parameters; {model.Naming}). The same as <c>new {display}()</c> followed by");
        w.Line("/// loading that file, without any I/O or parsing at run time: the data is already in the kernels' layout.");
        w.Line("/// Each call returns a new instance, which can be trained further without changing the baked weights.");
        w.Line("/// </summary>");
        w.Line(GeneratedCode);
        w.OpenBrace($"public static {type.FullyQualifiedName} CreatePretrained()");
        w.Line($"var network = new {type.FullyQualifiedName}();");
        w.Line($"{Span} parameters = network._parameters.Span;");
        foreach (LayerPlan layer in plan.Layers.Where(l => l.ParameterSlots.Any()))
        {
            (int offset, int length) = Extent(layer.ParameterSlots);
            w.Line($"{Runtime}.BakedWeights.Decode(BakedWeights.Layer{layer.Index}, parameters.Slice({offset}, {length}));");
        }
        foreach (LayerPlan layer in plan.Layers.Where(l => l.StateSlots.Any()))
        {
            (int offset, int length) = Extent(layer.StateSlots);
            w.Line($"{Runtime}.BakedWeights.Decode(BakedWeights.Layer{layer.Index}RunningStatistics, network._state.Span.Slice({offset}, {length}));");
        }
        w.Line("return network;");
        w.CloseBrace();
        w.Line();

        w.Line("/// <summary>");
        w.Line($"/// The weights of <see cref=\"CreatePretrained\"/>, from <c>{file}</c>: per layer, its slice of <see cref=\"Parameters\"/>");
        w.Line(plan.StateBlockLength > 0
            ? "/// and of the running statistics, in the kernels' layout, as little-endian float32 encoded in base64."
            : "/// in the kernels' layout, as little-endian float32 encoded in base64.");
        w.Line("/// </summary>");
        w.Line(GeneratedCode);
        w.OpenBrace("private static class BakedWeights");
        bool first = true;
        foreach (LayerPlan layer in plan.Layers.Where(l => l.ParameterSlots.Any()))
        {
            if (!first)
            {
                w.Line();
            }
            first = false;
            (int offset, int length) = Extent(layer.ParameterSlots);
            w.Line($"/// <summary>{Describe(layer, layer.ParameterSlots)}: {length} floats at {offset}.</summary>");
            Literal(w, $"Layer{layer.Index}", model.Parameters.AsSpan().Slice(offset, length));
        }
        foreach (LayerPlan layer in plan.Layers.Where(l => l.StateSlots.Any()))
        {
            w.Line();
            (int offset, int length) = Extent(layer.StateSlots);
            w.Line($"/// <summary>{Describe(layer, layer.StateSlots)}: {length} floats at {offset} of the state block.</summary>");
            Literal(w, $"Layer{layer.Index}RunningStatistics", model.State.AsSpan().Slice(offset, length));
        }
        w.CloseBrace();
        w.CloseBrace();
        NetworkEmitter.CloseType(w, depth);
        return (HintNames.For(type, "Pretrained"), w.ToString());
    }

    /// <summary>Where a layer's slots are in their block: they are laid out one after the other.</summary>
    private static (int Offset, int Length) Extent(IEnumerable<ParameterSlot> slots)
    {
        ParameterSlot[] list = slots.ToArray();
        return (list[0].Offset, list[list.Length - 1].Offset + list[list.Length - 1].Length - list[0].Offset);
    }

    private static string Describe(LayerPlan layer, IEnumerable<ParameterSlot> slots) =>
        $"Layer {layer.Index}: {layer.Emitter.ShortName(layer)}, {string.Join(" then ", slots.Select(s => s.KernelName))}";

    private static void Literal(SourceWriter w, string property, ReadOnlySpan<float> values)
    {
        // Little-endian on every host, like the safetensors file.
        byte[] bytes = LittleEndian.ToBytes(values);
        w.Line($"public static global::System.ReadOnlySpan<byte> {property} => \"\"\"");
        using (w.Indent())
        {
            for (int start = 0; start < bytes.Length; start += BytesPerLine)
            {
                w.Line(Convert.ToBase64String(bytes, start, Math.Min(BytesPerLine, bytes.Length - start)));
            }
        }
        w.Line("\"\"\"u8;");
    }

    /// <summary>The path inside an XML doc comment.</summary>
    private static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
