using System;

namespace StaticNN.Runtime;

/// <summary>
/// A small, fast, seedable generator (xoshiro128**, seeded through SplitMix64) whose sequence is fixed by this
/// library, not by the .NET version, so a seed gives the same weights everywhere.
/// </summary>
public struct SeededRandom
{
    private uint _s0, _s1, _s2, _s3;

    /// <summary>Creates a generator for <paramref name="seed"/>.</summary>
    public SeededRandom(int seed)
    {
        ulong x = (ulong)(long)seed;
        ulong a = SplitMix64(ref x), b = SplitMix64(ref x);
        _s0 = (uint)a; _s1 = (uint)(a >> 32); _s2 = (uint)b; _s3 = (uint)(b >> 32);
        if ((_s0 | _s1 | _s2 | _s3) == 0) _s0 = 1;
    }

    /// <summary>Next 32 random bits.</summary>
    public uint NextUInt32()
    {
        uint result = uint.RotateLeft(_s1 * 5, 7) * 9;
        uint t = _s1 << 9;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
        _s2 ^= t;
        _s3 = uint.RotateLeft(_s3, 11);
        return result;
    }

    /// <summary>Uniform float in [0, 1) with 24 random bits.</summary>
    public float NextSingle() => (NextUInt32() >> 8) * (1.0f / (1 << 24));

    /// <summary>Uniform float in [-limit, limit).</summary>
    public float NextSymmetric(float limit) => (2f * NextSingle() - 1f) * limit;

    /// <summary>Uniform integer in [0, maxExclusive).</summary>
    public int NextInt32(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        return (int)(((ulong)NextUInt32() * (ulong)maxExclusive) >> 32);
    }

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
