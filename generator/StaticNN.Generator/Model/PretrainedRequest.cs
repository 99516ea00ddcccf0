using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace StaticNN.Generator.Model;

/// <summary>A network that bakes weights from a file (<c>[Network(Weights = "...")]</c>).</summary>
/// <remarks>
/// Immutable; structural equality; no syntax tree or location (those would keep compilations alive and defeat the
/// cache): the file path and span find the tree again when a problem has to be reported.
/// </remarks>
/// <param name="Spec">The network.</param>
/// <param name="WeightsPath">The path as written in the attribute, relative to the project directory.</param>
/// <param name="FilePath">The path of the file that declares the network.</param>
/// <param name="Span">The <c>Weights = "..."</c> argument, where weight-file diagnostics are reported.</param>
internal sealed record PretrainedRequest(NetworkSpec Spec, string WeightsPath, string FilePath, TextSpan Span)
{
    /// <summary>The argument's location in <paramref name="compilation"/> (none if its file is gone).</summary>
    public Location LocationIn(Compilation compilation)
    {
        foreach (SyntaxTree tree in compilation.SyntaxTrees)
        {
            if (tree.FilePath == FilePath && tree.Length >= Span.End)
            {
                return Location.Create(tree, Span);
            }
        }
        return Location.None;
    }
}

/// <summary>The weights of one network, in the kernels' layout, ready to emit.</summary>
/// <param name="Spec">The network (the emitter re-plans it for offsets and comments).</param>
/// <param name="WeightsPath">The path as written in the attribute (for the generated comments).</param>
/// <param name="Parameters">The whole parameter block.</param>
/// <param name="State">The whole state block (BatchNorm running statistics); empty without BatchNorm.</param>
/// <param name="Naming">How the file named its tensors ("canonical" or "nn.Sequential").</param>
internal sealed record PretrainedModel(
    NetworkSpec Spec,
    string WeightsPath,
    EquatableArray<float> Parameters,
    EquatableArray<float> State,
    string Naming);

/// <summary>What binding a request to the weight files produced: a model, or a problem to report at the request.</summary>
/// <param name="Request">The request (for the problem's location).</param>
/// <param name="Model">The weights, or null when <paramref name="Problem"/> is set.</param>
/// <param name="Problem">The diagnostic to report, or null.</param>
internal sealed record PretrainedBinding(PretrainedRequest Request, PretrainedModel? Model, WeightsProblem? Problem);

/// <summary>A weight-file diagnostic without its location: which descriptor, and its message arguments.</summary>
internal sealed record WeightsProblem(string DescriptorId, EquatableArray<string> Arguments);
