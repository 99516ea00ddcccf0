using System;

namespace StaticNN;

/// <summary>
/// Declares the shape of one input sample. Values arrive as a flat span in this order, channels first as in
/// PyTorch's NCHW: <c>[Input(4)]</c> is 4 features; <c>[Input(1, 28, 28)]</c> is one 28x28 image (channels, height,
/// width); <c>[Input(28, 28)]</c> is read by the first layer that names its axes: one channel of 28x28 for a 2-D layer,
/// (channels, length) for a 1-D layer, rows of a matrix for Flatten.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class InputAttribute : Attribute
{
    /// <summary>A vector of <paramref name="size"/> features.</summary>
    /// <param name="size">Number of inputs, at least 1.</param>
    public InputAttribute(int size) => Shape = [size];

    /// <summary>A (rows, columns) input: one channel of (height, width) for 2-D layers, (channels, length) for 1-D layers.</summary>
    /// <param name="rows">The outer dimension.</param>
    /// <param name="columns">The inner dimension.</param>
    public InputAttribute(int rows, int columns) => Shape = [rows, columns];

    /// <summary>An image of (channels, height, width).</summary>
    /// <param name="channels">Number of channels (1 for grey, 3 for RGB).</param>
    /// <param name="height">Rows of pixels.</param>
    /// <param name="width">Columns of pixels.</param>
    public InputAttribute(int channels, int height, int width) => Shape = [channels, height, width];

    /// <summary>Any number of dimensions; StaticNN supports one to three (the generator reports more).</summary>
    /// <param name="shape">The dimensions, outermost first.</param>
    public InputAttribute(params int[] shape) => Shape = shape;

    /// <summary>The dimensions, outermost first.</summary>
    public int[] Shape { get; }

    /// <summary>Number of input values: the product of the dimensions.</summary>
    public int Size
    {
        get
        {
            int size = 1;
            foreach (int dimension in Shape)
            {
                size *= dimension;
            }
            return size;
        }
    }
}
