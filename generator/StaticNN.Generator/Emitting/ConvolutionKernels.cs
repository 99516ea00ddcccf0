using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using StaticNN.Generator.Model;

namespace StaticNN.Generator.Emitting;

/// <summary>
/// A direct convolution over <c>count</c> samples with every size constant:
/// <c>c[s][oh][ow][0..OutputChannelStride) = act(bias + sum over kh, kw, ci of a[s][oh*sh+kh][ow*sw+kw][ci] * b[kh][kw][ci][..])</c>.
/// Inputs and outputs are channels-last; the weights are stored [kh][kw][ci][filters padded], so each input value is
/// broadcast and multiplied into whole vectors of filters (NN-512 and oneDNN's direct convolution), and a register
/// tile holds several output positions of one output row times several vectors of filters. Forward passes and the
/// input gradient (a stride-1 convolution of the dilated, zero-padded output gradient with the flipped kernel) are this.
/// </summary>
/// <param name="Name">The kernel's name.</param>
/// <param name="Summary">Its XML summary.</param>
/// <param name="InputSampleStride">Floats per input sample.</param>
/// <param name="InputWidth">Columns of the input grid (padding included).</param>
/// <param name="InputChannelStride">Floats per input position.</param>
/// <param name="Channels">Input channels the reduction reads (the rest of a position is padding).</param>
/// <param name="KernelHeight">Window rows.</param>
/// <param name="KernelWidth">Window columns.</param>
/// <param name="StrideHeight">Step between output rows.</param>
/// <param name="StrideWidth">Step between output columns.</param>
/// <param name="OutputHeight">Output rows.</param>
/// <param name="OutputWidth">Output columns.</param>
/// <param name="OutputChannelStride">Floats per output position: the filters padded to 16, also the weights' row stride.</param>
/// <param name="OutputSampleStride">Floats per output sample.</param>
/// <param name="HasBias">Whether accumulators start from a bias vector.</param>
/// <param name="StorePreActivation">Whether z is stored too.</param>
/// <param name="Activation">Applied before the store.</param>
/// <param name="Alpha">The activation's parameter.</param>
internal sealed record ConvolutionShape(
    string Name, string Summary,
    int InputSampleStride, int InputWidth, int InputChannelStride, int Channels,
    int KernelHeight, int KernelWidth, int StrideHeight, int StrideWidth,
    int OutputHeight, int OutputWidth, int OutputChannelStride, int OutputSampleStride,
    bool HasBias, bool StorePreActivation, ActivationKind Activation, float Alpha) : IKernel
{
    public void EmitDispatchers(SourceWriter w, string kernelClass) =>
        KernelText.EmitDispatcher(w, Name, Summary, Parameters, Arguments, kernelClass);

    public void EmitKernels(SourceWriter w, VectorFlavor flavor) => ConvolutionKernels.EmitForward(w, this, flavor);

    public string Parameters => "ref float a, ref float b" + (HasBias ? ", ref float bias" : "") + ", ref float c" + (StorePreActivation ? ", ref float z" : "") + ", int count";

    public string Arguments => "ref a, ref b" + (HasBias ? ", ref bias" : "") + ", ref c" + (StorePreActivation ? ", ref z" : "") + ", count";

    /// <summary>Multiply-adds per sample.</summary>
    public long MultiplyAdds => (long)OutputHeight * OutputWidth * KernelHeight * KernelWidth * Channels * OutputChannelStride;
}

/// <summary>
/// The weight gradient of a convolution: <c>dW[kh][kw][ci][..] = sum over samples and output positions of
/// a[s][oh*sh+kh][ow*sw+kw][ci] * delta[s][oh][ow][..]</c>. A register tile holds several rows (ci) of dW times several
/// vectors of filters; the whole batch is the reduction, so each tile is stored once.
/// </summary>
internal sealed record ConvolutionWeightGradientShape(
    string Name, string Summary,
    int InputSampleStride, int InputWidth, int InputChannelStride, int Channels,
    int KernelHeight, int KernelWidth, int StrideHeight, int StrideWidth,
    int OutputHeight, int OutputWidth, int OutputChannelStride, int OutputSampleStride) : IKernel
{
    public void EmitDispatchers(SourceWriter w, string kernelClass) =>
        KernelText.EmitDispatcher(w, Name, Summary, "ref float a, ref float delta, ref float dw, int count", "ref a, ref delta, ref dw, count", kernelClass);

    public void EmitKernels(SourceWriter w, VectorFlavor flavor) => ConvolutionKernels.EmitWeightGradient(w, this, flavor);
}

