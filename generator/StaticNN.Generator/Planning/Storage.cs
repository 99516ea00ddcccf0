using StaticNN.Generator.Model;

namespace StaticNN.Generator.Planning;

/// <summary>
/// How one sample of a tensor lies in a buffer: <see cref="Positions"/> groups of <see cref="ChannelStride"/> floats, of
/// which the first <see cref="Channels"/> hold values (the rest are zero padding), <see cref="SampleStride"/> floats
/// per sample. A vector is one position of all its features; a (channels, height, width) image is stored channels-last,
/// one position per pixel, so that kernels load whole vectors of channels.
/// </summary>
/// <param name="Positions">Groups per sample (1 for a vector; height x width for an image).</param>
/// <param name="ChannelStride">Floats per group: the padded channels (or the row stride of a vector).</param>
/// <param name="Channels">Values per group.</param>
/// <param name="SampleStride">Floats per sample.</param>
/// <param name="ChannelsFirst">The user's channels-first order (only the network input of a multi-channel image).</param>
internal readonly record struct Storage(int Positions, int ChannelStride, int Channels, int SampleStride, bool ChannelsFirst = false)
{
    /// <summary>Groups of <see cref="ChannelStride"/> floats whose memory order is the logical (PyTorch) order.</summary>
    public bool IsLogicalOrder => ChannelsFirst || Positions == 1 || (Channels == 1 && ChannelStride == 1);

    /// <summary>Channels-last: each position's channels together (what convolution and pooling kernels read).</summary>
    public bool IsChannelsLast => !ChannelsFirst;

    /// <summary>
    /// The layout of every layer's outputs and of the padded copy of the input: a vector padded to 16; a spatial
    /// tensor channels-last with the channels padded to 16.
    /// </summary>
    public static Storage Standard(TensorShape shape)
    {
        if (shape.IsSpatial)
        {
            (int channels, int height, int width) = shape.Grid;
            int stride = NetworkPlan.Pad(channels);
            return new Storage(height * width, stride, channels, height * width * stride);
        }
        int count = (int)shape.ElementCount;
        return new Storage(1, NetworkPlan.Pad(count), count, NetworkPlan.Pad(count));
    }

    /// <summary>The user's rows as they are: InputSize floats per sample, channels first.</summary>
    public static Storage UserRows(TensorShape shape)
    {
        int count = (int)shape.ElementCount;
        if (shape.IsSpatial)
        {
            (int channels, int height, int width) = shape.Grid;
            return channels == 1
                ? new Storage(height * width, 1, 1, count)
                : new Storage(height * width, 1, channels, count, ChannelsFirst: true);
        }
        return new Storage(1, count, count, count);
    }
}
