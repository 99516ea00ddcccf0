using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using StaticNN.Generator.Diagnostics;
using StaticNN.Generator.Model;
using StaticNN.Generator.Model.Layers;

namespace StaticNN.Generator.Parsing.Layers;

/// <summary>A residual block still open while the layers are read.</summary>
/// <param name="Source">The layer whose output the block adds back (-1: the network input).</param>
/// <param name="Shape">The shape the block starts with.</param>
/// <param name="FirstLayer">The index the block's first layer gets.</param>
internal readonly record struct OpenResidualBlock(int Source, TensorShape Shape, int FirstLayer);

/// <summary>What one layer attribute's parser sees: the attribute, the shape coming in, and where to report.</summary>
internal sealed class LayerParseContext
{
    private readonly Action<DiagnosticDescriptor, Location?, object[]> _report;

    public LayerParseContext(
        AttributeData attribute, Location? location, int index, int layerTotal, TensorShape input, string network,
        Stack<OpenResidualBlock> openBlocks, Action<DiagnosticDescriptor, Location?, object[]> report, bool shapeKnown = true)
    {
        ShapeKnown = shapeKnown;
        Attribute = attribute;
        Location = location;
        Index = index;
        LayerTotal = layerTotal;
        Input = input;
        Network = network;
        OpenBlocks = openBlocks;
        _report = report;
        Named = attribute.NamedArguments.ToDictionary(a => a.Key, a => a.Value.Value);
    }

    public AttributeData Attribute { get; }

    /// <summary>False when the input could not be read: shape diagnostics would only repeat that error.</summary>
    public bool ShapeKnown { get; }

    /// <summary>The attribute in source, where its diagnostics go.</summary>
    public Location? Location { get; }

    /// <summary>The index the layer gets if it is added (layers that failed to parse take none).</summary>
    public int Index { get; }

    /// <summary>Number of layer attributes (residual begin markers excluded): the last layer has index LayerTotal - 1.</summary>
    public int LayerTotal { get; }

    /// <summary>The shape of one sample coming in (the previous layer's output, or the input).</summary>
    public TensorShape Input { get; }

    /// <summary>The network class name, for messages.</summary>
    public string Network { get; }

    public Stack<OpenResidualBlock> OpenBlocks { get; }

    /// <summary>Named arguments (properties set in the attribute), by name.</summary>
    public IReadOnlyDictionary<string, object?> Named { get; }

    public System.Collections.Immutable.ImmutableArray<TypedConstant> Arguments => Attribute.ConstructorArguments;

    public void Report(DiagnosticDescriptor descriptor, params object[] arguments) => _report(descriptor, Location, arguments);

    public float NamedFloat(string key, float fallback) => Named.TryGetValue(key, out object? value) && value is float f ? f : fallback;

    public int? NamedInt(string key) => Named.TryGetValue(key, out object? value) && value is int i ? i : null;

    public bool NamedBool(string key, bool fallback) => Named.TryGetValue(key, out object? value) && value is bool b ? b : fallback;

    /// <summary>SNN0101 for a size below 1, SNN0102 above <see cref="NetworkParser.MaxLayerSize"/>.</summary>
    public void CheckSize(string what, int size)
    {
        if (size <= 0)
        {
            Report(DiagnosticDescriptors.SizeNotPositive, what, Network, size);
        }
        else if (size > NetworkParser.MaxLayerSize)
        {
            Report(DiagnosticDescriptors.SizeTooLarge, what, Network, size, NetworkParser.MaxLayerSize);
        }
    }

    public static string Float(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>SNN0016 unless <paramref name="value"/> is a defined activation.</summary>
    public bool TryReadActivation(int value, out ActivationKind activation)
    {
        activation = (ActivationKind)value;
        if (!Enum.IsDefined(typeof(ActivationKind), value))
        {
            Report(DiagnosticDescriptors.UndefinedEnumValue, "Activation", value, Network);
            return false;
        }
        return true;
    }

    /// <summary>
    /// Checks that Softmax is last and that Alpha is used and finite; returns Alpha resolved to the activation's
    /// default (0 when the activation has no parameter).
    /// </summary>
    public float ReadAlpha(ActivationKind activation)
    {
        float alpha = NamedFloat("Alpha", float.NaN);
        if (activation == ActivationKind.Softmax && Index != LayerTotal - 1)
        {
            Report(DiagnosticDescriptors.SoftmaxNotLast, Index, Network);
        }
        bool usesAlpha = activation is ActivationKind.LeakyReLU or ActivationKind.ELU;
        if (!float.IsNaN(alpha) && !usesAlpha)
        {
            Report(DiagnosticDescriptors.AlphaUnused, Index, Network, activation.ToString());
        }
        if (float.IsInfinity(alpha))
        {
            Report(DiagnosticDescriptors.AlphaNotFinite, Index, Network, alpha.ToString(CultureInfo.InvariantCulture));
        }
        return !usesAlpha ? 0f
            : !float.IsNaN(alpha) ? alpha
            : activation == ActivationKind.LeakyReLU ? 0.01f : 1f;
    }

    /// <summary>SNN0108 unless L2 is finite and at least 0; returns it.</summary>
    public float ReadL2()
    {
        float l2 = NamedFloat("L2", 0f);
        if (!(l2 >= 0f && !float.IsInfinity(l2)))
        {
            Report(DiagnosticDescriptors.LayerSettingOutOfRange, Index, Network, "L2", Float(l2), "it must be finite and at least 0");
        }
        return l2;
    }
}

/// <summary>What a layer parser decided.</summary>
internal readonly struct LayerParseOutcome
{
    private LayerParseOutcome(LayerOptions? options, TensorShape output, bool valid, TensorShape? inputAs = null)
    {
        Options = options;
        Output = output;
        IsValid = valid;
        InputAs = inputAs;
    }

    /// <summary>
    /// How the layer named the axes of a (rows, columns) input: (1, rows, columns) for 2-D layers, (rows, columns) as
    /// (channels, length) for 1-D layers. The first layer that names them names the network's input.
    /// </summary>
    public TensorShape? InputAs { get; }

    /// <summary>The layer's settings, or null when it adds no layer (a residual begin marker, or a layer that could not be read).</summary>
    public LayerOptions? Options { get; }

    /// <summary>The shape the layer produces (the next layer's input).</summary>
    public TensorShape Output { get; }

    /// <summary>False when the attribute could not be read at all (no layer is added and the layer list is incomplete).</summary>
    public bool IsValid { get; }

    /// <summary>A layer (errors reported on the way still stop generation, but later layers are checked against <paramref name="output"/>).</summary>
    public static LayerParseOutcome Layer(LayerOptions options, TensorShape output, TensorShape? inputAs = null) => new(options, output, true, inputAs);

    /// <summary>A marker that adds no layer and leaves the shape as it is.</summary>
    public static LayerParseOutcome Marker(TensorShape shape) => new(null, shape, true);

    /// <summary>An attribute that could not be read: no layer, the shape stays <paramref name="shape"/>.</summary>
    public static LayerParseOutcome Invalid(TensorShape shape) => new(null, shape, false);
}

/// <summary>Reads one layer attribute: validates it against the shape coming in and returns its options and output shape.</summary>
internal interface ILayerParser
{
    /// <summary>The attribute's metadata name, for example <c>StaticNN.DenseAttribute</c>.</summary>
    string AttributeName { get; }

    /// <summary>Whether the attribute is a layer (false for markers such as [ResidualBegin], which count as no layer).</summary>
    bool IsLayer { get; }

    LayerParseOutcome Parse(LayerParseContext context);
}
