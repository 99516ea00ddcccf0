using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.IO;

namespace StaticNN.Serialization;

/// <summary>
/// Reads and writes the <see href="https://github.com/huggingface/safetensors">safetensors</see> format, the weight
/// format of Hugging Face and of <c>safetensors.torch.save_file</c>: an 8-byte little-endian header length N, N bytes
/// of UTF-8 JSON <c>{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
/// "__metadata__": {string: string}}</c> (offsets relative to the first byte after the header), then the raw
/// little-endian tensor data. To save or load a network, use <c>network.Save(path)</c> and <c>network.Load(path)</c>
/// (<see cref="WeightFileExtensions"/>); this class is for inspecting files and building them by hand.
/// </summary>
/// <remarks>
/// <para>
/// <b>Reading</b> validates the whole header against the real length of the file before allocating anything it
/// declares: the header length must be at most the bytes that follow it and at most <see cref="MaxHeaderLength"/>; the
/// header must be UTF-8 JSON starting with <c>{</c>, an object whose values are tensor entries (plus an optional
/// <c>__metadata__</c> object of strings) with no duplicate names; each entry needs <c>dtype</c> (a string naming a
/// dtype the format defines), <c>shape</c> (an array of at most <see cref="MaxRank"/> non-negative integers) and
/// <c>data_offsets</c> (two non-negative integers, begin &lt;= end); the element count times the dtype's width, computed with overflow checks,
/// must equal end - begin; and the tensors, sorted by offset, must cover the data section exactly, without gaps or
/// overlaps, up to the end of the file (as the reference implementation requires). Unknown fields inside an entry are
/// ignored, as the reference implementation does. Every violation throws <see cref="WeightFileException"/> naming the
/// file and the problem; I/O failures (missing file, access denied) propagate as <see cref="IOException"/> and friends.
/// </para>
/// <para>
/// <b>Any input.</b> Reading never throws anything else, never returns a partly read file, and is linear in the
/// file. Nothing the header declares is allocated before it has been checked against the real length, and parsing
/// allocates only what the result keeps (a name, a shape and an entry per tensor, a string pair and a map entry per
/// metadata key), so <see cref="Read(string)"/> allocates at most 12 bytes per byte of the file plus 1 MB (the worst
/// case known, metadata of 300,000 3-character keys with 1-character values: 10.2 bytes per byte; a header of a
/// million empty tensors: 6.1); a non-seekable stream is first copied to memory, which adds at most 4 bytes per
/// byte. A message quotes at most 64 characters of any name or value from the file. It never hangs. Checked by
/// <c>tests/StaticNN.Tests/Reliability</c> (<c>SafeTensorsHostileInputTests</c>; <c>SafeTensorsFuzzTests</c>, 5,000
/// mutated files per run, read from seekable and forward-only streams).
/// </para>
/// <para>
/// <b>Writing</b> produces the reference implementation's layout: tensors ordered by dtype (widest alignment first,
/// in the reference's enum order) then by name (ordinal), so an all-F32 file is in name order; compact JSON with
/// <c>__metadata__</c> first (omitted when empty, keys in ordinal order) and each entry's fields in the order dtype,
/// shape, data_offsets; the header padded with spaces to a multiple of 8 bytes so the data is 8-byte aligned.
/// <see cref="Write(string)"/> replaces the file atomically (temporary file, flush to disk, rename, flush of the folder).
/// </para>
/// </remarks>
public sealed class SafeTensorsFile
{
    /// <summary>Largest header accepted when reading, in bytes (the reference implementation's limit, 100 MB).</summary>
    public const int MaxHeaderLength = 100_000_000;

    /// <summary>Most dimensions a tensor's shape may have when reading (NumPy's limit, 64); a longer shape is rejected before it is stored.</summary>
    public const int MaxRank = 64;

    private readonly List<SafeTensor> _tensors;
    private readonly Dictionary<string, SafeTensor> _byName;

    /// <summary>Creates an empty file (no tensors, no metadata).</summary>
    public SafeTensorsFile()
        : this(capacity: 0, metadata: null)
    {
    }

    /// <summary>A file read from disk: its lists sized once, the header's metadata map kept as it is (not copied).</summary>
    private SafeTensorsFile(int capacity, Dictionary<string, string>? metadata)
    {
        _tensors = new List<SafeTensor>(capacity);
        _byName = new Dictionary<string, SafeTensor>(capacity, StringComparer.Ordinal);
        Metadata = metadata ?? new Dictionary<string, string>(StringComparer.Ordinal);
    }

    /// <summary>The tensors: for a file read from disk, in the order of its header; otherwise in the order added.</summary>
    public IReadOnlyList<SafeTensor> Tensors => _tensors;

    /// <summary>The <c>__metadata__</c> map of free-form strings (empty when the file has none).</summary>
    public IDictionary<string, string> Metadata { get; }

    /// <summary>The tensor named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">There is no such tensor.</exception>
    public SafeTensor this[string name] => _byName.TryGetValue(name, out SafeTensor? tensor)
        ? tensor
        : throw new KeyNotFoundException($"The file has no tensor named '{name}'.");

