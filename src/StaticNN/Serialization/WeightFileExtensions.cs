using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using StaticNN.Serialization;

namespace StaticNN;

/// <summary>
/// Saves and loads a network's weights as a <see href="https://github.com/huggingface/safetensors">safetensors</see>
/// file that PyTorch reads and writes (<c>safetensors.torch.save_file</c> / <c>load_file</c>).
/// </summary>
/// <remarks>
/// <para>
/// <b>Tensor names and layout.</b> Layer <c>i</c> is stored as <c>layers.{i}.weight</c>, float32 of shape
/// [out, in] (row-major, PyTorch's <c>nn.Linear.weight</c>), and <c>layers.{i}.bias</c> of shape [out] (absent when
/// the layer has no bias, <c>UseBias = false</c>). These are the <c>state_dict</c> names of a PyTorch module that
/// keeps its <c>nn.Linear</c> layers in an <c>nn.ModuleList</c> attribute named <c>layers</c>.
/// </para>
/// <para>
/// Loading also accepts the names of a plain <c>nn.Sequential</c> <c>state_dict</c>, where activation modules take
/// indices too: <c>nn.Sequential(nn.Linear(4, 10), nn.ReLU(), nn.Linear(10, 3))</c> saves <c>0.weight</c>,
/// <c>0.bias</c>, <c>2.weight</c>, <c>2.bias</c>. When no name in the file starts with <c>layers.</c> and some are
/// <c>{k}.weight</c>, the Linear with the smallest k is layer 0, the next is layer 1, and so on (so the file must hold
/// exactly <c>LayerCount</c> weights; its biases are <c>{k}.bias</c>). Other prefixes (<c>model.0.weight</c>) are not
/// recognised; rename the keys in Python before saving.
/// </para>
/// <para>
/// <b>Validation.</b> Loading checks the file's structure (see <see cref="SafeTensorsFile"/>), then every tensor the
/// network needs: present, dtype F32, and the exact shape; a tensor the network does not use is an error too. The first
/// problem is thrown as a <see cref="WeightFileException"/> that names the file and the tensor, for example
/// "layers.1.weight has shape [3, 12] in the file but the network expects [3, 10]". Loading is all-or-nothing: the
/// values are read into temporary arrays and set only after everything was read, so a failed load leaves the network
/// unchanged. Values are not range-checked (NaN and infinities load as they are).
/// </para>
/// <para>
/// <b>Any input.</b> Whatever the file holds, <c>Load</c> sets every tensor to the file's values or throws
/// <see cref="WeightFileException"/> naming the file (for a <see cref="FileStream"/>), the tensor or the byte, and
/// the problem, with the network unchanged; failures to read the file propagate as the framework's
/// <see cref="IOException"/> types, and nothing else is thrown. It never hangs, its time is linear in the file, and
/// it allocates at most 12 bytes per byte of the file plus 1 MB (16 from a non-seekable stream, which is copied first;
/// the most measured is 5.6, a header of a million empty tensors), the bound of <see cref="SafeTensorsFile"/>: the
/// header is checked against the file's real length before anything it declares is allocated, and the arrays
/// allocated for the values are sized by the compiled network, never by the file. Checked by
/// <c>tests/StaticNN.Tests/Reliability</c> (<c>SafeTensorsHostileInputTests</c>, <c>SafeTensorsFuzzTests</c>).
/// </para>
/// <para>
/// <b>Saving</b> writes the layout of <c>safetensors.torch.save_file</c> (tensors in name order, header padded to 8
/// bytes) with the given metadata as <c>__metadata__</c> (omitted when null or empty). <see cref="Save{T}(T, string, IReadOnlyDictionary{string, string})"/>
/// replaces the file atomically: it writes <c>.{name}.tmp</c> in the same folder, flushes it to disk, renames it over
/// the target and flushes the folder (Linux, macOS, FreeBSD), so a crash, a power loss or a failure mid-save leaves
/// the previous file intact. A temporary file is deleted when saving fails with an exception; one left behind by a
/// killed process keeps that one name per target and is reclaimed by the next save, so leftovers never pile up
/// (only a save that finds another save of the same file running uses a unique <c>.{name}.{guid}.tmp</c>). The new
/// file gets default permissions (those of the old file are not copied).
/// </para>
/// </remarks>
public static class WeightFileExtensions
{
    /// <summary>Saves the network's weights to a safetensors file, replacing it atomically.</summary>
    /// <typeparam name="T">The generated network class.</typeparam>
    /// <param name="network">The network.</param>
    /// <param name="path">The file to write (conventionally <c>*.safetensors</c>).</param>
    /// <param name="metadata">Free-form strings stored as the file's <c>__metadata__</c>; null or empty for none.</param>
    /// <exception cref="ArgumentException">The path is empty or names a folder, or a metadata key or value is null or not valid UTF-16.</exception>
    /// <exception cref="IOException">The file cannot be written; any previous file is unchanged.</exception>
    public static void Save<T>(this T network, string path, IReadOnlyDictionary<string, string>? metadata = null)
        where T : class, ITrainableNetwork<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        List<Tensor> tensors = Layout<T>();
        byte[] header = Header(tensors, metadata, out long dataLength);
        SafeTensorsIO.WriteAtomically(path, header.Length + dataLength, stream => WriteBody(network, stream, header, tensors));
    }

    /// <summary>Writes the network's weights in the safetensors format to <paramref name="stream"/>, at its current position.</summary>
    /// <typeparam name="T">The generated network class.</typeparam>
    /// <param name="network">The network.</param>
    /// <param name="stream">A writable stream; it is flushed, not closed.</param>
    /// <param name="metadata">Free-form strings stored as the file's <c>__metadata__</c>; null or empty for none.</param>
    /// <exception cref="ArgumentException">A metadata key or value is null or not valid UTF-16, or the stream is not writable.</exception>
    public static void Save<T>(this T network, Stream stream, IReadOnlyDictionary<string, string>? metadata = null)
        where T : class, ITrainableNetwork<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("The stream is not writable.", nameof(stream));
        }
        List<Tensor> tensors = Layout<T>();
        byte[] header = Header(tensors, metadata, out _);
        WriteBody(network, stream, header, tensors);
    }

    /// <summary>
    /// Loads the network's weights from a safetensors file (written by <c>Save</c>, or by PyTorch with the names
    /// described in <see cref="WeightFileExtensions"/>). All or nothing: on any error the network is unchanged.
    /// </summary>
    /// <typeparam name="T">The generated network class.</typeparam>
    /// <param name="network">The network, whose weights are replaced.</param>
    /// <param name="path">The file to read.</param>
    /// <returns>The file's <c>__metadata__</c> (empty when it has none).</returns>
    /// <exception cref="WeightFileException">The file is malformed or does not match the network (the message names the first problem).</exception>
    /// <exception cref="IOException">The file cannot be read (for example <see cref="FileNotFoundException"/>).</exception>
    public static IReadOnlyDictionary<string, string> Load<T>(this T network, string path)
        where T : class, ITrainableNetwork<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        using FileStream stream = SafeTensorsIO.OpenRead(path);
        return LoadCore(network, stream, stream.Length, path);
    }

    /// <summary>
    /// Loads the network's weights from safetensors data in <paramref name="stream"/>, from its current position to its
    /// end (a non-seekable stream is first copied to memory). All or nothing: on any error the network is unchanged.
    /// </summary>
    /// <typeparam name="T">The generated network class.</typeparam>
    /// <param name="network">The network, whose weights are replaced.</param>
    /// <param name="stream">A readable stream; it is not closed.</param>
    /// <returns>The file's <c>__metadata__</c> (empty when it has none).</returns>
    /// <exception cref="WeightFileException">The data is malformed or does not match the network.</exception>
    public static IReadOnlyDictionary<string, string> Load<T>(this T network, Stream stream)
        where T : class, ITrainableNetwork<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        Stream readable = SafeTensorsIO.PrepareForReading(stream, out long available);
        return LoadCore(network, readable, available, SafeTensorsIO.NameOf(stream));
    }

    private static IReadOnlyDictionary<string, string> LoadCore<T>(T network, Stream stream, long available, string? source)
        where T : class, ITrainableNetwork<T>
    {
        SafeTensorsHeader header = SafeTensorsHeader.Read(stream, available, source);
        SafeTensorsEntry[] bound = WeightFileBinding.Bind<T>(header, source);
        IReadOnlyList<TensorInfo> tensors = T.Tensors;

        // Sizes come from the compiled network (the header was checked to match them), never from the file.
        var values = new float[tensors.Count][];
        var destinations = new Dictionary<SafeTensorsEntry, float[]>();
        for (int t = 0; t < tensors.Count; t++)
        {
            values[t] = new float[tensors[t].Count];
            destinations[bound[t]] = values[t];
        }
        // Every tensor is bound and the tensors tile the data section, so reading them in offset order is sequential.
        foreach (SafeTensorsEntry entry in header.EntriesInDataOrder())
        {
            if (destinations.TryGetValue(entry, out float[]? destination))
            {
                SafeTensorsIO.ReadSingles(stream, destination, entry.Name, source);
            }
            else
            {
                SafeTensorsIO.Skip(stream, entry.End - entry.Begin, entry.Name, source); // e.g. PyTorch's num_batches_tracked
            }
        }

        for (int t = 0; t < tensors.Count; t++)
        {
            network.SetTensor(t, values[t]);
        }
        return new ReadOnlyDictionary<string, string>(header.Metadata ?? new Dictionary<string, string>(StringComparer.Ordinal));
    }

    private readonly record struct Tensor(string Name, int Index, long[] Shape);

    private static List<Tensor> Layout<T>() where T : class, ITrainableNetwork<T>
    {
        IReadOnlyList<TensorInfo> table = T.Tensors;
        var tensors = new List<Tensor>(table.Count);
        for (int t = 0; t < table.Count; t++)
        {
            tensors.Add(new Tensor(table[t].Name, t, table[t].ShapeAsInt64()));
        }
        SafeTensorsIO.SortLikeReference(tensors, static t => t.Name, static _ => SafeTensorsDTypes.F32);
        return tensors;
    }

    private static byte[] Header(List<Tensor> tensors, IReadOnlyDictionary<string, string>? metadata, out long dataLength)
    {
        var layout = new List<SafeTensorsLayoutItem>(tensors.Count);
        foreach (Tensor tensor in tensors)
        {
            long elements = 1;
            foreach (long dimension in tensor.Shape)
            {
                elements *= dimension;
            }
            layout.Add(new SafeTensorsLayoutItem(tensor.Name, SafeTensorsDTypes.F32, tensor.Shape, elements * sizeof(float)));
        }
        return SafeTensorsIO.BuildHeader(layout, metadata, out dataLength);
    }

    private static void WriteBody<T>(T network, Stream stream, byte[] header, List<Tensor> tensors)
        where T : class, ITrainableNetwork<T>
    {
        stream.Write(header);
        IReadOnlyList<TensorInfo> table = T.Tensors;
        foreach (Tensor tensor in tensors)
        {
            var values = new float[table[tensor.Index].Count];
            network.GetTensor(tensor.Index, values);
            SafeTensorsIO.WriteSingles(stream, values);
        }
        stream.Flush();
    }
}
