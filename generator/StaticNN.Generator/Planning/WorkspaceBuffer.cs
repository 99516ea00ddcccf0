namespace StaticNN.Generator.Planning;

/// <summary>
/// One array of the training workspace beyond a layer's outputs and deltas (which every layer has): dropout masks,
/// normalised values, transposed weights. Sized per sample (times the batch capacity) or fixed.
/// </summary>
/// <param name="Name">The field name, e.g. <c>Mask1</c>.</param>
/// <param name="Doc">Its summary.</param>
/// <param name="PerSample">Floats per sample (the array holds capacity times this); 0 for a fixed-size array.</param>
/// <param name="FixedLength">Floats of a fixed-size array (when <paramref name="PerSample"/> is 0).</param>
internal sealed record WorkspaceBuffer(string Name, string Doc, int PerSample, int FixedLength = 0)
{
    public static WorkspaceBuffer PerSampleRows(string name, string doc, int floats) => new(name, doc, floats);

    public static WorkspaceBuffer Fixed(string name, string doc, int floats) => new(name, doc, 0, floats);
}