/// <summary>Text shared by the kernel emitters.</summary>
internal static class KernelText
{
    /// <summary>One flavor-dispatching entry point (inlined; the JIT keeps one branch).</summary>
    public static void EmitDispatcher(SourceWriter w, string name, string summary, string parameters, string arguments, string kernelClass)
    {
        w.Line($"/// <summary>{summary}</summary>");
        w.Line(EmitterText.GeneratedCode);
        w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]");
        w.OpenBrace($"internal static void {name}({parameters})");
        for (int i = 0; i < VectorFlavor.All.Length; i++)
        {
            VectorFlavor f = VectorFlavor.All[i];
            w.OpenBrace(f.IsScalar ? "else" : $"{(i == 0 ? "if" : "else if")} ({f.Guard})");
            w.Line($"{kernelClass}.{name}{f.Name}({arguments});");
            w.CloseBrace();
        }
        w.CloseBrace();
        w.Line();
    }

    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>"base + 3" / "base" / "3"; constants folded.</summary>
    public static string Sum(params object[] terms)
    {
        long constant = 0;
        var parts = new List<string>();
        foreach (object term in terms)
        {
            switch (term)
            {
                case int i: constant += i; break;
                case long l: constant += l; break;
                case string s when s.Length > 0: parts.Add(s); break;
            }
        }
        if (constant != 0 || parts.Count == 0)
        {
            parts.Add(Int(constant));
        }
        return string.Join(" + ", parts);
    }

    /// <summary>"i * 16", "i" or "" (a zero stride gives nothing).</summary>
    public static string Times(string variable, long stride) => stride == 0 || variable.Length == 0 ? "" : stride == 1 ? variable : $"{variable} * {Int(stride)}";

    /// <summary>A counted loop over <paramref name="count"/> values, or a single constant iteration when there is one.</summary>
    public static void Loop(SourceWriter w, string variable, long count, long step, Action body)
    {
        if (count <= step)
        {
            w.OpenBrace();
            w.Line($"const nuint {variable} = 0;");
        }
        else
        {
            w.OpenBrace($"for (nuint {variable} = 0; {variable} < {Int(count)}; {variable} += {Int(step)})");
        }
        body();
        w.CloseBrace();
    }

    /// <summary>Activations cheap enough to inline once per accumulator (a max or a select).</summary>
    public static bool IsCheap(ActivationKind activation) =>
        activation is ActivationKind.Identity or ActivationKind.Softmax or ActivationKind.ReLU or ActivationKind.LeakyReLU;
}

/// <summary>Emits <see cref="ConvolutionShape"/> and <see cref="ConvolutionWeightGradientShape"/> for one SIMD path.</summary>
internal static class ConvolutionKernels
{
    /// <summary>
    /// Statements (loads, broadcasts, multiply-adds) a straight-line reduction may take; above it the reduction is a
    /// loop. The JIT inlines the vector helpers only up to about 400 call sites per method (DESIGN.md section 4).
    /// </summary>
    private const int UnrollBudget = 120;

    /// <summary>Accumulators a tile may hold: 24 of the 32 zmm registers; 12 of the 16 ymm or xmm; 8 scalars.</summary>
    private static int MaxAccumulators(VectorFlavor f) => f.Width == 16 ? 24 : f.IsScalar ? 8 : 12;

    private static string Int(long value) => KernelText.Int(value);

