using System;
using System.Collections.Generic;

namespace StaticNN.Data;

/// <summary>
/// An append-only list of values kept in chunks (256 values, doubling to 16,384), so that growing never copies and
/// never reserves more than the values that actually arrived plus one chunk; <see cref="ToArray"/> makes the
/// exact-length result. Used by the loaders, which cannot know the final count in advance.
/// </summary>
internal sealed class ChunkedBuffer<T>
{
    private const int FirstChunk = 256;
    private const int LargestChunk = 1 << 14;

    private readonly List<T[]> _chunks = [];
    private T[] _current = [];
    private int _used;

    /// <summary>Number of values added.</summary>
    public long Count { get; private set; }

    public void Add(T value)
    {
        if (_used == _current.Length)
        {
            if (_current.Length > 0)
            {
                _chunks.Add(_current);
            }
            _current = new T[Math.Min(LargestChunk, FirstChunk << Math.Min(_chunks.Count, 6))];
            _used = 0;
        }
        _current[_used++] = value;
        Count++;
    }

    /// <summary>Every value, in order, in an array of exactly <see cref="Count"/> elements (at most <see cref="Array.MaxLength"/>).</summary>
    public T[] ToArray()
    {
        var result = new T[checked((int)Count)];
        int offset = 0;
        foreach (T[] chunk in _chunks)
        {
            chunk.CopyTo(result, offset);
            offset += chunk.Length;
        }
        _current.AsSpan(0, _used).CopyTo(result.AsSpan(offset));
        return result;
    }
}
