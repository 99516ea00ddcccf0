using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticNN.Generator.Diagnostics;
using StaticNN.Generator.Model;
using StaticNN.Generator.Parsing.Layers;

namespace StaticNN.Generator.Parsing;

/// <summary>Turns an attributed class into a <see cref="NetworkSpec"/> or the diagnostics that explain why not.</summary>
internal static class NetworkParser
{
    /// <summary>Largest layer (or input) width; Predict keeps two such rows on the stack.</summary>
    public const int MaxLayerSize = 16384;

    /// <summary>Largest logical parameter count (the block is indexed by int with room for padding).</summary>
    public const long MaxParameterCount = 50_000_000;

    /// <summary>Names of the members the generator adds; a user member with one of them conflicts.</summary>
    public static readonly ImmutableHashSet<string> GeneratedMemberNames = ImmutableHashSet.Create(
        "InputSize", "OutputSize", "ParameterCount", "ParameterBlockLength", "LayerCount", "Loss", "GetLayerInfo",
        "Parameters", "Predict", "PredictBatch", "PredictClass", "ComputeGradients", "ComputeLoss",
        "GetLayerParameters", "SetLayerParameters", "CopyLastBatchOutputs", "InputVector", "OutputVector", "Kernels", "TrainingWorkspace",
        "Forward", "Backward", "GetWorkspace", "CopyLastDropoutMask", "GetLayerRunningStatistics", "SetLayerRunningStatistics",
        "_parameters", "_workspace", "_state", "_trainingRandom", "CreatePretrained", "BakedWeights",
        "InputShape", "OutputShape", "Tensors", "GetTensor", "SetTensor", "s_tensors");

