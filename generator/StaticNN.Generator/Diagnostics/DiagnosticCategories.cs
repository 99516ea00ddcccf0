namespace StaticNN.Generator.Diagnostics;

internal static class DiagnosticCategories
{
    public const string Usage = "StaticNN.Usage";
    public const string Shape = "StaticNN.Shape";
    public const string Weights = "StaticNN.Weights";
    public const string Internal = "StaticNN.Internal";
}
