using System;
using System.Linq;

namespace StaticNN.Generator.Emitting;

/// <summary>Which pass of a pooling layer a <see cref="PoolingShape"/> computes.</summary>
internal enum PoolingPass
{
    /// <summary>c = max or mean of each window.</summary>
    Forward,

    /// <summary>da += dc at the first maximum of each window (max) or dc / window size at every position (mean); da starts at zero.</summary>
    Backward,
}

/// <summary>
/// A pooling layer's kernel with constant sizes, over count samples of channels-last data: windows of
/// <see cref="PoolHeight"/> x <see cref="PoolWidth"/> (a global pool is one window of the whole grid), vectorised across
/// channels. The max pool's backward pass finds each window's first maximum again by comparing the inputs with the
/// output (the index PyTorch records), so no index buffer is kept.
/// </summary>
internal sealed record PoolingShape(
    string Name, string Summary, PoolingPass Pass, bool IsMax,
    int InputSampleStride, int InputWidth, int InputChannelStride, int Channels,
    int PoolHeight, int PoolWidth, int StrideHeight, int StrideWidth,
    int OutputHeight, int OutputWidth, int OutputChannelStride, int OutputSampleStride) : IKernel
{
    public string Parameters => Pass == PoolingPass.Forward
        ? "ref float a, ref float c, int count"
        : IsMax ? "ref float a, ref float c, ref float dc, ref float da, int count" : "ref float dc, ref float da, int count";

    public string Arguments => Pass == PoolingPass.Forward
        ? "ref a, ref c, count"
        : IsMax ? "ref a, ref c, ref dc, ref da, count" : "ref dc, ref da, count";

    public void EmitDispatchers(SourceWriter w, string kernelClass) => KernelText.EmitDispatcher(w, Name, Summary, Parameters, Arguments, kernelClass);

    public void EmitKernels(SourceWriter w, VectorFlavor flavor) => PoolingKernels.Emit(w, this, flavor);
}

/// <summary>Emits <see cref="PoolingShape"/> kernels for one SIMD path.</summary>
internal static class PoolingKernels
{
    /// <summary>Windows up to this many positions are written out; larger ones (global pools) loop.</summary>
    private const int MaxUnrolledWindow = 16;