    /// <summary>Adds a tensor.</summary>
    /// <exception cref="ArgumentException">A tensor with the same name is already in the file.</exception>
    public void Add(SafeTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!_byName.TryAdd(tensor.Name, tensor))
        {
            throw new ArgumentException($"The file already has a tensor named '{tensor.Name}'.", nameof(tensor));
        }
        _tensors.Add(tensor);
    }

    /// <summary>Finds a tensor by name.</summary>
    public bool TryGetTensor(string name, [NotNullWhen(true)] out SafeTensor? tensor) => _byName.TryGetValue(name, out tensor);

    /// <summary>Reads and validates a safetensors file.</summary>
    /// <exception cref="WeightFileException">The file is not a valid safetensors file (see the remarks of <see cref="SafeTensorsFile"/>), or a tensor is larger than an array can hold.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static SafeTensorsFile Read(string path)
    {
        using FileStream stream = SafeTensorsIO.OpenRead(path);
        return ReadCore(stream, stream.Length, path);
    }

    /// <summary>
    /// Reads and validates a safetensors file from <paramref name="stream"/>, from its current position to its end. A
    /// non-seekable stream is first copied to memory.
    /// </summary>
    /// <exception cref="WeightFileException">The data is not a valid safetensors file.</exception>
    public static SafeTensorsFile Read(Stream stream)
    {
        Stream readable = SafeTensorsIO.PrepareForReading(stream, out long available);
        return ReadCore(readable, available, SafeTensorsIO.NameOf(stream));
    }

    private static SafeTensorsFile ReadCore(Stream stream, long available, string? source)
    {
        SafeTensorsHeader header = SafeTensorsHeader.Read(stream, available, source);
        foreach (SafeTensorsEntry entry in header.Entries)
        {
            if (entry.ByteLength > Array.MaxLength)
            {
                throw new WeightFileException(
                    $"tensor '{SafeTensorsHeader.Clip(entry.Name)}' has {entry.ByteLength} bytes, more than SafeTensorsFile can hold in one array ({Array.MaxLength})", source);
            }
        }
        // Every length was checked against the real file, so these allocations are bounded by the bytes that exist.
        var data = new byte[header.Entries.Count][];
        foreach (SafeTensorsEntry entry in header.EntriesInDataOrder())
        {
            byte[] bytes = entry.ByteLength == 0 ? [] : new byte[entry.ByteLength];
            SafeTensorsHeader.ReadTensorData(stream, bytes, entry.Name, source);
            data[entry.Index] = bytes;
        }
        var file = new SafeTensorsFile(header.Entries.Count, header.Metadata);
        foreach (SafeTensorsEntry entry in header.Entries)
        {
            file.Add(SafeTensor.FromValidated(entry.Name, entry.DType, entry.Shape, entry.ElementCount, data[entry.Index]));
        }
        return file;
    }

    /// <summary>
    /// Writes the file to <paramref name="path"/> atomically: to the temporary file <c>.{name}.tmp</c> in the same
    /// folder, flushed to disk, renamed over <paramref name="path"/>, then the folder flushed (Linux, macOS, FreeBSD).
    /// A failure or a crash leaves any previous file intact; after a crash the temporary file remains until the next
    /// save to the same path reclaims it, so there is never more than one.
    /// </summary>
    /// <exception cref="ArgumentException">A metadata key or value is null or not valid UTF-16.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public void Write(string path)
    {
        List<SafeTensor> ordered = Ordered();
        byte[] header = Header(ordered, out long dataLength);
        SafeTensorsIO.WriteAtomically(path, header.Length + dataLength, stream => WriteBody(stream, header, ordered));
    }

    /// <summary>Writes the file to <paramref name="stream"/> at its current position.</summary>
    /// <exception cref="ArgumentException">A metadata key or value is null or not valid UTF-16.</exception>
    public void Write(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        List<SafeTensor> ordered = Ordered();
        byte[] header = Header(ordered, out _);
        WriteBody(stream, header, ordered);
    }

    private List<SafeTensor> Ordered()
    {
        var ordered = new List<SafeTensor>(_tensors);
        SafeTensorsIO.SortLikeReference(ordered, static t => t.Name, static t => t.DType);
        return ordered;
    }

    private byte[] Header(List<SafeTensor> ordered, out long dataLength)
    {
        var layout = new List<SafeTensorsLayoutItem>(ordered.Count);
        foreach (SafeTensor tensor in ordered)
        {
            layout.Add(new SafeTensorsLayoutItem(tensor.Name, tensor.DType, tensor.RawShape, tensor.RawData.Length));
        }
        return SafeTensorsIO.BuildHeader(layout, Metadata, out dataLength);
    }

    private static void WriteBody(Stream stream, byte[] header, List<SafeTensor> ordered)
    {
        stream.Write(header);
        foreach (SafeTensor tensor in ordered)
        {
            stream.Write(tensor.RawData);
        }
        stream.Flush();
    }
}
