using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticNN.Runtime;

/// <summary>The SIMD code path that generated kernels take on this machine.</summary>
public enum KernelPathKind
{
    /// <summary>No SIMD: plain float loops.</summary>
    Scalar = 0,
    /// <summary>128-bit vectors (SSE, or NEON on ARM64).</summary>
    Vector128 = 1,
    /// <summary>256-bit vectors with FMA (AVX2).</summary>
    Vector256 = 2,
    /// <summary>512-bit vectors (AVX-512F).</summary>
    Vector512 = 3,
}

/// <summary>Reports which kernel path generated networks run; the generated code makes the same checks.</summary>
public static class KernelPath
{
    /// <summary>The path taken on this machine and process (DOTNET_EnableAVX512=0 and similar switches change it).</summary>
    public static KernelPathKind Current =>
        Avx512F.IsSupported ? KernelPathKind.Vector512
        : Fma.IsSupported && Vector256.IsHardwareAccelerated ? KernelPathKind.Vector256
        : Vector128.IsHardwareAccelerated ? KernelPathKind.Vector128
        : KernelPathKind.Scalar;

    /// <summary>A human-readable name of <see cref="Current"/>, e.g. "Vector512 (AVX-512F)".</summary>
    public static string Description => Current switch
    {
        KernelPathKind.Vector512 => "Vector512 (AVX-512F)",
        KernelPathKind.Vector256 => "Vector256 (AVX2 + FMA)",
        KernelPathKind.Vector128 => "Vector128 (SSE / NEON)",
        _ => "Scalar",
    };
}