    public static void Emit(SourceWriter w, PoolingShape g, VectorFlavor f)
    {
        // A one-channel input read as the user gave it (channel stride 1) cannot be loaded as vectors of channels.
        VectorFlavor lanes = g.InputChannelStride % f.Width == 0 ? f : VectorFlavor.Scalar.Short;
        int step = lanes.Width;
        int channelFloats = lanes.IsScalar && g.InputChannelStride == 1 ? 1 : g.InputChannelStride;
        string scale = VectorFlavor.FloatLiteral(1f / (g.PoolHeight * g.PoolWidth));
        string Times(string v, long s) => KernelText.Times(v, s);
        string Sum(params object[] t) => KernelText.Sum(t);

        w.Line($"/// <summary>{g.Summary}</summary>");
        w.Line(f.GeneratedCodeAttribute);
        w.Line(f.AggressiveOptimizationAttribute);
        w.OpenBrace($"internal static void {g.Name}{f.Name}({g.Parameters})");
        w.OpenBrace("for (nuint s = 0; s < (nuint)count; s++)");
        bool forward = g.Pass == PoolingPass.Forward;
        if (forward || g.IsMax)
        {
            w.Line($"ref float aSample = ref {f.Element("a", Times("s", g.InputSampleStride))};");
        }
        if (forward)
        {
            w.Line($"ref float cSample = ref {f.Element("c", Times("s", g.OutputSampleStride))};");
        }
        else
        {
            if (g.IsMax)
            {
                w.Line($"ref float cSample = ref {f.Element("c", Times("s", g.OutputSampleStride))};");
            }
            w.Line($"ref float dcSample = ref {f.Element("dc", Times("s", g.OutputSampleStride))};");
            w.Line($"ref float daSample = ref {f.Element("da", Times("s", g.InputSampleStride))};");
        }
        w.OpenBrace($"for (nuint oh = 0; oh < {g.OutputHeight}; oh++)");
        w.OpenBrace($"for (nuint ow = 0; ow < {g.OutputWidth}; ow++)");
        w.Line($"nuint at = {Sum(Times("oh", (long)g.StrideHeight * g.InputWidth * g.InputChannelStride), Times("ow", (long)g.StrideWidth * g.InputChannelStride))};");
        w.Line($"nuint to = {Sum(Times("oh", (long)g.OutputWidth * g.OutputChannelStride), Times("ow", g.OutputChannelStride))};");
        w.OpenBrace(channelFloats <= step ? null : $"for (nuint n = 0; n < {channelFloats}; n += {step})");
        if (channelFloats <= step)
        {
            w.Line("const nuint n = 0;");
        }

        // The window's positions, in PyTorch's scan order (row by row), as offsets from `at`.
        int windowSize = g.PoolHeight * g.PoolWidth;
        bool unrolled = windowSize <= MaxUnrolledWindow;
        string Position(int kh, int kw) => Sum((long)kh * g.InputWidth * g.InputChannelStride + (long)kw * g.InputChannelStride);
        void ForWindow(Action<string> body, bool skipFirst = false)
        {
            if (unrolled)
            {
                for (int i = skipFirst ? 1 : 0; i < windowSize; i++)
                {
                    body(Position(i / g.PoolWidth, i % g.PoolWidth));
                }
                return;
            }
            w.OpenBrace($"for (nuint kh = 0; kh < {g.PoolHeight}; kh++)");
            w.OpenBrace($"for (nuint kw = 0; kw < {g.PoolWidth}; kw++)");
            body(Sum(Times("kh", (long)g.InputWidth * g.InputChannelStride), Times("kw", g.InputChannelStride)));
            w.CloseBrace();
            w.CloseBrace();
        }

        if (forward)
        {
            if (g.IsMax)
            {
                w.Line($"var m = {lanes.Load("aSample", Sum("at", "n"))};");
                ForWindow(p => w.Line($"m = {lanes.Max("m", lanes.Load("aSample", Sum("at", p, "n")))};"), skipFirst: unrolled);
            }
            else
            {
                w.Line($"var m = {lanes.Zero};");
                ForWindow(p => w.Line($"m += {lanes.Load("aSample", Sum("at", p, "n"))};"));
                w.Line($"m *= {(lanes.IsScalar ? scale : lanes.Broadcast(scale))};");
            }
            w.Line(lanes.Store("m", "cSample", Sum("to", "n")));
        }
        else if (g.IsMax)
        {
            w.Line($"var m = {lanes.Load("cSample", Sum("to", "n"))};");
            w.Line($"var d = {lanes.Load("dcSample", Sum("to", "n"))};");
            if (lanes.IsScalar)
            {
                // The first maximum of the window takes the gradient (PyTorch's choice on ties).
                w.Line("bool taken = false;");
                ForWindow(p =>
                {
                    w.OpenBrace($"if (!taken && {lanes.Load("aSample", Sum("at", p, "n"))} == m)");
                    w.Line($"{lanes.Element("daSample", Sum("at", p, "n"))} += d;");
                    w.Line("taken = true;");
                    w.CloseBrace();
                });
            }
            else
            {
                // Per lane, the first position equal to the maximum takes the gradient: a mask of lanes still open.
                w.Line($"var taken = {lanes.Zero};");
                int position = 0;
                ForWindow(p =>
                {
                    string first = unrolled ? $"first{position++}" : "first";
                    w.Line($"var {first} = {lanes.Name}.AndNot({lanes.Name}.Equals({lanes.Load("aSample", Sum("at", p, "n"))}, m), taken);");
                    w.Line(lanes.Store($"{lanes.Load("daSample", Sum("at", p, "n"))} + (d & {first})", "daSample", Sum("at", p, "n")));
                    w.Line($"taken |= {first};");
                });
            }
        }
        else
        {
            w.Line($"var d = {lanes.Load("dcSample", Sum("to", "n"))} * {(lanes.IsScalar ? scale : lanes.Broadcast(scale))};");
            ForWindow(p => w.Line(lanes.Store($"{lanes.Load("daSample", Sum("at", p, "n"))} + d", "daSample", Sum("at", p, "n"))));
        }
        w.CloseBrace();
        if (forward && g.InputChannelStride == 1 && g.OutputChannelStride > 1)
        {
            // One channel read unpadded: the output's padding channels are zero.
            w.OpenBrace($"for (nuint z = 1; z < {g.OutputChannelStride}; z++)");
            w.Line($"{f.Element("cSample", Sum("to", "z"))} = 0f;");
            w.CloseBrace();
        }
        w.CloseBrace();
        w.CloseBrace();
        w.CloseBrace();
        w.CloseBrace();
    }
}