    public static void EmitForward(SourceWriter w, ConvolutionShape g, VectorFlavor f)
    {
        int vectors = g.OutputChannelStride / f.Width;
        int v = Math.Min(vectors, f.BlockVectors);
        // Positions per tile: as many as the accumulators allow, split evenly over the output row.
        int maxRows = Math.Max(1, MaxAccumulators(f) / v);
        int tilesPerRow = (g.OutputWidth + maxRows - 1) / maxRows;
        int rows = (g.OutputWidth + tilesPerRow - 1) / tilesPerRow;
        int fullTiles = g.OutputWidth / rows, restRows = g.OutputWidth - fullTiles * rows;
        int fullVectorTiles = vectors / v, restVectors = vectors % v;

        w.Line($"/// <summary>{g.Summary}</summary>");
        w.Line($"/// <remarks>Tiles of {rows} output positions x {v * f.Width} filters ({rows * v} accumulators); the reduction runs over kernel rows, then {(g.InputChannelStride == g.Channels ? "kernel columns and channels together (contiguous)" : "kernel columns, then channels")}.</remarks>");
        w.Line(f.GeneratedCodeAttribute);
        w.Line(f.AggressiveOptimizationAttribute);
        w.OpenBrace($"internal static void {g.Name}{f.Name}({g.Parameters})");
        w.OpenBrace("for (nuint s = 0; s < (nuint)count; s++)");
        w.Line($"ref float aSample = ref {f.Element("a", KernelText.Sum(KernelText.Times("s", g.InputSampleStride)))};");
        w.Line($"ref float cSample = ref {f.Element("c", KernelText.Sum(KernelText.Times("s", g.OutputSampleStride)))};");
        if (g.StorePreActivation)
        {
            w.Line($"ref float zSample = ref {f.Element("z", KernelText.Sum(KernelText.Times("s", g.OutputSampleStride)))};");
        }
        w.OpenBrace($"for (nuint oh = 0; oh < {g.OutputHeight}; oh++)");
        w.Line($"ref float aRow = ref {f.Element("aSample", KernelText.Sum(KernelText.Times("oh", (long)g.StrideHeight * g.InputWidth * g.InputChannelStride)))};");
        w.Line($"nuint cRow = {KernelText.Sum(KernelText.Times("oh", (long)g.OutputWidth * g.OutputChannelStride))};");
        void Tiles(int tileVectors)
        {
            if (fullTiles > 0)
            {
                KernelText.Loop(w, "ow", (long)fullTiles * rows, rows, () => EmitForwardTile(w, g, f, rows, tileVectors));
            }
            if (restRows > 0)
            {
                w.OpenBrace();
                w.Line($"const nuint ow = {fullTiles * rows};");
                EmitForwardTile(w, g, f, restRows, tileVectors);
                w.CloseBrace();
            }
        }
        if (fullVectorTiles > 0)
        {
            KernelText.Loop(w, "n", (long)fullVectorTiles * v * f.Width, v * f.Width, () => Tiles(v));
        }
        if (restVectors > 0)
        {
            w.OpenBrace();
            w.Line($"const nuint n = {fullVectorTiles * v * f.Width};");
            Tiles(restVectors);
            w.CloseBrace();
        }
        w.CloseBrace();
        w.CloseBrace();
        w.CloseBrace();
    }

