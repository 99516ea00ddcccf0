using StaticNN.Generator.Model;

namespace StaticNN.Generator.Weights;

/// <summary>One tensor of a safetensors file.</summary>
/// <param name="Name">Its name in the header.</param>
/// <param name="DType">Its dtype as written ("F32", "F16"...).</param>
/// <param name="Shape">Its shape.</param>
/// <param name="Values">Its values when the dtype is F32; empty otherwise (only F32 can be bound).</param>
internal sealed record WeightTensor(string Name, string DType, EquatableArray<long> Shape, EquatableArray<float> Values);

/// <summary>A decoded safetensors file: its tensors in header order.</summary>
internal sealed record WeightFile(EquatableArray<WeightTensor> Tensors);

/// <summary>
/// One weight file among the AdditionalFiles, keyed by the full path of the original .safetensors file. Exactly one of
/// <paramref name="File"/> and <paramref name="Error"/> is set, unless <paramref name="Encoded"/> is false: then the
/// item is a raw .safetensors file the build targets did not encode (they were not imported).
/// </summary>
/// <param name="SourcePath">Full path of the original file.</param>
/// <param name="Encoded">Whether StaticNN's build targets encoded it.</param>
/// <param name="File">The decoded file.</param>
/// <param name="Error">Why it could not be decoded, as a sentence fragment for SNN0202.</param>
/// <param name="ByteLength">Size of the original file in bytes (-1 when unknown).</param>
internal sealed record WeightFileInput(string SourcePath, bool Encoded, WeightFile? File, string? Error, long ByteLength);
