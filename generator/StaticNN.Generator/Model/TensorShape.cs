using System.Globalization;

namespace StaticNN.Generator.Model;

/// <summary>How the axes of a <see cref="TensorShape"/> are named. Values are stored in axis order, outermost first.</summary>
internal enum ShapeLayout
{
    /// <summary>(features): one vector per sample.</summary>
    Features = 0,

    /// <summary>
    /// (a, b) as declared by <c>[Input(a, b)]</c>: the first layer names the axes. A 2-D layer reads it as one channel of
    /// (height, width), a 1-D layer as (channels, length); Flatten reads it row by row.
    /// </summary>
    Matrix = 1,

    /// <summary>(channels, length): the input and output of Conv1D and the 1-D pooling layers.</summary>
    ChannelsLength = 2,

    /// <summary>(channels, height, width): the input and output of Conv2D and the 2-D pooling layers.</summary>
    ChannelsHeightWidth = 3,
}

/// <summary>The logical shape of one sample as it flows between layers: rank 1 to 3, with named axes.</summary>
/// <remarks>
/// Immutable; structural equality. This is the PyTorch view (channels first); how a layer stores it in memory is the
/// plan's business. Unused dimensions are 0.
/// </remarks>
internal readonly record struct TensorShape(ShapeLayout Layout, int D0, int D1, int D2)
{
    public static TensorShape Vector(int features) => new(ShapeLayout.Features, features, 0, 0);

    public static TensorShape Matrix(int rows, int columns) => new(ShapeLayout.Matrix, rows, columns, 0);

    public static TensorShape ChannelsLength(int channels, int length) => new(ShapeLayout.ChannelsLength, channels, length, 0);

    public static TensorShape Image(int channels, int height, int width) => new(ShapeLayout.ChannelsHeightWidth, channels, height, width);

    public int Rank => Layout switch
    {
        ShapeLayout.Features => 1,
        ShapeLayout.ChannelsHeightWidth => 3,
        _ => 2,
    };

    public bool IsVector => Layout == ShapeLayout.Features;

    /// <summary>Values per sample: the product of the dimensions.</summary>
    public long ElementCount => Rank switch
    {
        1 => D0,
        2 => (long)D0 * D1,
        _ => (long)D0 * D1 * D2,
    };

    /// <summary>The dimension of axis <paramref name="axis"/> (0 = outermost).</summary>
    public int Dimension(int axis) => axis switch
    {
        0 => D0,
        1 => D1,
        _ => D2,
    };

    /// <summary>Reads the shape as an image (channels, height, width): a matrix is one channel; null for other layouts.</summary>
    public TensorShape? AsImage() => Layout switch
    {
        ShapeLayout.ChannelsHeightWidth => this,
        ShapeLayout.Matrix => Image(1, D0, D1),
        _ => null,
    };

    /// <summary>Reads the shape as a sequence of channels (channels, length): a matrix is (channels, length); null for other layouts.</summary>
    public TensorShape? AsChannelsLength() => Layout switch
    {
        ShapeLayout.ChannelsLength => this,
        ShapeLayout.Matrix => ChannelsLength(D0, D1),
        _ => null,
    };

    /// <summary>
    /// The spatial view of an image or a sequence of channels: (channels, height, width), with height 1 for
    /// (channels, length). Only for <see cref="ShapeLayout.ChannelsHeightWidth"/> and <see cref="ShapeLayout.ChannelsLength"/>.
    /// </summary>
    public (int Channels, int Height, int Width) Grid => Layout switch
    {
        ShapeLayout.ChannelsHeightWidth => (D0, D1, D2),
        ShapeLayout.ChannelsLength => (D0, 1, D1),
        _ => throw new System.InvalidOperationException($"{this} has no spatial axes."),
    };

    public bool IsSpatial => Layout is ShapeLayout.ChannelsHeightWidth or ShapeLayout.ChannelsLength;

    /// <summary>"(1, 28, 28)", as PyTorch prints a shape without its batch dimension.</summary>
    public override string ToString() => Rank switch
    {
        1 => "(" + Text(D0) + ")",
        2 => "(" + Text(D0) + ", " + Text(D1) + ")",
        _ => "(" + Text(D0) + ", " + Text(D1) + ", " + Text(D2) + ")",
    };

    /// <summary>The shape with its axis names: "(32, 26, 26) (channels, height, width)".</summary>
    public string Describe() => ToString() + " (" + AxisNames + ")";

    public string AxisNames => Layout switch
    {
        ShapeLayout.Features => "features",
        ShapeLayout.Matrix => "rows, columns",
        ShapeLayout.ChannelsLength => "channels, length",
        _ => "channels, height, width",
    };

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
