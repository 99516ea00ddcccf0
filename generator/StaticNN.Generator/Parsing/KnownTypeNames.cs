namespace StaticNN.Generator.Parsing;

/// <summary>Metadata names of the runtime types the generator matches; a test checks them against typeof(...).FullName.</summary>
internal static class KnownTypeNames
{
    public const string NetworkAttribute = "StaticNN.NetworkAttribute";
    public const string InputAttribute = "StaticNN.InputAttribute";
    public const string DenseAttribute = "StaticNN.DenseAttribute";
    public const string DropoutAttribute = "StaticNN.DropoutAttribute";
    public const string BatchNormAttribute = "StaticNN.BatchNormAttribute";
    public const string LayerNormAttribute = "StaticNN.LayerNormAttribute";
    public const string ActivationAttribute = "StaticNN.ActivationAttribute";
    public const string ResidualBeginAttribute = "StaticNN.ResidualBeginAttribute";
    public const string ResidualEndAttribute = "StaticNN.ResidualEndAttribute";
}