    private static void EmitForwardTile(SourceWriter w, ConvolutionShape g, VectorFlavor f, int rows, int vectors)
    {
        int cs = g.InputChannelStride;
        w.Line($"ref float aTile = ref {f.Element("aRow", KernelText.Sum(KernelText.Times("ow", (long)g.StrideWidth * cs)))};");
        for (int v = 0; v < vectors; v++)
        {
            string init = g.HasBias ? f.Load("bias", KernelText.Sum("n", v * f.Width)) : f.Zero;
            w.Line($"{f.Type} {string.Join(", ", Enumerable.Range(0, rows).Select(r => $"acc{r}_{v} = {(r == 0 ? init : $"acc0_{v}")}"))};");
        }

        bool merged = cs == g.Channels;
        int inner = merged ? g.KernelWidth * g.Channels : g.Channels;
        int callsPerStep = vectors + rows + rows * vectors;
        long ldb = g.OutputChannelStride;

        // One step of the reduction: a row of the kernel (vectors of filters) times one input value per position.
        void Step(string aOffset, string bOffset, string suffix)
        {
            for (int v = 0; v < vectors; v++)
            {
                w.Line($"var w{v}{suffix} = {f.Load("bKernel", KernelText.Sum(bOffset, v * f.Width))};");
            }
            for (int r = 0; r < rows; r++)
            {
                w.Line($"var x{r}{suffix} = {f.Broadcast(f.Element("aKernel", KernelText.Sum(aOffset, (long)r * g.StrideWidth * cs)))};");
                for (int v = 0; v < vectors; v++)
                {
                    w.Line($"acc{r}_{v} = {f.MultiplyAdd($"w{v}{suffix}", $"x{r}{suffix}", $"acc{r}_{v}")};");
                }
            }
        }

        // The channels (and, when contiguous, the kernel columns with them) of one kernel row.
        void KernelRow(string kh)
        {
            w.Line($"ref float aKernel = ref {f.Element("aTile", KernelText.Sum(KernelText.Times(kh, (long)g.InputWidth * cs)))};");
            w.Line($"ref float bKernel = ref {f.Element("b", KernelText.Sum(KernelText.Times(kh, (long)g.KernelWidth * g.Channels * ldb), "n"))};");
            if (merged)
            {
                if (inner * callsPerStep <= UnrollBudget)
                {
                    for (int j = 0; j < inner; j++)
                    {
                        Step(Int(j), Int(j * ldb), "_" + Int(j));
                    }
                }
                else
                {
                    w.OpenBrace($"for (nuint j = 0; j < {inner}; j++)");
                    Step("j", KernelText.Times("j", ldb), "");
                    w.CloseBrace();
                }
                return;
            }
            w.OpenBrace($"for (nuint kw = 0; kw < {g.KernelWidth}; kw++)");
            w.Line($"ref float aColumn = ref {f.Element("aKernel", KernelText.Sum(KernelText.Times("kw", cs)))};");
            w.Line($"ref float bColumn = ref {f.Element("bKernel", KernelText.Sum(KernelText.Times("kw", (long)g.Channels * ldb)))};");
            w.OpenBrace($"for (nuint ci = 0; ci < {g.Channels}; ci++)");
            // Inside the column the references are aColumn and bColumn.
            for (int v = 0; v < vectors; v++)
            {
                w.Line($"var w{v} = {f.Load("bColumn", KernelText.Sum(KernelText.Times("ci", ldb), v * f.Width))};");
            }
            for (int r = 0; r < rows; r++)
            {
                w.Line($"var x{r} = {f.Broadcast(f.Element("aColumn", KernelText.Sum("ci", (long)r * g.StrideWidth * cs)))};");
                for (int v = 0; v < vectors; v++)
                {
                    w.Line($"acc{r}_{v} = {f.MultiplyAdd($"w{v}", $"x{r}", $"acc{r}_{v}")};");
                }
            }
            w.CloseBrace();
            w.CloseBrace();
        }

        if (g.KernelHeight == 1)
        {
            w.OpenBrace();
            KernelRow("");
            w.CloseBrace();
        }
        else
        {
            w.OpenBrace($"for (nuint kh = 0; kh < {g.KernelHeight}; kh++)");
            KernelRow("kh");
            w.CloseBrace();
        }

        // Epilogue: bias was the accumulators' start; activation, then one store per accumulator.
        string Target(string reference, int r, int v) => KernelText.Sum("cRow", KernelText.Times("ow", g.OutputChannelStride), "n", (long)r * g.OutputChannelStride + v * f.Width);
        bool cheap = KernelText.IsCheap(g.Activation);
        for (int r = 0; r < rows; r++)
        {
            for (int v = 0; v < vectors; v++)
            {
                if (g.StorePreActivation)
                {
                    w.Line(f.Store($"acc{r}_{v}", "zSample", Target("z", r, v)));
                }
                if (cheap)
                {
                    w.Line(f.Store(f.Activate(g.Activation, g.Alpha, $"acc{r}_{v}") ?? $"acc{r}_{v}", "cSample", Target("c", r, v)));
                }
                else if (!g.StorePreActivation)
                {
                    w.Line(f.Store($"acc{r}_{v}", "cSample", Target("c", r, v)));
                }
            }
        }
        if (!cheap)
        {
            // One inlined copy of a heavy activation per tile, applied to the stored values, keeps the method far below
            // the JIT's inlining budget (a copy per accumulator would not).
            string source = g.StorePreActivation ? "zSample" : "cSample";
            w.OpenBrace($"for (nuint r = 0; r < {rows}; r++)");
            w.Line($"nuint at = {KernelText.Sum("cRow", KernelText.Times("ow", g.OutputChannelStride), "n", KernelText.Times("r", g.OutputChannelStride))};");
            for (int v = 0; v < vectors; v++)
            {
                string value = f.Activate(g.Activation, g.Alpha, f.Load(source, KernelText.Sum("at", v * f.Width)))!;
                w.Line(f.Store(value, "cSample", KernelText.Sum("at", v * f.Width)));
            }
            w.CloseBrace();
        }
    }

