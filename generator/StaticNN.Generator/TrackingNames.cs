namespace StaticNN.Generator;

/// <summary>Names of the incremental pipeline steps; the incrementality tests look them up.</summary>
public static class TrackingNames
{
    /// <summary>The attribute transform: symbol to parse result (runs on every compilation by design).</summary>
    public const string Parse = nameof(Parse);

    /// <summary>The equatable network model, the cache key of the emitted source.</summary>
    public const string Spec = nameof(Spec);

    /// <summary>The diagnostics of each network.</summary>
    public const string Diagnostics = nameof(Diagnostics);

    /// <summary>Compilation-wide features.</summary>
    public const string Features = nameof(Features);

    /// <summary>A spec combined with the compilation features.</summary>
    public const string SpecWithFeatures = nameof(SpecWithFeatures);

    /// <summary>The AdditionalFiles that are weight files, decoded.</summary>
    public const string WeightFiles = nameof(WeightFiles);

    /// <summary>A network with <c>Weights = "..."</c> bound to its file: the baked blocks, or a problem.</summary>
    public const string PretrainedBinding = nameof(PretrainedBinding);

    /// <summary>The baked weights to emit (the cache key of the *.Pretrained.g.cs source).</summary>
    public const string PretrainedModel = nameof(PretrainedModel);

    /// <summary>The placeholder members of an invalid declaration (the cache key of its source).</summary>
    public const string Placeholder = nameof(Placeholder);

    /// <summary>Classes with [Input] or layer attributes but no [Network]: their SNN0018 and placeholder.</summary>
    public const string ParseWithoutNetwork = nameof(ParseWithoutNetwork);
}
