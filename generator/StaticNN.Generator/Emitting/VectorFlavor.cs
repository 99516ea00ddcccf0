using System.Globalization;
using StaticNN.Generator.Model;

namespace StaticNN.Generator.Emitting;

/// <summary>
/// One SIMD code path: how to spell its vector type and operations, and the register-tile sizes that fit its register
/// file. Generated kernels branch on <see cref="Guard"/> in this order; the JIT folds the checks, so one path is compiled.
/// Each path comes in two spellings: fully qualified (<c>global::System.Runtime.Intrinsics...</c>) for code inside the
/// user's type, and <see cref="Short"/> for the kernel files, which live in StaticNN's own namespace with using directives.
/// </summary>
internal sealed class VectorFlavor
{
    private const string QualifiedIntrinsics = "global::System.Runtime.Intrinsics.";
    private const string QualifiedUnsafe = "global::System.Runtime.CompilerServices.Unsafe";
    private const string QualifiedVectorMath = "global::StaticNN.Activations.VectorMath";

    public static readonly VectorFlavor Vector512 = new(
        "Vector512", 16, "Vector512<float>", "X86.Avx512F.IsSupported",
        fma: "X86.Avx512F.FusedMultiplyAdd", blockVectors: 4, blockRows: 6, rowVectors: 8,
        note: "AVX-512F: 32 zmm registers; 6 rows x 4 zmm = 24 accumulators per block");

    public static readonly VectorFlavor Vector256 = new(
        "Vector256", 8, "Vector256<float>", "X86.Fma.IsSupported && {0}Vector256.IsHardwareAccelerated",
        fma: "X86.Fma.MultiplyAdd", blockVectors: 2, blockRows: 6, rowVectors: 4,
        note: "AVX2 + FMA: 16 ymm registers; 6 rows x 2 ymm = 12 accumulators per block");

    public static readonly VectorFlavor Vector128 = new(
        "Vector128", 4, "Vector128<float>", "Vector128.IsHardwareAccelerated",
        fma: "Vector128.MultiplyAddEstimate", blockVectors: 2, blockRows: 6, rowVectors: 4,
        note: "SSE / NEON: 16 xmm registers; 6 rows x 2 xmm = 12 accumulators per block");

    public static readonly VectorFlavor Scalar = new(
        "Scalar", 1, null, null,
        fma: null, blockVectors: 4, blockRows: 2, rowVectors: 4,
        note: "no SIMD: plain float arithmetic, 2 rows x 4 columns per block");

    public static readonly VectorFlavor[] All = { Vector512, Vector256, Vector128, Scalar };

    private readonly string _intrinsics;
    private readonly string _unsafe;
    private readonly string _vectorMath;
    private readonly string? _fma;

    private VectorFlavor(string name, int width, string? type, string? guard, string? fma, int blockVectors, int blockRows, int rowVectors, string note)
        : this(name, width, type, guard, fma, blockVectors, blockRows, rowVectors, note, qualified: true)
    {
        Short = new VectorFlavor(name, width, type, guard, fma, blockVectors, blockRows, rowVectors, note, qualified: false);
    }

    private VectorFlavor(string name, int width, string? type, string? guard, string? fma, int blockVectors, int blockRows, int rowVectors, string note, bool qualified)
    {
        IsQualified = qualified;
        _intrinsics = qualified ? QualifiedIntrinsics : "";
        if (!qualified)
        {
            // The kernel files import System.Runtime.Intrinsics.X86 as well.
            guard = guard?.Replace("X86.", "");
            fma = fma?.Replace("X86.", "");
        }
        _unsafe = qualified ? QualifiedUnsafe : "Unsafe";
        _vectorMath = qualified ? QualifiedVectorMath : "VectorMath";
        Name = name;
        Width = width;
        Type = type is null ? "float" : _intrinsics + type;
        Guard = guard is null ? "true" : _intrinsics + string.Format(CultureInfo.InvariantCulture, guard, _intrinsics);
        _fma = fma is null ? null : _intrinsics + fma;
        BlockVectors = blockVectors;
        BlockRows = blockRows;
        RowVectors = rowVectors;
        Note = note;
        Short = this;
    }

    /// <summary>Whether names are spelled fully qualified (code in the user's type) or short (kernel files).</summary>
    public bool IsQualified { get; }

    /// <summary>The GeneratedCode attribute, spelled for this flavor's files.</summary>
    public string GeneratedCodeAttribute => IsQualified ? EmitterText.GeneratedCode : EmitterText.ShortGeneratedCode;

    /// <summary>The AggressiveOptimization attribute, spelled for this flavor's files.</summary>
    public string AggressiveOptimizationAttribute => IsQualified ? EmitterText.AggressiveOptimization : "[MethodImpl(MethodImplOptions.AggressiveOptimization)]";

    /// <summary>This path spelled with the short names of the kernel files' using directives.</summary>
    public VectorFlavor Short { get; }

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
        ? Element(reference, offset)
        : $"{_intrinsics}{Name}.LoadUnsafe(ref {reference}, (nuint)({offset}))";

    public string Store(string value, string reference, string offset) => IsScalar
        ? $"{Element(reference, offset)} = {value};"
        : $"{_intrinsics}{Name}.StoreUnsafe({value}, ref {reference}, (nuint)({offset}));";

    public string Broadcast(string scalar) => IsScalar ? scalar : $"{_intrinsics}{Name}.Create({scalar})";

    public string Zero => IsScalar ? "0f" : $"{Type}.Zero";

    /// <summary>acc + w * x, fused where the path has FMA.</summary>
    public string MultiplyAdd(string w, string x, string acc) => _fma is null ? $"{acc} + {w} * {x}" : $"{_fma}({w}, {x}, {acc})";

    /// <summary>The larger of two values (lane-wise).</summary>
    public string Max(string x, string y) => IsScalar ? $"{(IsQualified ? "global::System." : "")}MathF.Max({x}, {y})" : $"{_intrinsics}{Name}.Max({x}, {y})";

    /// <summary>The float at <paramref name="offset"/> from <paramref name="reference"/>, as a variable reference.</summary>
    public string Element(string reference, string offset) => $"{_unsafe}.Add(ref {reference}, {offset})";

    /// <summary>The call applying an activation to a value of this path's type, or null for identity.</summary>
    public string? Activate(ActivationKind activation, float alpha, string value) => activation switch
    {
        ActivationKind.Identity or ActivationKind.Softmax => null,
        ActivationKind.LeakyReLU or ActivationKind.ELU => $"{_vectorMath}.{activation}({value}, {FloatLiteral(alpha)})",
        _ => $"{_vectorMath}.{activation}({value})",
    };

    public static string FloatLiteral(float value) => value.ToString("R", CultureInfo.InvariantCulture) + "f";
}