    public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken ct)
    {
        var symbol = (INamedTypeSymbol)context.TargetSymbol;
        var syntax = (TypeDeclarationSyntax)context.TargetNode;
        try
        {
            return ParseCore(symbol, syntax, context.Attributes, ct);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception ex)
        {
            return new ParseResult(null, ImmutableArray.Create(Diagnostic.Create(
                DiagnosticDescriptors.InternalError, syntax.Identifier.GetLocation(), symbol.Name, ex.GetType().Name + ": " + ex.Message)));
        }
    }

    /// <summary>
    /// For a class that carries [Input] or a layer attribute but no [Network]: SNN0018 at its first such attribute (so
    /// each class is reported once, whichever attribute's pipeline sees it), and placeholder members when the class
    /// could take them. Null for a class that has [Network] (the network parser reports it) or another attribute.
    /// </summary>
    public static ParseResult? ParseWithoutNetwork(GeneratorAttributeSyntaxContext context, CancellationToken ct)
    {
        if (context.TargetSymbol is not INamedTypeSymbol { TypeKind: TypeKind.Class } symbol || context.Attributes.IsDefaultOrEmpty)
        {
            return null;
        }
        AttributeData? first = null;
        foreach (AttributeData attribute in symbol.GetAttributes())
        {
            string? attributeName = attribute.AttributeClass?.ToDisplayString();
            if (attributeName == KnownTypeNames.NetworkAttribute)
            {
                return null;
            }
            if ((attributeName == KnownTypeNames.InputAttribute || LayerParsers.For(attributeName) is not null)
                && attribute.ApplicationSyntaxReference is { } reference
                && (first?.ApplicationSyntaxReference is not { } earliest || Compare(reference, earliest) < 0))
            {
                first = attribute;
            }
        }
        if (first is null || first.ApplicationSyntaxReference!.Span != context.Attributes[0].ApplicationSyntaxReference?.Span
            || first.ApplicationSyntaxReference.SyntaxTree != context.Attributes[0].ApplicationSyntaxReference!.SyntaxTree)
        {
            return null;
        }

        var syntax = (TypeDeclarationSyntax)context.TargetNode;
        bool acceptsMembers = true;
        CheckClass(symbol, syntax, syntax.Identifier.GetLocation(), (descriptor, _, _) => acceptsMembers &= descriptor.DefaultSeverity != DiagnosticSeverity.Error);
        string attributeText = first.AttributeClass!.Name.EndsWith("Attribute", StringComparison.Ordinal)
            ? first.AttributeClass.Name.Substring(0, first.AttributeClass.Name.Length - "Attribute".Length)
            : first.AttributeClass.Name;
        Diagnostic diagnostic = Diagnostic.Create(DiagnosticDescriptors.MissingNetworkAttribute, AttributeLocation(first, ct), symbol.Name, attributeText);
        return new ParseResult(null, ImmutableArray.Create(diagnostic),
            Placeholder: acceptsMembers ? new InvalidNetworkSpec(ReadHierarchy(symbol, syntax), BakesWeights: false) : null);
    }

    private static ParseResult ParseCore(INamedTypeSymbol symbol, TypeDeclarationSyntax syntax, ImmutableArray<AttributeData> networkAttributes, CancellationToken ct)
    {
        // C# itself rejects [Network] on a struct (CS0592) and a repeated [Network] (CS0579): add nothing, and make sure
        // a class with [Network] on two partial declarations is generated once (a second identical file would fail
        // the whole generator, dropping every other network too).
        if (symbol.TypeKind != TypeKind.Class || !IsFirstNetworkDeclaration(symbol, syntax, ct))
        {
            return new ParseResult(null, ImmutableArray<Diagnostic>.Empty);
        }

        var diagnostics = ImmutableArray.CreateBuilder<Diagnostic>();
        bool failed = false;
        string name = symbol.Name;
        Location classLocation = syntax.Identifier.GetLocation();

        void Report(DiagnosticDescriptor descriptor, Location? location, params object[] args)
        {
            // Message arguments are strings, formatted invariantly (an int argument would follow the build's culture).
            object[] text = args.Select(a => (object)Convert.ToString(a, CultureInfo.InvariantCulture)!).ToArray();
            diagnostics.Add(Diagnostic.Create(descriptor, location ?? classLocation, text));
            failed |= descriptor.DefaultSeverity == DiagnosticSeverity.Error;
        }

        CheckClass(symbol, syntax, classLocation, Report);
        // From here on an error is in the attributes, not the class: placeholder members can still be added to it.
        bool classAcceptsMembers = !failed;

        // [Network]
        var loss = LossKind.MeanSquaredError;
        string? weights = null;
        AttributeData network = networkAttributes[0];
        if (HasErrors(network))
        {
            Report(DiagnosticDescriptors.InvalidAttributeArgument, AttributeLocation(network, ct), "Network", name);
        }
        else
        {
            foreach (KeyValuePair<string, TypedConstant> argument in network.NamedArguments)
            {
                if (argument.Key == "Loss" && argument.Value.Value is int lossValue)
                {
                    if (!Enum.IsDefined(typeof(LossKind), lossValue))
                    {
                        Report(DiagnosticDescriptors.UndefinedEnumValue, AttributeLocation(network, ct), "Loss", lossValue, name);
                    }
                    loss = (LossKind)lossValue;
                }
                else if (argument.Key == "Weights" && argument.Value.Value is string path)
                {
                    if (path.Trim().Length == 0)
                    {
                        Report(DiagnosticDescriptors.WeightsFileNotFound, WeightsArgumentLocation(network, ct) ?? AttributeLocation(network, ct), name, path, "the path is empty");
                    }
                    weights = path;
                }
            }
        }

        // [Input] and the layers, in source order.
        var inputs = new List<AttributeData>();
        var layers = new List<AttributeData>();
        foreach (AttributeData attribute in symbol.GetAttributes())
        {
            string? attributeName = attribute.AttributeClass?.ToDisplayString();
            if (attributeName == KnownTypeNames.InputAttribute)
            {
                inputs.Add(attribute);
            }
            else if (LayerParsers.For(attributeName) is not null)
            {
                layers.Add(attribute);
            }
        }

        TensorShape inputShape = TensorShape.Vector(0);
        bool inputKnown = false;
        if (inputs.Count == 0)
        {
            Report(DiagnosticDescriptors.MissingInput, classLocation, name);
        }
        else
        {
            for (int i = 1; i < inputs.Count; i++)
            {
                Report(DiagnosticDescriptors.DuplicateInput, AttributeLocation(inputs[i], ct), name);
            }
            AttributeData input = inputs[0];
            if (HasErrors(input) || ReadDimensions(input) is not int[] dimensions)
            {
                Report(DiagnosticDescriptors.InvalidAttributeArgument, AttributeLocation(input, ct), "Input", name);
            }
            else if (dimensions.Length is 0 or > 3)
            {
                Report(DiagnosticDescriptors.InputRankNotSupported, AttributeLocation(input, ct), name, dimensions.Length,
                    "(" + string.Join(", ", dimensions.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")");
            }
            else
            {
                inputKnown = true;
                inputShape = dimensions.Length switch
                {
                    1 => TensorShape.Vector(dimensions[0]),
                    2 => TensorShape.Matrix(dimensions[0], dimensions[1]),
                    _ => TensorShape.Image(dimensions[0], dimensions[1], dimensions[2]),
                };
                if (dimensions.Length == 1)
                {
                    CheckSize("The input", dimensions[0], AttributeLocation(input, ct));
                }
                else
                {
                    for (int d = 0; d < dimensions.Length; d++)
                    {
                        CheckSize($"Dimension {d} of the input", dimensions[d], AttributeLocation(input, ct));
                    }
                    if (dimensions.All(d => d > 0) && inputShape.ElementCount > WindowParsing.MaxTensorElements)
                    {
                        Report(DiagnosticDescriptors.SizeTooLarge, AttributeLocation(input, ct), "The input", name, inputShape.ElementCount, WindowParsing.MaxTensorElements);
                    }
                }
            }
        }

        if (layers.Count == 0)
        {
            Report(DiagnosticDescriptors.NoLayers, classLocation, name);
        }
        else if (layers.Select(l => l.ApplicationSyntaxReference?.GetSyntax(ct).Parent?.Parent).Distinct().Count() > 1)
        {
            Report(DiagnosticDescriptors.LayersSplitAcrossDeclarations, classLocation, name);
        }

        layers.Sort((x, y) => (x.ApplicationSyntaxReference?.Span.Start ?? 0).CompareTo(y.ApplicationSyntaxReference?.Span.Start ?? 0));

        var layerSpecs = new List<LayerSpec>();
        TensorShape shape = inputShape;
        int layerTotal = layers.Count(l => LayerParsers.For(l.AttributeClass?.ToDisplayString())!.IsLayer);
        var openBlocks = new Stack<OpenResidualBlock>();
        int firstNaming = -1;
        TensorShape namedInput = default;
        bool layersValid = true;
        foreach (AttributeData layer in layers)
        {
            ct.ThrowIfCancellationRequested();
            Location? location = AttributeLocation(layer, ct);
            if (HasErrors(layer))
            {
                Report(DiagnosticDescriptors.InvalidAttributeArgument, location, layer.AttributeClass!.Name.Replace("Attribute", ""), name);
                layersValid = false;
                continue;
            }
            ILayerParser parser = LayerParsers.For(layer.AttributeClass!.ToDisplayString())!;
            var context = new LayerParseContext(layer, location, layerSpecs.Count, layerTotal, shape, name, openBlocks, Report, inputKnown);
            LayerParseOutcome outcome = parser.Parse(context);
            layersValid &= outcome.IsValid;
            if (outcome.Options is not null)
            {
                layerSpecs.Add(new LayerSpec(layerSpecs.Count, shape, outcome.Output, outcome.Options));
                if (outcome.InputAs is { } named && shape.Layout == ShapeLayout.Matrix && firstNaming < 0)
                {
                    (firstNaming, namedInput) = (layerSpecs.Count - 1, named);
                }
            }
            shape = outcome.Output;
        }
        if (firstNaming >= 0)
        {
            // The first layer that names the axes of a (rows, columns) input names them for the network input and for
            // the shape-preserving layers in front of it, so that they all store it the same way.
            inputShape = namedInput;
            for (int i = 0; i <= firstNaming; i++)
            {
                LayerSpec layer = layerSpecs[i];
                layerSpecs[i] = layer with { Input = namedInput, Output = i < firstNaming ? namedInput : layer.Output };
            }
        }

        if (openBlocks.Count > 0)
        {
            Report(DiagnosticDescriptors.ResidualUnbalanced, classLocation, name, "ResidualBegin", "ResidualEnd");
            layersValid = false;
        }
        if (layers.Count > 0 && layerSpecs.Count == 0 && layersValid)
        {
            Report(DiagnosticDescriptors.NoLayers, classLocation, name);
        }

        long parameterCount = layerSpecs.Sum(l => l.Options.Tensors(l.Input, l.Output).Where(t => !t.IsState).Sum(t => t.Count));
        if (parameterCount > MaxParameterCount)
        {
            Report(DiagnosticDescriptors.TooManyParameters, classLocation, name, parameterCount, MaxParameterCount);
        }

        if (layerSpecs.Count > 0 && layersValid && inputKnown && !layerSpecs[layerSpecs.Count - 1].Output.IsVector)
        {
            Report(DiagnosticDescriptors.OutputNotFlat, AttributeLocation(layers[layers.Count - 1], ct), name, layerSpecs[layerSpecs.Count - 1].Output.Describe());
        }

        if (layerSpecs.Count > 0 && layersValid)
        {
            ActivationKind last = layerSpecs[layerSpecs.Count - 1].Activation;
            Location? networkLocation = AttributeLocation(network, ct);
            if (loss == LossKind.BinaryCrossEntropy && last != ActivationKind.Sigmoid)
            {
                Report(DiagnosticDescriptors.BinaryCrossEntropyWithoutSigmoid, networkLocation, name, last.ToString());
            }
            if (loss == LossKind.CrossEntropy && last is not (ActivationKind.Softmax or ActivationKind.Identity))
            {
                Report(DiagnosticDescriptors.CrossEntropyWithoutSoftmax, networkLocation, name, last.ToString());
            }
        }

        if (failed)
        {
            InvalidNetworkSpec? placeholder = classAcceptsMembers ? new InvalidNetworkSpec(ReadHierarchy(symbol, syntax), BakesWeights: weights is not null) : null;
            return new ParseResult(null, diagnostics.ToImmutable(), Placeholder: placeholder);
        }

        var spec = new NetworkSpec(ReadHierarchy(symbol, syntax), loss, inputShape, new EquatableArray<LayerSpec>(layerSpecs.ToArray()));
        PretrainedRequest? pretrained = null;
        if (weights is not null && WeightsArgumentLocation(network, ct) is { SourceTree: { } tree } weightsLocation)
        {
            pretrained = new PretrainedRequest(spec, weights, tree.FilePath, weightsLocation.SourceSpan);
        }
        return new ParseResult(spec, diagnostics.ToImmutable(), pretrained);

        void CheckSize(string what, int size, Location? location)
        {
            if (size <= 0)
            {
                Report(DiagnosticDescriptors.SizeNotPositive, location, what, name, size);
            }
            else if (size > MaxLayerSize)
            {
                Report(DiagnosticDescriptors.SizeTooLarge, location, what, name, size, MaxLayerSize);
            }
        }
    }

    /// <summary>
    /// The checks on the class itself (partial, not static or generic, partial containers, C# 12, its name, its
    /// members): when one fails, the generator can add no member to the class at all.
    /// </summary>
    private static void CheckClass(INamedTypeSymbol symbol, TypeDeclarationSyntax syntax, Location classLocation, Action<DiagnosticDescriptor, Location?, object[]> report)
    {
        string name = symbol.Name;
        if (!syntax.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            report(DiagnosticDescriptors.ClassNotPartial, classLocation, new object[] { name });
        }
        if (symbol.IsStatic)
        {
            report(DiagnosticDescriptors.StaticNotSupported, classLocation, new object[] { name });
        }
        for (INamedTypeSymbol? t = symbol; t is not null; t = t.ContainingType)
        {
            if (t.TypeParameters.Length > 0)
            {
                report(DiagnosticDescriptors.GenericNotSupported, classLocation, new object[] { name });
                break;
            }
        }
        for (SyntaxNode? parent = syntax.Parent; parent is TypeDeclarationSyntax container; parent = parent.Parent)
        {
            if (!container.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                report(DiagnosticDescriptors.ContainingTypeNotPartial, container.Identifier.GetLocation(), new object[] { container.Identifier.ValueText, name });
            }
        }
        if (syntax.SyntaxTree.Options is CSharpParseOptions { LanguageVersion: < LanguageVersion.CSharp12 })
        {
            report(DiagnosticDescriptors.LanguageVersionTooLow, classLocation, new object[] { name });
        }

        if (ReservedTypeNames.Contains(name))
        {
            report(DiagnosticDescriptors.ReservedNetworkName, classLocation, new object[] { name });
        }
        CheckConflictingMembers(symbol, name, classLocation, report);
    }

    private static void CheckConflictingMembers(INamedTypeSymbol symbol, string name, Location classLocation, Action<DiagnosticDescriptor, Location?, object[]> report)
    {
        foreach (ISymbol member in symbol.GetMembers())
        {
            if (member.IsImplicitlyDeclared || member.Locations.Length == 0 || !member.Locations[0].IsInSource)
            {
                continue;
            }
            if (member is IMethodSymbol { MethodKind: MethodKind.Constructor } constructor)
            {
                if (constructor.Parameters.Length == 0
                    || (constructor.Parameters.Length == 1 && constructor.Parameters[0].Type.SpecialType == SpecialType.System_Int32))
                {
                    string signature = constructor.Parameters.Length == 0 ? $"{name}()" : $"{name}(int)";
                    report(DiagnosticDescriptors.ConflictingMember, member.Locations[0], new object[] { name, "constructor " + signature });
                }
            }
            else if (GeneratedMemberNames.Contains(member.Name))
            {
                report(DiagnosticDescriptors.ConflictingMember, member.Locations[0], new object[] { name, member.Name });
            }
        }

        // Inherited members the generated ones would hide (CS0108 in generated code, an error under warnings-as-errors).
        for (INamedTypeSymbol? type = symbol.BaseType; type is not null && type.SpecialType != SpecialType.System_Object; type = type.BaseType)
        {
            foreach (ISymbol member in type.GetMembers())
            {
                if (member.DeclaredAccessibility != Accessibility.Private && !member.IsImplicitlyDeclared
                    && member is not IMethodSymbol { MethodKind: MethodKind.Constructor }
                    && GeneratedMemberNames.Contains(member.Name))
                {
                    report(DiagnosticDescriptors.ConflictingMember, classLocation, new object[] { name, $"{member.Name} (from {type.Name})" });
                }
            }
        }
    }

    /// <summary>
    /// The class is generated from the declaration that carries its first [Network] attribute; the parser runs once
    /// per declaration with [Network] (a repeated one is CS0579), so the others must produce nothing.
    /// </summary>
    private static bool IsFirstNetworkDeclaration(INamedTypeSymbol symbol, SyntaxNode target, CancellationToken ct)
    {
        SyntaxReference? first = null;
        foreach (AttributeData attribute in symbol.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() != KnownTypeNames.NetworkAttribute || attribute.ApplicationSyntaxReference is not { } reference)
            {
                continue;
            }
            if (first is null || Compare(reference, first) < 0)
            {
                first = reference;
            }
        }
        // Attribute -> attribute list -> type declaration.
        return first is null || first.GetSyntax(ct).Parent?.Parent == target;
    }

    /// <summary>Source order of two attribute applications: by file, then by position.</summary>
    private static int Compare(SyntaxReference x, SyntaxReference y)
    {
        int byFile = string.CompareOrdinal(x.SyntaxTree.FilePath, y.SyntaxTree.FilePath);
        return byFile != 0 ? byFile : x.Span.Start.CompareTo(y.Span.Start);
    }

    /// <summary>Nested types every network contains; the class itself cannot have one of these names.</summary>
    public static readonly ImmutableHashSet<string> ReservedTypeNames = ImmutableHashSet.Create("Kernels", "InputVector", "OutputVector", "TrainingWorkspace");

    /// <summary>[Input]'s dimensions: one to three ints, or the params array; null when they are not ints.</summary>
    private static int[]? ReadDimensions(AttributeData input)
    {
        var arguments = input.ConstructorArguments;
        if (arguments.Length == 1 && arguments[0].Kind == TypedConstantKind.Array)
        {
            return arguments[0].Values.All(v => v.Value is int) ? arguments[0].Values.Select(v => (int)v.Value!).ToArray() : null;
        }
        return arguments.Length > 0 && arguments.All(a => a.Value is int) ? arguments.Select(a => (int)a.Value!).ToArray() : null;
    }

    private static bool HasErrors(AttributeData attribute) =>
        attribute.AttributeClass is null or IErrorTypeSymbol
        || attribute.AttributeConstructor is null
        || attribute.ConstructorArguments.Any(a => a.Kind == TypedConstantKind.Error)
        || attribute.NamedArguments.Any(a => a.Value.Kind == TypedConstantKind.Error);

    private static Location? AttributeLocation(AttributeData attribute, CancellationToken ct) =>
        attribute.ApplicationSyntaxReference?.GetSyntax(ct).GetLocation();

    /// <summary>The <c>Weights = "..."</c> argument of [Network].</summary>
    private static Location? WeightsArgumentLocation(AttributeData attribute, CancellationToken ct) =>
        (attribute.ApplicationSyntaxReference?.GetSyntax(ct) as AttributeSyntax)?.ArgumentList?.Arguments
            .FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == "Weights")?.GetLocation();

    private static TypeHierarchySpec ReadHierarchy(INamedTypeSymbol symbol, TypeDeclarationSyntax syntax)
    {
        var containers = new List<TypeDeclarationSpec>();
        for (SyntaxNode? parent = syntax.Parent; parent is TypeDeclarationSyntax container; parent = parent.Parent)
        {
            containers.Insert(0, new TypeDeclarationSpec(Keyword(container), Escape(container.Identifier.ValueText)));
        }
        string ns = symbol.ContainingNamespace.IsGlobalNamespace ? "" : symbol.ContainingNamespace.ToDisplayString(
            SymbolDisplayFormat.FullyQualifiedFormat.WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted));
        return new TypeHierarchySpec(
            ns,
            new EquatableArray<TypeDeclarationSpec>(containers.ToArray()),
            new TypeDeclarationSpec(Keyword(syntax), Escape(symbol.Name)),
            symbol.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            symbol.ToDisplayString());
    }

    /// <summary>A name as C# source: keywords get '@' (class @event).</summary>
    private static string Escape(string identifier) =>
        SyntaxFacts.GetKeywordKind(identifier) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(identifier) is SyntaxKind.RecordKeyword
            ? "@" + identifier
            : identifier;

    private static string Keyword(TypeDeclarationSyntax declaration) => declaration switch
    {
        RecordDeclarationSyntax record when record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) => "record struct",
        RecordDeclarationSyntax => "record",
        StructDeclarationSyntax => "struct",
        InterfaceDeclarationSyntax => "interface",
        _ => "class",
    };
}