    public static void EmitWeightGradient(SourceWriter w, ConvolutionWeightGradientShape g, VectorFlavor f)
    {
        int vectors = g.OutputChannelStride / f.Width;
        int v = Math.Min(vectors, f.BlockVectors);
        int maxRows = Math.Max(1, MaxAccumulators(f) / v);
        int cs = g.InputChannelStride;
        bool merged = cs == g.Channels;
        int segment = merged ? g.KernelWidth * g.Channels : g.Channels;          // contiguous rows of dW per kernel row (or column)
        int segments = merged ? g.KernelHeight : g.KernelHeight * g.KernelWidth;
        int fullVectorTiles = vectors / v, restVectors = vectors % v;
        // Few rows in all (a first layer with one channel): one tile of every row, at constant offsets.
        bool allRows = segments * segment <= maxRows;

        w.Line($"/// <summary>{g.Summary}</summary>");
        w.Line($"/// <remarks>Tiles of {(allRows ? segments * segment : Math.Min(maxRows, segment))} weight rows x {v * f.Width} filters; the reduction is the whole batch, every output position.</remarks>");
        w.Line(f.GeneratedCodeAttribute);
        w.Line(f.AggressiveOptimizationAttribute);
        w.OpenBrace($"internal static void {g.Name}{f.Name}(ref float a, ref float delta, ref float dw, int count)");

        // A tile: rows given by their offset in the input window and their dW row; all of the batch reduced into registers.
        void Tile(IReadOnlyList<(string AOffset, string Row)> tileRows, int tileVectors)
        {
            int rows = tileRows.Count;
            for (int t = 0; t < tileVectors; t++)
            {
                w.Line($"{f.Type} {string.Join(", ", Enumerable.Range(0, rows).Select(r => $"acc{r}_{t} = {f.Zero}"))};");
            }
            w.OpenBrace("for (nuint s = 0; s < (nuint)count; s++)");
            w.OpenBrace($"for (nuint oh = 0; oh < {g.OutputHeight}; oh++)");
            w.Line($"ref float aRow = ref {f.Element("a", KernelText.Sum(KernelText.Times("s", g.InputSampleStride), KernelText.Times("oh", (long)g.StrideHeight * g.InputWidth * cs)))};");
            w.Line($"ref float dRow = ref {f.Element("delta", KernelText.Sum(KernelText.Times("s", g.OutputSampleStride), KernelText.Times("oh", (long)g.OutputWidth * g.OutputChannelStride), "n"))};");
            w.OpenBrace($"for (nuint ow = 0; ow < {g.OutputWidth}; ow++)");
            for (int t = 0; t < tileVectors; t++)
            {
                w.Line($"var d{t} = {f.Load("dRow", KernelText.Sum(KernelText.Times("ow", g.OutputChannelStride), t * f.Width))};");
            }
            for (int r = 0; r < rows; r++)
            {
                w.Line($"var x{r} = {f.Broadcast(f.Element("aRow", KernelText.Sum(KernelText.Times("ow", (long)g.StrideWidth * cs), tileRows[r].AOffset)))};");
                for (int t = 0; t < tileVectors; t++)
                {
                    w.Line($"acc{r}_{t} = {f.MultiplyAdd($"d{t}", $"x{r}", $"acc{r}_{t}")};");
                }
            }
            w.CloseBrace();
            w.CloseBrace();
            w.CloseBrace();
            for (int r = 0; r < rows; r++)
            {
                for (int t = 0; t < tileVectors; t++)
                {
                    w.Line(f.Store($"acc{r}_{t}", "dw", KernelText.Sum(tileRows[r].Row, "n", t * f.Width)));
                }
            }
        }

        // Window offset (in the input, relative to the position) and dW row of row j of segment number `k`.
        (string AOffset, string Row) RowOf(string k, string j, int constantJ)
        {
            // merged: segment k is kernel row kh = k, rows j run over (kw, ci) contiguously.
            // otherwise: segment k = kh * kw_count + kw, rows j are channels.
            string aBase = merged ? KernelText.Times(k, (long)g.InputWidth * cs) : "";
            string rowBase = KernelText.Times(k, (long)segment * g.OutputChannelStride);
            return (KernelText.Sum(aBase, j, constantJ), KernelText.Sum(rowBase, KernelText.Times(j, g.OutputChannelStride), (long)constantJ * g.OutputChannelStride));
        }

        void AllTiles(int tileVectors)
        {
            if (allRows)
            {
                var list = new List<(string, string)>();
                for (int k = 0; k < segments; k++)
                {
                    for (int j = 0; j < segment; j++)
                    {
                        int kh = merged ? k : k / g.KernelWidth, kw = merged ? 0 : k % g.KernelWidth;
                        long aOffset = (long)kh * g.InputWidth * cs + (long)kw * cs + j;
                        list.Add((Int(aOffset), Int(((long)k * segment + j) * g.OutputChannelStride)));
                    }
                }
                w.OpenBrace();
                Tile(list, tileVectors);
                w.CloseBrace();
                return;
            }
            int rows = Math.Min(maxRows, segment);
            int full = segment / rows, rest = segment - full * rows;
            w.OpenBrace($"for (nuint k = 0; k < {segments}; k++)");
            if (!merged)
            {
                // Segment k is kernel row k / kw_count and column k % kw_count: its input offset.
                w.Line($"nuint window = (k / {g.KernelWidth}) * {Int((long)g.InputWidth * cs)} + (k % {g.KernelWidth}) * {cs};");
            }
            void Rows(int count, string j0)
            {
                var list = new List<(string, string)>();
                for (int r = 0; r < count; r++)
                {
                    (string aOffset, string row) = RowOf("k", j0, r);
                    list.Add((merged ? aOffset : KernelText.Sum("window", j0, r), row));
                }
                Tile(list, tileVectors);
            }
            if (full > 0)
            {
                KernelText.Loop(w, "j", (long)full * rows, rows, () => Rows(rows, "j"));
            }
            if (rest > 0)
            {
                w.OpenBrace();
                w.Line($"const nuint j = {full * rows};");
                Rows(rest, "j");
                w.CloseBrace();
            }
            w.CloseBrace();
        }

        if (fullVectorTiles > 0)
        {
            KernelText.Loop(w, "n", (long)fullVectorTiles * v * f.Width, v * f.Width, () => AllTiles(v));
        }
        if (restVectors > 0)
        {
            w.OpenBrace();
            w.Line($"const nuint n = {fullVectorTiles * v * f.Width};");
            AllTiles(restVectors);
            w.CloseBrace();
        }
        w.CloseBrace();
    }
}
