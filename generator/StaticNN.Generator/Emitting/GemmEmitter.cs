using System;
using System.Collections.Generic;
using System.Linq;
using StaticNN.Generator.Model;

namespace StaticNN.Generator.Emitting;

/// <summary>
/// One small matrix product with constant strides: <c>C[m][0..Columns) = act(sum_k A(m, k) * B[k][0..Columns) + bias)</c>,
/// where A(m, k) = a[m * ARowStride + k * AReductionStride] is broadcast and B's rows are loaded as vectors.
/// Forward (A = inputs, B = W^T), weight gradient (A = activations transposed, B = deltas) and input gradient
/// (A = deltas, B = W) are all this shape. Exactly one of <see cref="Rows"/> and <see cref="Reduction"/> may be null,
/// meaning the batch size, passed at run time as <c>count</c>.
/// </summary>
internal sealed record GemmShape(
    string Name,
    string Summary,
    int Columns,
    int Ldb,
    int Ldc,
    int ARowStride,
    int AReductionStride,
    int? Rows,
    int? Reduction,
    bool HasBias,
    bool StorePreActivation,
    ActivationKind Activation,
    float Alpha) : IKernel
{
    public void EmitDispatchers(SourceWriter w, string kernelClass) => GemmEmitter.EmitDispatchers(w, this, kernelClass);

    public void EmitKernels(SourceWriter w, VectorFlavor flavor) => GemmEmitter.EmitKernels(w, this, flavor);
}

/// <summary>
/// A kernel with constant sizes, written once per SIMD path: its flavor-dispatching entry points (in the network's
/// nested Kernels class) and its bodies (in the kernel class of StaticNN.Generated).
/// </summary>
internal interface IKernel
{
    string Name { get; }

    void EmitDispatchers(SourceWriter w, string kernelClass);

    void EmitKernels(SourceWriter w, VectorFlavor flavor);
}

/// <summary>
/// Emits a <see cref="GemmShape"/> as register-tiled kernels for one <see cref="VectorFlavor"/>: a block kernel (several
/// rows x several vectors of accumulators, B streamed once per row block) and a row kernel (one row, the reduction
/// split over independent accumulators to hide FMA latency), used for batch-1 and for the rows left over.
/// </summary>
internal static class GemmEmitter
{
    /// <summary>
    /// Straight-line code (no k loop) only when a tile's unrolled body stays under this many call sites (loads,
    /// broadcasts, multiply-adds are each a call in IL until the JIT inlines them). The JIT stops inlining after about
    /// 400-450 such calls in one method (DESIGN.md section 4), and a method holds a main and a rest tile.
    /// </summary>
    private const int UnrollCallBudget = 100;

    public static string RowName(GemmShape g, VectorFlavor f) => $"{g.Name}Row{f.Name}";

    public static string BlockName(GemmShape g, VectorFlavor f) => $"{g.Name}{f.Name}";

    public static string Parameters(GemmShape g, bool row)
    {
        var p = new List<string> { "ref float a", "ref float b" };
        if (g.HasBias) p.Add("ref float bias");
        p.Add("ref float c");
        if (g.StorePreActivation) p.Add("ref float z");
        if (!row || g.Reduction is null) p.Add("int count");
        return string.Join(", ", p);
    }

    public static string Arguments(GemmShape g, bool row)
    {
        var p = new List<string> { "ref a", "ref b" };
        if (g.HasBias) p.Add("ref bias");
        p.Add("ref c");
        if (g.StorePreActivation) p.Add("ref z");
        if (!row || g.Reduction is null) p.Add("count");
        return string.Join(", ", p);
    }

