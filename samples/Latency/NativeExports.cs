using System;
using System.Runtime.InteropServices;
using System.Threading;
using StaticNN;

/// <summary>
/// C entry points of the Native AOT shared library (<c>dotnet publish -c Release -r linux-x64 -p:PublishAot=true
/// -p:NativeLib=Shared</c>): <c>int staticnn_predict(const float* input, float* output)</c> runs S2 on 16 floats and
/// writes 8; <c>staticnn_input_size()</c> and <c>staticnn_output_size()</c> return 16 and 8. The weights are the
/// trained <c>s2.safetensors</c>, baked into the library at build time (<c>S2.CreatePretrained()</c> on the first call:
/// no file, no parsing). <c>host/host.c</c> calls them.
/// </summary>
/// <remarks>
/// Thread-safe (S2.Predict is, and the model is published once with a compare-exchange). No exception crosses into C:
/// a C caller cannot catch it and the process would stop, so failures become return codes.
/// </remarks>
internal static unsafe class NativeExports
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>input or output is null.</summary>
    public const int NullPointer = -1;

    /// <summary>An unexpected failure.</summary>
    public const int InternalError = -2;

    private static S2? s_model;

    /// <summary>Runs S2 on <c>input[0..16)</c> and writes <c>output[0..8)</c>. Returns 0, or a negative error code.</summary>
    [UnmanagedCallersOnly(EntryPoint = "staticnn_predict")]
    public static int Predict(float* input, float* output)
    {
        if (input == null || output == null)
        {
            return NullPointer;
        }
        try
        {
            S2 model = Volatile.Read(ref s_model) ?? LoadModel();
            model.Predict(new ReadOnlySpan<float>(input, S2.InputSize), new Span<float>(output, S2.OutputSize));
            return Ok;
        }
#pragma warning disable CA1031 // Any exception must become an error code at the C boundary.
        catch (Exception)
#pragma warning restore CA1031
        {
            return InternalError;
        }
    }

    /// <summary>Number of floats <c>staticnn_predict</c> reads.</summary>
    [UnmanagedCallersOnly(EntryPoint = "staticnn_input_size")]
    public static int InputSize() => S2.InputSize;

    /// <summary>Number of floats <c>staticnn_predict</c> writes.</summary>
    [UnmanagedCallersOnly(EntryPoint = "staticnn_output_size")]
    public static int OutputSize() => S2.OutputSize;

    private static S2 LoadModel()
    {
        // Two threads may create it at once on the first calls; both models are equal and one of them wins.
        S2 model = S2.CreatePretrained();
        return Interlocked.CompareExchange(ref s_model, model, null) ?? model;
    }
}
