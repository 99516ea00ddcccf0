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
    public const string Conv2DAttribute = "StaticNN.Conv2DAttribute";
    public const string Conv1DAttribute = "StaticNN.Conv1DAttribute";
    public const string MaxPool2DAttribute = "StaticNN.MaxPool2DAttribute";
    public const string AvgPool2DAttribute = "StaticNN.AvgPool2DAttribute";
    public const string MaxPool1DAttribute = "StaticNN.MaxPool1DAttribute";
    public const string AvgPool1DAttribute = "StaticNN.AvgPool1DAttribute";
    public const string GlobalAveragePool2DAttribute = "StaticNN.GlobalAveragePool2DAttribute";
    public const string GlobalAveragePool1DAttribute = "StaticNN.GlobalAveragePool1DAttribute";
    public const string FlattenAttribute = "StaticNN.FlattenAttribute";
}
