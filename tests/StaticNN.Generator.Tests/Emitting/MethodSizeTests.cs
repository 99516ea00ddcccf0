using System.Collections.Generic;
using System.Linq;
using StaticNN.Generator.Tests.Infrastructure;
using Xunit.Abstractions;

namespace StaticNN.Generator.Tests.Emitting;

/// <summary>
/// Generated methods must stay small enough for the JIT to optimise them. Past 20,000 IL instructions a method falls back
/// to MinOpts (no register allocation worth the name, no inlining); with hundreds of Vector512 helper calls in one
/// method the inliner silently gives up around 400-450 call sites, and the "intrinsics" become real calls. Code size
/// must therefore not grow with the layer sizes: these shapes go from the smallest to the largest the parser accepts,
/// plus the sizes where the emitter's straight-line unrolling is at its limits.
/// </summary>
public sealed class MethodSizeTests(ITestOutputHelper output)
{
    private const int MaxIlBytes = 8_000;
    private const int MaxInstructions = 20_000;
    private const int MaxCalls = 300;

    public static TheoryData<string, string> Shapes() => new()
    {
        // 2000*16384 + 16384*1000 + 1000*10 weights (+ biases) = 49.2M parameters, just under the 50M limit.
        { "DeepAndWide", "[Network(Loss = Loss.CrossEntropy)][Input(2000)][Dense(16384, Activation.ReLU)][Dense(1000, Activation.GELU)][Dense(10, Activation.Softmax)]" },
        // The widest input with the widest layer that fits: 16384*3000 = 49.2M.
        { "WideAndShallow", "[Network][Input(16384)][Dense(3000)]" },
        { "Tiny", "[Network][Input(1)][Dense(1)]" },
        { "OddSizes", "[Network(Loss = Loss.CrossEntropy)][Input(784)][Dense(127, Activation.Tanh)][Dense(33, Activation.Softmax)]" },
        { "OddSizesReversed", "[Network(Loss = Loss.BinaryCrossEntropy)][Input(33)][Dense(127, Activation.SiLU)][Dense(784, Activation.Sigmoid)]" },
        // Reductions of 16 and 64 over 16 columns: the longest straight-line Vector512 block and row tiles.
        { "UnrollLimitVector512", "[Network(Loss = Loss.CrossEntropy)][Input(16)][Dense(16, Activation.GELU)][Dense(64, Activation.SiLU)][Dense(16, Activation.Softmax)]" },
        // Reductions of 8, 12 and 32: the longest straight-line Vector256/Vector128 and scalar tiles.
        { "UnrollLimitVector256AndScalar", "[Network][Input(12)][Dense(8, Activation.ELU)][Dense(32, Activation.Tanh)][Dense(16, Activation.LeakyReLU)]" },
        // A reduction of 4 over 112 columns: a straight-line 6x4 Vector512 tile plus a straight-line 6x3 rest tile in one
        // method, with the pre-activation stores of GELU training. The worst case found by sweeping sizes 1-240.
        { "UnrollLimitWithRestTile", "[Network][Input(3)][Dense(4, Activation.GELU)][Dense(112, Activation.GELU)]" },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EveryGeneratedMethod_StaysFarBelowJitLimits(string name, string attributes)
    {
        GeneratorRun run = GeneratorHarness.Run($"using StaticNN;\n\n{attributes}\npublic partial class {name};\n")
            .ShouldCompileWithoutWarnings();

        IReadOnlyList<IlMethodStats> methods = IlMethodStats.Measure(run.OutputCompilation);

        methods.Count.ShouldBeGreaterThan(20);
        IlMethodStats biggest = methods.MaxBy(m => m.IlBytes)!;
        IlMethodStats mostCalls = methods.MaxBy(m => m.Calls)!;
        output.WriteLine($"{name}: {methods.Count} methods");
        output.WriteLine($"  largest:    {biggest}");
        output.WriteLine($"  most calls: {mostCalls}");
        methods.Where(m => m.IlBytes > MaxIlBytes || m.Instructions >= MaxInstructions || m.Calls >= MaxCalls)
            .Select(m => m.ToString()).ShouldBeEmpty($"limits: {MaxIlBytes} IL bytes, {MaxInstructions} instructions, {MaxCalls} calls");
    }

    [Fact]
    public void IlDecoder_CountsCallsAndOperands()
    {
        // ldarg.0; call <token>; ldc.i4 <int>; switch (2 targets); callvirt <token>; ret
        byte[] il = { 0x02, 0x28, 1, 0, 0, 10, 0x20, 5, 0, 0, 0, 0x45, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x6F, 2, 0, 0, 10, 0x2A };

        IlMethodStats.Decode(il).ShouldBe((6, 2));
    }
}
