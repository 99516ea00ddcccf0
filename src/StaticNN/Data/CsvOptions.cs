using System.Collections.Generic;

namespace StaticNN.Data;

/// <summary>How <see cref="CsvLoader"/> reads the label column.</summary>
public enum LabelKind
{
    /// <summary>
    /// Class labels (any text, e.g. <c>setosa</c> or <c>3</c>) mapped to class indices; the data set gets
    /// <see cref="Dataset.Labels"/> and <see cref="Dataset.ClassNames"/>.
    /// </summary>
    Class,

    /// <summary>A numeric target read as one float per sample (<see cref="Dataset.Targets"/>, target size 1).</summary>
    Regression,
}

/// <summary>How <see cref="CsvLoader"/> numbers the classes it discovers when no <see cref="CsvOptions.ClassNames"/> are given.</summary>
public enum ClassOrder
{
    /// <summary>
    /// Sorted, independent of row order: numerically when every label is an integer (so labels <c>0</c>..<c>9</c>
    /// map to classes 0..9), otherwise by ordinal (culture-independent) string comparison.
    /// </summary>
    Sorted,

    /// <summary>In the order in which each label first appears in the file.</summary>
    FirstAppearance,
}

/// <summary>Options for <see cref="CsvLoader"/>. A record, so <c>options with { ClassNames = train.ClassNames }</c> works.</summary>
public sealed record CsvOptions
{
    /// <summary>Whether the first non-blank line holds column names. Default <see langword="true"/>.</summary>
    public bool HasHeader { get; init; } = true;

    /// <summary>Field separator. Default <c>','</c>; must not be <c>'"'</c>, <c>'\r'</c> or <c>'\n'</c>.</summary>
    public char Delimiter { get; init; } = ',';

    /// <summary>
    /// Name of the label column (ordinal, case-sensitive match against the trimmed header names); requires
    /// <see cref="HasHeader"/>. Cannot be combined with <see cref="LabelColumnIndex"/>. When neither is set the
    /// last column is the label.
    /// </summary>
    public string? LabelColumn { get; init; }

    /// <summary>
    /// Zero-based index of the label column. When neither this nor <see cref="LabelColumn"/> is set the last
    /// column is the label.
    /// </summary>
    public int? LabelColumnIndex { get; init; }

    /// <summary>Whether the label column holds classes or a numeric regression target. Default <see cref="LabelKind.Class"/>.</summary>
    public LabelKind LabelKind { get; init; } = LabelKind.Class;

    /// <summary>
    /// A fixed class map for <see cref="LabelKind.Class"/>: the label text <c>ClassNames[i]</c> becomes class
    /// <c>i</c>, and a label not in the list is an error. Pass the training set's <see cref="Dataset.ClassNames"/>
    /// so a test set uses the same indices. When null (the default) the map is built from the file in
    /// <see cref="ClassOrder"/>.
    /// </summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>
    /// Most distinct class labels a load may discover when <see cref="ClassNames"/> is null. Default 10,000. One more is
    /// a <see cref="CsvFormatException"/>: so many classes usually mean the label column holds a numeric target
    /// (use <see cref="LabelKind.Regression"/>) or an identifier, and each discovered class costs memory (about
    /// 150 bytes plus its name) that a file of short unique labels could otherwise multiply without bound.
    /// </summary>
    public int MaxClassCount { get; init; } = 10_000;

    /// <summary>Order of the discovered class map when <see cref="ClassNames"/> is null. Default <see cref="ClassOrder.Sorted"/>.</summary>
    public ClassOrder ClassOrder { get; init; } = ClassOrder.Sorted;
}
