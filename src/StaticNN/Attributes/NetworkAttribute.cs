using System;

namespace StaticNN;

/// <summary>
/// Marks a <c>partial class</c> as a network compiled by the StaticNN generator. The layers are the
/// <see cref="InputAttribute"/> and the layer attributes (<see cref="DenseAttribute"/>...) on the same declaration,
/// read in source order.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class NetworkAttribute : Attribute
{
    /// <summary>The loss that <c>ComputeGradients</c> and <c>ComputeLoss</c> use. Defaults to mean squared error.</summary>
    public Loss Loss { get; set; } = Loss.MeanSquaredError;

    /// <summary>
    /// A safetensors weight file to bake into the assembly, relative to the project directory (for example
    /// <c>"iris.safetensors"</c>); the project must list it as <c>&lt;AdditionalFiles Include="iris.safetensors" /&gt;</c>.
    /// The generator reads it at build time, checks every tensor's name, dtype and shape against the layers, and adds
    /// <c>CreatePretrained()</c>, which returns a network holding those weights without any I/O at run time. Editing the
    /// file rebuilds the network. Null (the default): no baked weights.
    /// </summary>
    public string? Weights { get; set; }
}
