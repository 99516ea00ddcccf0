using System.Globalization;
using StaticNN.Generator.Model;

namespace StaticNN.Generator.Emitting;

/// <summary>
/// One SIMD code path: how to spell its vector type and operations, and the register-tile sizes that fit its register
/// file. Generated kernels branch on <see cref="Guard"/> in this order; the JIT folds the checks, so one path is compiled.
/// </summary>
internal sealed class VectorFlavor
{
    private const string Intrinsics = "global::System.Runtime.Intrinsics";
    private const string Unsafe = "global::System.Runtime.CompilerServices.Unsafe";

    public static readonly VectorFlavor Vector512 = new(
        "Vector512", 16, $"{Intrinsics}.Vector512<float>", $"{Intrinsics}.X86.Avx512F.IsSupported",
        fma: $"{Intrinsics}.X86.Avx512F.FusedMultiplyAdd", blockVectors: 4, blockRows: 6, rowVectors: 8,
        note: "AVX-512F: 32 zmm registers; 6 rows x 4 zmm = 24 accumulators per block");

    public static readonly VectorFlavor Vector256 = new(
        "Vector256", 8, $"{Intrinsics}.Vector256<float>", $"{Intrinsics}.X86.Fma.IsSupported && {Intrinsics}.Vector256.IsHardwareAccelerated",
        fma: $"{Intrinsics}.X86.Fma.MultiplyAdd", blockVectors: 2, blockRows: 6, rowVectors: 4,
        note: "AVX2 + FMA: 16 ymm registers; 6 rows x 2 ymm = 12 accumulators per block");

    public static readonly VectorFlavor Vector128 = new(
        "Vector128", 4, $"{Intrinsics}.Vector128<float>", $"{Intrinsics}.Vector128.IsHardwareAccelerated",
        fma: $"{Intrinsics}.Vector128.MultiplyAddEstimate", blockVectors: 2, blockRows: 6, rowVectors: 4,
        note: "SSE / NEON: 16 xmm registers; 6 rows x 2 xmm = 12 accumulators per block");

    public static readonly VectorFlavor Scalar = new(
        "Scalar", 1, "float", "true",
        fma: null, blockVectors: 4, blockRows: 2, rowVectors: 4,
        note: "no SIMD: plain float arithmetic, 2 rows x 4 columns per block");

    public static readonly VectorFlavor[] All = { Vector512, Vector256, Vector128, Scalar };

    private readonly string? _fma;

    private VectorFlavor(string name, int width, string type, string guard, string? fma, int blockVectors, int blockRows, int rowVectors, string note)
    {
        Name = name;
        Width = width;
        Type = type;
        Guard = guard;
        _fma = fma;
        BlockVectors = blockVectors;
        BlockRows = blockRows;
        RowVectors = rowVectors;
        Note = note;
    }

    public string Name { get; }

    /// <summary>Floats per vector.</summary>
    public int Width { get; }

    public string Type { get; }

    public string Guard { get; }

    /// <summary>Vectors of output columns per block tile (batched kernels).</summary>
    public int BlockVectors { get; }

    /// <summary>Rows per block tile (batched kernels).</summary>
    public int BlockRows { get; }

    /// <summary>Vectors of output columns per single-row tile (batch-1 kernels).</summary>
    public int RowVectors { get; }

    public string Note { get; }

    public bool IsScalar => Width == 1;

    /// <summary>Independent accumulation chains a single-row tile aims for (FMA latency x throughput).</summary>
    public int TargetChains => IsScalar ? 4 : 8;

    public string Load(string reference, string offset) => IsScalar
        ? $"{Unsafe}.Add(ref {reference}, {offset})"
        : $"{Intrinsics}.{Name}.LoadUnsafe(ref {reference}, (nuint)({offset}))";

    public string Store(string value, string reference, string offset) => IsScalar
        ? $"{Unsafe}.Add(ref {reference}, {offset}) = {value};"
        : $"{Intrinsics}.{Name}.StoreUnsafe({value}, ref {reference}, (nuint)({offset}));";

    public string Broadcast(string scalar) => IsScalar ? scalar : $"{Intrinsics}.{Name}.Create({scalar})";

    public string Zero => IsScalar ? "0f" : $"{Type}.Zero";

    /// <summary>acc + w * x, fused where the path has FMA.</summary>
    public string MultiplyAdd(string w, string x, string acc) => _fma is null ? $"{acc} + {w} * {x}" : $"{_fma}({w}, {x}, {acc})";

    public static string Element(string reference, string offset) => $"{Unsafe}.Add(ref {reference}, {offset})";

    /// <summary>The call applying an activation to a value of this path's type, or null for identity.</summary>
    public static string? Activate(ActivationKind activation, float alpha, string value) => activation switch
    {
        ActivationKind.Identity or ActivationKind.Softmax => null,
        ActivationKind.LeakyReLU or ActivationKind.ELU =>
            $"global::StaticNN.Activations.VectorMath.{activation}({value}, {FloatLiteral(alpha)})",
        _ => $"global::StaticNN.Activations.VectorMath.{activation}({value})",
    };

    public static string FloatLiteral(float value) => value.ToString("R", CultureInfo.InvariantCulture) + "f";
}