    /// <summary>The flavor-dispatching entry points (inlined; the JIT keeps one branch), calling into <paramref name="kernels"/>.</summary>
    public static void EmitDispatchers(SourceWriter w, GemmShape g, string kernels)
    {
        foreach (bool row in new[] { false, true })
        {
            string name = row ? g.Name + "Row" : g.Name;
            w.Line($"/// <summary>{g.Summary}{(row ? " One row." : "")}</summary>");
            w.Line(EmitterText.GeneratedCode);
            w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]");
            w.OpenBrace($"internal static void {name}({Parameters(g, row)})");
            for (int i = 0; i < VectorFlavor.All.Length; i++)
            {
                VectorFlavor f = VectorFlavor.All[i];
                string call = $"{kernels}.{(row ? RowName(g, f) : BlockName(g, f))}({Arguments(g, row)});";
                if (f.IsScalar)
                {
                    w.OpenBrace("else");
                }
                else
                {
                    w.OpenBrace($"{(i == 0 ? "if" : "else if")} ({f.Guard})");
                }
                w.Line(call);
                w.CloseBrace();
            }
            w.CloseBrace();
            w.Line();
        }
    }

    public static void EmitKernels(SourceWriter w, GemmShape g, VectorFlavor f)
    {
        EmitBlockKernel(w, g, f);
        w.Line();
        EmitRowKernel(w, g, f);
    }

    private static void EmitBlockKernel(SourceWriter w, GemmShape g, VectorFlavor f)
    {
        int vectorCount = g.Columns / f.Width;
        int v = Math.Min(vectorCount, f.BlockVectors);
        int r = f.BlockRows;
        int fullTiles = vectorCount / v;
        int restVectors = vectorCount % v;
        string rows = g.Rows?.ToString() ?? "count";

        w.Line($"/// <summary>{g.Summary}</summary>");
        w.Line($"/// <remarks>Blocks of {r} rows x {v * f.Width} columns ({r * v} accumulators); leftover rows go to <see cref=\"{RowName(g, f)}\"/>.</remarks>");
        w.Line(f.GeneratedCodeAttribute);
        w.Line(f.AggressiveOptimizationAttribute);
        w.OpenBrace($"internal static void {BlockName(g, f)}({Parameters(g, row: false)})");

        bool anyBlocks = g.Rows is null || g.Rows.Value >= r;
        string blocked = g.Rows is int constRows ? (constRows - constRows % r).ToString() : "blocked";
        if (g.Rows is null)
        {
            w.Line($"nuint blocked = (nuint)(count - count % {r});");
        }
        if (anyBlocks)
        {
            if (fullTiles == 1)
            {
                w.OpenBrace();
                w.Line("const nuint n = 0;");
            }
            else
            {
                w.OpenBrace($"for (nuint n = 0; n < {fullTiles * v * f.Width}; n += {v * f.Width})");
            }
            w.OpenBrace($"for (nuint m = 0; m < {blocked}; m += {r})");
            EmitBlockTile(w, g, f, r, v);
            w.CloseBrace();
            w.CloseBrace();
            if (restVectors > 0)
            {
                w.OpenBrace();
                w.Line($"const nuint n = {fullTiles * v * f.Width};");
                w.OpenBrace($"for (nuint m = 0; m < {blocked}; m += {r})");
                EmitBlockTile(w, g, f, r, restVectors);
                w.CloseBrace();
                w.CloseBrace();
            }
        }
        w.OpenBrace($"for (nuint m = {(anyBlocks ? blocked : "0")}; m < {(g.Rows is null ? "(nuint)count" : rows)}; m++)");
        var args = new List<string>
        {
            $"ref {f.Element("a", Offset(Term("m", g.ARowStride)))}",
            "ref b",
        };
        if (g.HasBias) args.Add("ref bias");
        args.Add($"ref {f.Element("c", Offset(Term("m", g.Ldc)))}");
        if (g.StorePreActivation) args.Add($"ref {f.Element("z", Offset(Term("m", g.Ldc)))}");
        if (g.Reduction is null) args.Add("count");
        w.Line($"{RowName(g, f)}({string.Join(", ", args)});");
        w.CloseBrace();
        w.CloseBrace();
    }

    private static void EmitBlockTile(SourceWriter w, GemmShape g, VectorFlavor f, int rowCount, int vectors)
    {
        w.Line($"ref float aBlock = ref {f.Element("a", Offset(Term("m", g.ARowStride)))};");
        for (int v = 0; v < vectors; v++)
        {
            string init = g.HasBias ? f.Load("bias", Offset("n", v * f.Width)) : f.Zero;
            w.Line($"{f.Type} {string.Join(", ", Enumerable.Range(0, rowCount).Select(r => $"acc{r}_{v} = {(r == 0 ? init : $"acc0_{v}")}"))};");
        }

        void Step(string k)
        {
            for (int v = 0; v < vectors; v++)
            {
                w.Line($"var w{v} = {f.Load("b", Offset(Term(k, g.Ldb), "n", v * f.Width))};");
            }
            for (int r = 0; r < rowCount; r++)
            {
                w.Line($"var x{r} = {f.Broadcast(f.Element("aBlock", Offset(Term(k, g.AReductionStride), r * g.ARowStride)))};");
                for (int v = 0; v < vectors; v++)
                {
                    w.Line($"acc{r}_{v} = {f.MultiplyAdd($"w{v}", $"x{r}", $"acc{r}_{v}")};");
                }
            }
        }

        int callsPerStep = vectors + 2 * rowCount + rowCount * vectors;
        if (g.Reduction is int reduction && reduction * callsPerStep <= UnrollCallBudget)
        {
            for (int k = 0; k < reduction; k++)
            {
                w.OpenBrace();
                Step(k.ToString());
                w.CloseBrace();
            }
        }
        else
        {
            w.OpenBrace($"for (nuint k = 0; k < {g.Reduction?.ToString() ?? "(nuint)count"}; k++)");
            Step("k");
            w.CloseBrace();
        }

        w.Line($"ref float cBlock = ref {f.Element("c", Offset(Term("m", g.Ldc), "n"))};");
        if (g.StorePreActivation)
        {
            w.Line($"ref float zBlock = ref {f.Element("z", Offset(Term("m", g.Ldc), "n"))};");
        }
        if (!IsCheap(g.Activation))
        {
            // Store the pre-activations, then apply the activation row by row: one inlined copy of it per method
            // instead of one per accumulator keeps the method far below the JIT's inlining budget.
            string source = g.StorePreActivation ? "zBlock" : "cBlock";
            for (int r = 0; r < rowCount; r++)
            {
                for (int v = 0; v < vectors; v++)
                {
                    w.Line(f.Store($"acc{r}_{v}", source, Offset(r * g.Ldc, v * f.Width)));
                }
            }
            w.OpenBrace($"for (nuint r = 0; r < {rowCount}; r++)");
            w.Line($"ref float sourceRow = ref {f.Element(source, $"r * {g.Ldc}")};");
            w.Line($"ref float outputRow = ref {f.Element("cBlock", $"r * {g.Ldc}")};");
            for (int v = 0; v < vectors; v++)
            {
                string value = f.Activate(g.Activation, g.Alpha, f.Load("sourceRow", (v * f.Width).ToString(System.Globalization.CultureInfo.InvariantCulture)))!;
                w.Line(f.Store(value, "outputRow", (v * f.Width).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
            w.CloseBrace();
            return;
        }
        for (int r = 0; r < rowCount; r++)
        {
            for (int v = 0; v < vectors; v++)
            {
                EmitEpilogue(w, g, f, $"acc{r}_{v}", "cBlock", "zBlock", Offset(r * g.Ldc, v * f.Width));
            }
        }
    }

    /// <summary>
    /// Whether the row kernel is tiny: one vector of outputs on the AVX-512 path, at most 16 multiply-adds, a cheap
    /// activation. Predict then writes that kernel's body in place on the AVX-512 path (<see cref="EmitRowInPlace"/>):
    /// for a network like 4-10-3 the call, its argument moves and the output's round trip through memory cost as much
    /// as the arithmetic, and the JIT does not inline the kernel (measured: not even marked AggressiveInlining, once
    /// Predict holds two of them and the softmax).
    /// </summary>
    private const int MaxInPlaceMultiplyAdds = 16;

    /// <summary>A row tile of up to this many vectors applies a heavy activation (tanh, sigmoid...) in registers.</summary>
    private const int MaxInlineActivations = 4;

    public static bool IsTinyRow(GemmShape g) =>
        g.Reduction is int k && g.Columns == VectorFlavor.Vector512.Width && k <= MaxInPlaceMultiplyAdds && IsCheap(g.Activation) && !g.StorePreActivation;

    /// <summary>
    /// A tiny row kernel (<see cref="IsTinyRow"/>) in place: its AVX-512 body under the AVX-512 guard, with the
    /// operands bound to the kernel's parameter names; <paramref name="otherwise"/> writes the other branch (the call of
    /// the dispatching kernel).
    /// </summary>
    /// <param name="c">Where the row goes, as the kernel writes it; null when <paramref name="store"/> takes the register.</param>
    /// <param name="store">Given the activated register, the statement that writes it (a last layer storing straight to the caller's output).</param>
    public static void EmitRowInPlace(SourceWriter w, GemmShape g, string a, string b, string? bias, string? c, Func<string, string>? store, Action otherwise)
    {
        VectorFlavor f = VectorFlavor.Vector512;
        w.OpenBrace($"if ({f.Guard})");
        w.Line($"// {g.Name}Row{f.Name}, written out here: a call would cost as much as its {g.Reduction} multiply-adds.");
        w.Line($"ref float a = ref {a};");
        w.Line($"ref float b = ref {b};");
        if (bias is not null)
        {
            w.Line($"ref float bias = ref {bias};");
        }
        if (c is not null)
        {
            w.Line($"ref float c = ref {c};");
        }
        w.Line("const nuint n = 0;");
        EmitRowTile(w, g, f, 1, store);
        w.CloseBrace();
        w.OpenBrace("else");
        otherwise();
        w.CloseBrace();
    }

    /// <summary>
    /// (a + b) + (c + d) rather than ((a + b) + c) + d: the chains' sum is on the critical path, and a tree takes
    /// log2(n) additions of latency instead of n - 1 (8 chains: 3 instead of 7, about 12 cycles saved per row).
    /// </summary>
    private static string PairwiseSum(IReadOnlyList<string> terms)
    {
        if (terms.Count == 1)
        {
            return terms[0];
        }
        int half = (terms.Count + 1) / 2;
        string left = PairwiseSum(terms.Take(half).ToList()), right = PairwiseSum(terms.Skip(half).ToList());
        return $"{(half > 1 ? $"({left})" : left)} + {(terms.Count - half > 1 ? $"({right})" : right)}";
    }

    /// <summary>Activations cheap enough to inline once per accumulator (a max or a select).</summary>
    private static bool IsCheap(ActivationKind activation) =>
        activation is ActivationKind.Identity or ActivationKind.Softmax or ActivationKind.ReLU or ActivationKind.LeakyReLU;

    private static void EmitRowKernel(SourceWriter w, GemmShape g, VectorFlavor f)
    {
        int vectorCount = g.Columns / f.Width;
        int v = Math.Min(vectorCount, f.RowVectors);
        int fullTiles = vectorCount / v;
        int restVectors = vectorCount % v;

        w.Line($"/// <summary>{g.Summary} One row.</summary>");
        w.Line($"/// <remarks>Tiles of {v * f.Width} columns; the reduction is split over independent accumulators to hide multiply-add latency.</remarks>");
        w.Line(f.GeneratedCodeAttribute);
        w.Line(f.AggressiveOptimizationAttribute);
        w.OpenBrace($"internal static void {RowName(g, f)}({Parameters(g, row: true)})");
        if (fullTiles == 1)
        {
            w.OpenBrace();
            w.Line("const nuint n = 0;");
        }
        else
        {
            w.OpenBrace($"for (nuint n = 0; n < {fullTiles * v * f.Width}; n += {v * f.Width})");
        }
        EmitRowTile(w, g, f, v);
        w.CloseBrace();
        if (restVectors > 0)
        {
            w.OpenBrace();
            w.Line($"const nuint n = {fullTiles * v * f.Width};");
            EmitRowTile(w, g, f, restVectors);
            w.CloseBrace();
        }
        w.CloseBrace();
    }

    private static void EmitRowTile(SourceWriter w, GemmShape g, VectorFlavor f, int vectors, Func<string, string>? store = null)
    {
        int splits = Math.Max(1, f.TargetChains / vectors);
        if (g.Reduction is int constReduction)
        {
            splits = Math.Min(splits, constReduction);
        }

        for (int v = 0; v < vectors; v++)
        {
            string init = g.HasBias ? f.Load("bias", Offset("n", v * f.Width)) : f.Zero;
            var declarations = Enumerable.Range(0, splits).Select(s => $"acc{s}_{v} = {(s == 0 ? init : f.Zero)}");
            w.Line($"{f.Type} {string.Join(", ", declarations)};");
        }

        // x names are unique per scope: x{s} inside loops, x{k} in straight-line code.
        void Step(string k, int split, int kOffset, string x)
        {
            w.Line($"var {x} = {f.Broadcast(f.Element("a", Offset(Term(k, g.AReductionStride), kOffset * g.AReductionStride)))};");
            for (int v = 0; v < vectors; v++)
            {
                string load = f.Load("b", Offset(Term(k, g.Ldb), kOffset * g.Ldb, "n", v * f.Width));
                w.Line($"acc{split}_{v} = {f.MultiplyAdd(load, x, $"acc{split}_{v}")};");
            }
        }

        if (g.Reduction is int reduction)
        {
            int remainder = reduction % splits;
            int looped = reduction - remainder;
            if (reduction * (2 + 2 * vectors) <= UnrollCallBudget)
            {
                for (int k = 0; k < reduction; k++)
                {
                    Step("", k % splits, k, $"x{k}");
                }
            }
            else
            {
                w.OpenBrace($"for (nuint k = 0; k < {looped}; k += {splits})");
                for (int s = 0; s < splits; s++)
                {
                    Step("k", s, s, $"x{s}");
                }
                w.CloseBrace();
                for (int j = 0; j < remainder; j++)
                {
                    Step("", j, looped + j, $"x{looped + j}");
                }
            }
        }
        else
        {
            if (splits > 1)
            {
                w.Line($"nuint kEnd = (nuint)(count - count % {splits});");
                w.OpenBrace($"for (nuint k = 0; k < kEnd; k += {splits})");
                for (int s = 0; s < splits; s++)
                {
                    Step("k", s, s, $"x{s}");
                }
                w.CloseBrace();
                w.OpenBrace("for (nuint k = kEnd; k < (nuint)count; k++)");
            }
            else
            {
                w.OpenBrace("for (nuint k = 0; k < (nuint)count; k++)");
            }
            Step("k", 0, 0, "x0");
            w.CloseBrace();
        }

        for (int v = 0; v < vectors; v++)
        {
            if (splits > 1)
            {
                w.Line($"acc0_{v} = {PairwiseSum(Enumerable.Range(0, splits).Select(s => $"acc{s}_{v}").ToList())};");
            }
            if (store is not null)
            {
                w.Line(store(f.Activate(g.Activation, g.Alpha, $"acc0_{v}") ?? $"acc0_{v}"));
            }
            else if (IsCheap(g.Activation) || vectors <= MaxInlineActivations)
            {
                EmitEpilogue(w, g, f, $"acc0_{v}", "c", "z", Offset("n", v * f.Width));
            }
            else
            {
                w.Line(f.Store($"acc0_{v}", g.StorePreActivation ? "z" : "c", Offset("n", v * f.Width)));
            }
        }
        if (!IsCheap(g.Activation) && vectors > MaxInlineActivations)
        {
            // Wider tiles: one inlined copy of the activation, applied to the stored tile; a copy per vector would
            // exhaust the JIT's inlining budget and turn the kernel's loads into calls (measured 2.3x slower on
            // 16-64-64-8 tanh when the tiles were unrolled). Up to 4 vectors fit: S2 107 -> 104 ns.
            string source = g.StorePreActivation ? "z" : "c";
            w.OpenBrace($"for (nuint v = 0; v < {vectors * f.Width}; v += {f.Width})");
            string value = f.Activate(g.Activation, g.Alpha, f.Load(source, "n + v"))!;
            w.Line(f.Store(value, "c", "n + v"));
            w.CloseBrace();
        }
    }

    private static void EmitEpilogue(SourceWriter w, GemmShape g, VectorFlavor f, string acc, string c, string z, string offset)
    {
        if (g.StorePreActivation)
        {
            w.Line(f.Store(acc, z, offset));
        }
        string value = f.Activate(g.Activation, g.Alpha, acc) ?? acc;
        w.Line(f.Store(value, c, offset));
    }

    /// <summary>"k * 784", "k" or "" (for an empty variable).</summary>
    private static object Term(string variable, int stride) =>
        int.TryParse(variable, out int constant) ? constant * stride
        : variable.Length == 0 || stride == 0 ? ""
        : stride == 1 ? variable : $"{variable} * {stride}";

    /// <summary>Joins terms into an offset expression, folding the integer constants: ("k * 16", "n", 32) is "k * 16 + n + 32".</summary>
    private static string Offset(params object[] terms)
    {
        int constant = 0;
        var parts = new List<string>();
        foreach (object term in terms)
        {
            if (term is int i) constant += i;
            else if (term is string s && s.Length > 0) parts.Add(s);
        }
        if (constant != 0 || parts.Count == 0) parts.Add(constant.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return string.Join(" + ", parts);
    }
}
