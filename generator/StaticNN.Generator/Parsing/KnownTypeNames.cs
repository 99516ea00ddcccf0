namespace StaticNN.Generator.Parsing;

/// <summary>Metadata names of the runtime types the generator matches; a test checks them against typeof(...).FullName.</summary>
internal static class KnownTypeNames
{
    public const string NetworkAttribute = "StaticNN.NetworkAttribute";
    public const string InputAttribute = "StaticNN.InputAttribute";
    public const string DenseAttribute = "StaticNN.DenseAttribute";
}
