using System;

namespace StaticNN;

/// <summary>Declares the number of input features of a network.</summary>
/// <param name="size">Number of inputs, at least 1.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class InputAttribute(int size) : Attribute
{
    /// <summary>Number of inputs.</summary>
    public int Size { get; } = size;
}
