using StaticNN.Generator.Model;
using static StaticNN.Generator.Emitting.EmitterText;

namespace StaticNN.Generator.Emitting;

/// <summary>
/// The members of a network whose declaration has errors, with bodies that throw. A class whose attributes are wrong
/// still gets the constructors, <c>Predict</c>, <c>ComputeGradients</c> and the rest of <c>ITrainableNetwork</c>, so
/// the user's code that calls them compiles and the build reports only the SNN diagnostics that explain the mistake
/// (as the Regex generator does for an invalid pattern), not a cascade of CS0117 and CS1739. The bodies are never run:
/// the build fails on the SNN error.
/// </summary>
internal static class InvalidNetworkEmitter
{
    public static (string HintName, string Source) Emit(InvalidNetworkSpec spec)
    {
        TypeHierarchySpec type = spec.Type;
        string self = type.FullyQualifiedName;
        string display = type.Type.Name.TrimStart('@');
        string throwInvalid = $"throw new global::System.InvalidOperationException(\"The [Network] declaration of {display} has errors (see the SNN diagnostics of the build); no network was generated.\")";
        string itself = $"global::StaticNN.ITrainableNetwork<{self}>";
        const string IntArray = "global::System.ReadOnlySpan<int>";
        const string Shape = "global::StaticNN.TensorShape";
        const string TensorList = "global::System.Collections.Generic.IReadOnlyList<global::StaticNN.TensorInfo>";

        var w = new SourceWriter();
        Header(w, type.MetadataName, "placeholder API (the declaration has errors)");
        int depth = NetworkEmitter.OpenType(w, type);
        w.Line("/// <remarks>");
        w.Line("/// The [Network] declaration of this class has errors, reported by the build as SNN diagnostics, so no network");
        w.Line("/// was generated. These members only keep the code that uses the class compiling, so that those diagnostics are the");
        w.Line("/// build's only errors; every one of them throws <see cref=\"global::System.InvalidOperationException\"/>.");
        w.Line("/// </remarks>");
        w.OpenBrace($"partial {type.Type.Keyword} {type.Type.Name} : {itself}");

        // Sizes of 1, not 0: a user's constant expression such as 784 / InputSize must not add an error of its own.
        foreach (string constant in new[] { "InputSize", "OutputSize", "ParameterCount", "ParameterBlockLength", "LayerCount" })
        {
            w.Line(GeneratedCode);
            w.Line($"public const int {constant} = 1;");
            w.Line(GeneratedCode);
            w.Line($"static int {itself}.{constant} => {constant};");
        }
        w.Line(GeneratedCode);
        w.Line($"static global::StaticNN.Loss {itself}.Loss => {throwInvalid};");
        w.Line(GeneratedCode);
        w.Line($"public static {Shape} InputShape => {throwInvalid};");
        w.Line(GeneratedCode);
        w.Line($"public static {Shape} OutputShape => {throwInvalid};");
        w.Line(GeneratedCode);
        w.Line($"public static {TensorList} Tensors => {throwInvalid};");
        w.Line(GeneratedCode);
        w.Line($"public static global::StaticNN.LayerInfo GetLayerInfo(int layer) => {throwInvalid};");
        w.Line();

        w.Line(GeneratedCode);
        w.Line($"public {type.Type.Name}() => {throwInvalid};");
        w.Line(GeneratedCode);
        w.Line($"public {type.Type.Name}(int seed) => {throwInvalid};");
        if (spec.BakesWeights)
        {
            w.Line(GeneratedCode);
            w.Line($"public static {self} CreatePretrained() => {throwInvalid};");
        }
        w.Line();

        string[] members =
        {
            $"public {Span} Parameters => {throwInvalid};",
            $"public void Predict({ReadOnlySpan} input, {Span} output) => {throwInvalid};",
            $"public void Predict(in InputVector input, out OutputVector output) => {throwInvalid};",
            $"public int PredictClass({ReadOnlySpan} input) => {throwInvalid};",
            $"public void PredictBatch({ReadOnlySpan} inputs, {Span} outputs) => {throwInvalid};",
            $"public float ComputeGradients({ReadOnlySpan} inputs, {ReadOnlySpan} targets, {Span} gradients) => {throwInvalid};",
            $"public float ComputeGradients({ReadOnlySpan} inputs, {IntArray} labels, {Span} gradients) => {throwInvalid};",
            $"public float ComputeLoss({ReadOnlySpan} inputs, {ReadOnlySpan} targets) => {throwInvalid};",
            $"public float ComputeLoss({ReadOnlySpan} inputs, {IntArray} labels) => {throwInvalid};",
            $"public int CopyLastBatchOutputs({Span} outputs) => {throwInvalid};",
            $"public void CopyLastDropoutMask(int layer, {Span} mask) => {throwInvalid};",
            $"public void GetLayerParameters(int layer, {Span} weight, {Span} bias) => {throwInvalid};",
            $"public void SetLayerParameters(int layer, {ReadOnlySpan} weight, {ReadOnlySpan} bias) => {throwInvalid};",
            $"public void GetLayerRunningStatistics(int layer, {Span} mean, {Span} variance) => {throwInvalid};",
            $"public void SetLayerRunningStatistics(int layer, {ReadOnlySpan} mean, {ReadOnlySpan} variance) => {throwInvalid};",
            $"public void GetTensor(int tensor, {Span} values) => {throwInvalid};",
            $"public void SetTensor(int tensor, {ReadOnlySpan} values) => {throwInvalid};",
        };
        foreach (string member in members)
        {
            w.Line(GeneratedCode);
            w.Line(member);
        }
        w.Line();

        foreach (string vector in new[] { "InputVector", "OutputVector" })
        {
            w.Line(GeneratedCode);
            w.Line("[global::System.Runtime.CompilerServices.InlineArray(1)]");
            w.OpenBrace($"public struct {vector}");
            w.Line("private float _element0;");
            w.CloseBrace();
        }

        w.CloseBrace();
        NetworkEmitter.CloseType(w, depth);
        return (HintNames.For(type), w.ToString());
    }

    /// <summary>
    /// <c>CreatePretrained</c> for a valid network whose weight file could not be baked (SNN0201-SNN0205), so that the
    /// user's call to it does not add CS0117 to the weight-file diagnostic.
    /// </summary>
    public static (string HintName, string Source) EmitCreatePretrained(TypeHierarchySpec type)
    {
        string display = type.Type.Name.TrimStart('@');
        var w = new SourceWriter();
        Header(w, type.MetadataName, "placeholder CreatePretrained (the weight file has errors)");
        int depth = NetworkEmitter.OpenType(w, type);
        w.OpenBrace($"partial {type.Type.Keyword} {type.Type.Name}");
        w.Line("/// <summary>Not available: the weight file named by [Network(Weights = ...)] could not be baked (see the SNN02xx diagnostic of the build).</summary>");
        w.Line(GeneratedCode);
        w.Line($"public static {type.FullyQualifiedName} CreatePretrained() => throw new global::System.InvalidOperationException(\"The weight file of {display} could not be baked (see the SNN diagnostics of the build).\");");
        w.CloseBrace();
        NetworkEmitter.CloseType(w, depth);
        return (HintNames.For(type, "Pretrained"), w.ToString());
    }
}
