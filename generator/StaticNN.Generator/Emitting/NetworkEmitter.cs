using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using StaticNN.Generator.Emitting.Layers;
using StaticNN.Generator.Model;
using StaticNN.Generator.Planning;
using static StaticNN.Generator.Emitting.EmitterText;

namespace StaticNN.Generator.Emitting;

/// <summary>
/// Emits one network: the public API file (constants, constructors, Predict, ComputeGradients...) and one kernel file
/// per SIMD path. Everything that depends on sizes is written with the sizes as constants.
/// </summary>
internal static partial class NetworkEmitter
{
    public static void Emit(SourceProductionContext context, NetworkSpec spec, CompilationFeatures features)
    {
        foreach ((string hintName, string source) in EmitAll(spec, features, context.CancellationToken))
        {
            context.AddSource(hintName, SourceText.From(source, System.Text.Encoding.UTF8));
        }
    }

    /// <summary>All files for one network, in a fixed order (tests call this directly).</summary>
    public static List<(string HintName, string Source)> EmitAll(NetworkSpec spec, CompilationFeatures features, System.Threading.CancellationToken ct = default)
    {
        // Numbers are written with the invariant culture where they can be negative (a culture's minus sign would
        // make the output machine-dependent); non-negative ints format the same in every culture.
        NetworkPlan plan = NetworkPlan.Create(spec);
        var files = new List<(string, string)> { (HintNames.For(spec.Type), EmitApi(plan, features)) };
        ct.ThrowIfCancellationRequested();
        files.Add((HintNames.For(spec.Type, "Kernels"), EmitKernelDispatch(plan)));
        foreach (VectorFlavor flavor in VectorFlavor.All)
        {
            ct.ThrowIfCancellationRequested();
            files.Add((HintNames.For(spec.Type, "Kernels." + flavor.Name), EmitKernels(plan, flavor)));
        }
        return files;
    }

    /// <summary>The class name as C# source (keywords escaped with '@').</summary>
    private static string Name(NetworkPlan plan) => plan.Spec.Type.Type.Name;

    /// <summary>The class name as users read it, for exception messages.</summary>
    private static string Display(NetworkPlan plan) => plan.Spec.Type.Type.Name.TrimStart('@');

    private static string Self(NetworkPlan plan) => plan.Spec.Type.FullyQualifiedName;

    /// <summary>Opens namespace and containing types; returns the number of braces to close.</summary>
    internal static int OpenType(SourceWriter w, TypeHierarchySpec type)
    {
        int depth = 0;
        if (type.Namespace.Length > 0)
        {
            w.OpenBrace($"namespace {type.Namespace}");
            depth++;
        }
        foreach (TypeDeclarationSpec container in type.ContainingTypes)
        {
            w.OpenBrace($"partial {container.Keyword} {container.Name}");
            depth++;
        }
        return depth;
    }

    internal static void CloseType(SourceWriter w, int depth)
    {
        for (int i = 0; i < depth; i++)
        {
            w.CloseBrace();
        }
    }

    /// <summary>Kernel classes live here, in StaticNN's own namespace, so that kernel files can use short names.</summary>
    internal const string KernelNamespace = "StaticNN.Generated";

    /// <summary>
    /// The class in <see cref="KernelNamespace"/> that holds a network's kernels: its namespace, containing types and
    /// name joined by '_', then "Kernels" (<c>Demo_Zoo_RegressorKernels</c> for <c>Demo.Zoo.Regressor</c>). One flat
    /// namespace, so no namespace of the user's can shadow the names the kernel files import.
    /// </summary>
    internal static string KernelClass(TypeHierarchySpec type)
    {
        var parts = new List<string>();
        if (type.Namespace.Length > 0)
        {
            parts.AddRange(type.Namespace.Split('.').Select(p => p.TrimStart('@')));
        }
        parts.AddRange(type.ContainingTypes.Select(c => c.Name.TrimStart('@')));
        parts.Add(type.Type.Name.TrimStart('@'));
        return string.Join("_", parts) + "Kernels";
    }

