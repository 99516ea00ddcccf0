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
}
