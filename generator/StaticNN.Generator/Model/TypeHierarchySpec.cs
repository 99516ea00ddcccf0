namespace StaticNN.Generator.Model;

/// <summary>One type declaration to re-open in generated code: <c>partial {Keyword} {Name}</c>.</summary>
/// <remarks>Immutable; structural equality.</remarks>
internal sealed record TypeDeclarationSpec(string Keyword, string Name);

/// <summary>Where the network class lives: namespace, containing types (outermost first), and the class itself.</summary>
/// <remarks>Immutable; structural equality. Keep it that way when adding members.</remarks>
internal sealed record TypeHierarchySpec(
    string Namespace,
    EquatableArray<TypeDeclarationSpec> ContainingTypes,
    TypeDeclarationSpec Type,
    string FullyQualifiedName,
    string MetadataName);