    private static string EmitKernelDispatch(NetworkPlan plan)
    {
        var w = new SourceWriter();
        Header(w, plan.Spec.Type.MetadataName, "kernel dispatch");
        int depth = OpenType(w, plan.Spec.Type);
        w.OpenBrace($"partial {plan.Spec.Type.Type.Keyword} {Name(plan)}");
        w.Line("/// <summary>");
        w.Line("/// The compiled kernels of this network. Each entry point picks the widest SIMD path the machine has:");
        w.Line("/// Vector512 (AVX-512F), Vector256 (AVX2 + FMA), Vector128 (SSE / NEON), then scalar. The checks are JIT-time");
        w.Line("/// constants, so only one path is compiled.");
        w.Line("/// </summary>");
        w.Line(GeneratedCode);
        w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
        w.OpenBrace("private static partial class Kernels");
        string kernelClass = $"global::{KernelNamespace}.{KernelClass(plan.Spec.Type)}";
        foreach (LayerPlan layer in plan.Layers)
        {
            foreach (IKernel kernel in layer.Emitter.Kernels(layer))
            {
                kernel.EmitDispatchers(w, kernelClass);
            }
        }
        w.CloseBrace();
        w.CloseBrace();
        CloseType(w, depth);
        return w.ToString();
    }

    /// <summary>The using directives of every kernel file (the file's code is StaticNN's own, not the user's type).</summary>
    private static readonly string[] s_kernelUsings =
    {
        "System",
        "System.CodeDom.Compiler",
        "System.ComponentModel",
        "System.Runtime.CompilerServices",
        "System.Runtime.Intrinsics",
        "System.Runtime.Intrinsics.X86",
        "StaticNN.Activations",
    };

    private static string EmitKernels(NetworkPlan plan, VectorFlavor flavor)
    {
        var w = new SourceWriter();
        Header(w, plan.Spec.Type.MetadataName, $"{flavor.Name} kernels");
        string kernelClass = KernelClass(plan.Spec.Type);
        w.OpenBrace($"namespace {KernelNamespace}");
        foreach (string import in s_kernelUsings)
        {
            w.Line($"using global::{import};");
        }
        w.Line();
        if (flavor == VectorFlavor.Vector512)
        {
            w.Line($"/// <summary>The kernels of network <c>{plan.Spec.Type.MetadataName}</c>, one partial file per SIMD path; the network's nested Kernels class dispatches.</summary>");
            w.Line(flavor.Short.GeneratedCodeAttribute);
            w.Line("[EditorBrowsable(EditorBrowsableState.Never)]");
        }
        w.OpenBrace($"internal static partial class {kernelClass}");
        w.Line($"// {flavor.Name} path ({flavor.Note}).");
        w.Line("// Weights are stored input-major, W^T[in][out padded to 16], so each input value is broadcast and multiplied");
        w.Line("// into whole vectors of outputs that stay in registers; bias and activation are applied before the one store.");
        if (plan.Layers.Any(l => l.Spec.Input.IsSpatial))
        {
            w.Line("// Convolution kernels are stored K[kh][kw][channel][filters padded to 16] and images channels-last, x[h][w][channel]:");
            w.Line("// a tile keeps several output positions of one row times whole vectors of filters in registers.");
        }
        w.Line();
        foreach (LayerPlan layer in plan.Layers.Where(l => l.Emitter.Kernels(l).Any()))
        {
            w.Line($"// ---- {layer.Emitter.Comment(layer)} ----");
            w.Line();
            foreach (IKernel kernel in layer.Emitter.Kernels(layer))
            {
                kernel.EmitKernels(w, flavor.Short);
                w.Line();
            }
        }
        w.CloseBrace();
        w.CloseBrace();
        return w.ToString();
    }
}
