using Microsoft.CodeAnalysis;

namespace StaticNN.Generator.Diagnostics;

/// <summary>
/// Every diagnostic the generator reports. IDs are never reused: SNN0001-0099 declarations, SNN0100-0199 shapes, SNN0200-0299 baked weight files,
/// SNN9xxx internal errors. Each has a row in AnalyzerReleases and a page in docs/diagnostics.
/// </summary>
public static class DiagnosticDescriptors
{
    private const string HelpBase = "https://github.com/staticnn/staticnn/blob/main/docs/diagnostics/";

    public static readonly DiagnosticDescriptor ClassNotPartial = Create(
        "SNN0001", "Network class must be partial",
        "Network class '{0}' must be declared 'partial' so StaticNN can add the generated members",
        DiagnosticCategories.Usage, DiagnosticSeverity.Error,
        "The generator adds Predict, ComputeGradients and the kernels to the class; add the 'partial' modifier.");

    public static readonly DiagnosticDescriptor MissingInput = Create(
        "SNN0002", "Network has no [Input] attribute",
        "Network '{0}' has no [Input(size)] attribute; declare the number of inputs, e.g. [Input(4)]",
        DiagnosticCategories.Usage, DiagnosticSeverity.Error,
        "The input size is the start of the shape chain; every network needs exactly one [Input].");

    public static readonly DiagnosticDescriptor NoLayers = Create(
        "SNN0003", "Network has no layers",
        "Network '{0}' declares no layers; add at least one, e.g. [Dense(10, Activation.ReLU)]",
        DiagnosticCategories.Usage, DiagnosticSeverity.Error,
        "A network needs at least one layer after its [Input].");

    public static readonly DiagnosticDescriptor GenericNotSupported = Create(
        "SNN0004", "Generic network classes are not supported",
        "Network class '{0}' is generic or nested in a generic type; sizes must be fixed, so declare it without type parameters",
        DiagnosticCategories.Usage, DiagnosticSeverity.Error,
        "Generated kernels are specialised to one network; type parameters cannot change them.");

    public static readonly DiagnosticDescriptor StaticNotSupported = Create(
        "SNN0005", "Network class cannot be static",
        "Network class '{0}' is static; remove 'static', networks are instances holding their weights",
        DiagnosticCategories.Usage, DiagnosticSeverity.Error,
        "A network instance owns its parameter block.");

    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = Create(
        "SNN0006", "Containing type must be partial",
        "Type '{0}', which contains network '{1}', must be declared 'partial'",
        DiagnosticCategories.Usage, DiagnosticSeverity.Error,
        "Generated code re-opens every containing type; mark each one 'partial'.");

    public static readonly DiagnosticDescriptor InvalidAttributeArgument = Create(
        "SNN0007", "Attribute argument is not a valid constant",
        "An argument of [{0}] on '{1}' could not be evaluated as a constant; use literal values or const fields",
        DiagnosticCategories.Usage, DiagnosticSeverity.Error,
        "Network shapes are read at compile time, so every attribute argument must be a compile-time constant of the right type.");

    public static readonly DiagnosticDescriptor ConflictingMember = Create(
        "SNN0008", "Member conflicts with a generated member",
        "'{0}' declares or inherits '{1}', which StaticNN generates for networks; rename or remove it",
        DiagnosticCategories.Usage, DiagnosticSeverity.Error,
        "The generator adds constructors (), (int seed) and members such as Predict, Parameters, ComputeGradients, InputSize; the class must not declare them.");

    public static readonly DiagnosticDescriptor DuplicateInput = Create(
        "SNN0009", "Network has more than one [Input] attribute",
        "Network '{0}' has more than one [Input] attribute; keep exactly one",
        DiagnosticCategories.Usage, DiagnosticSeverity.Error,
        "A network has one input vector.");

    public static readonly DiagnosticDescriptor BinaryCrossEntropyWithoutSigmoid = Create(
        "SNN0010", "BinaryCrossEntropy without a Sigmoid output",
        "Network '{0}' uses BinaryCrossEntropy but its last layer's activation is {1}: its outputs are treated as logits and Predict returns logits, not probabilities; use Activation.Sigmoid on the last layer",
        DiagnosticCategories.Usage, DiagnosticSeverity.Warning,
        "BinaryCrossEntropy expects probabilities from a Sigmoid last layer; other outputs are passed through a sigmoid inside the loss (BCEWithLogits).");

    public static readonly DiagnosticDescriptor CrossEntropyWithoutSoftmax = Create(
        "SNN0011", "CrossEntropy on an output that is neither Softmax nor Identity",
        "Network '{0}' uses CrossEntropy but its last layer's activation is {1}: its outputs are treated as logits; use Activation.Softmax (probabilities) or Activation.Identity (logits)",
        DiagnosticCategories.Usage, DiagnosticSeverity.Warning,
        "CrossEntropy applies log-softmax to non-Softmax outputs; squashing them first with another activation limits what the network can express.");

    public static readonly DiagnosticDescriptor SoftmaxNotLast = Create(
        "SNN0012", "Softmax is only supported on the last layer",
        "Layer {0} of '{1}' uses Activation.Softmax, which is only supported on the last layer",
        DiagnosticCategories.Usage, DiagnosticSeverity.Error,
        "Softmax normalises the network's outputs into probabilities; hidden layers use element-wise activations.");

    public static readonly DiagnosticDescriptor LayersSplitAcrossDeclarations = Create(
        "SNN0013", "Layers are declared on more than one partial declaration",
        "Network '{0}' declares layers on more than one partial declaration, so their order is ambiguous; put all layer attributes on one declaration",
        DiagnosticCategories.Usage, DiagnosticSeverity.Error,
        "Layers are read in source order, which is only defined within one declaration.");

    public static readonly DiagnosticDescriptor AlphaUnused = Create(
        "SNN0014", "Alpha has no effect with this activation",
        "Layer {0} of '{1}' sets Alpha but its activation {2} does not use it; Alpha applies to LeakyReLU and ELU",
        DiagnosticCategories.Usage, DiagnosticSeverity.Warning,
        "Alpha is the negative slope of LeakyReLU and the scale of ELU.");

    public static readonly DiagnosticDescriptor LanguageVersionTooLow = Create(
        "SNN0015", "C# 12 or later is required",
        "Network '{0}' needs C# 12 or later (generated code uses inline arrays); set <LangVersion>12</LangVersion> or newer",
        DiagnosticCategories.Usage, DiagnosticSeverity.Error,
        "The typed InputVector/OutputVector are [InlineArray] structs, a C# 12 feature.");

    public static readonly DiagnosticDescriptor UndefinedEnumValue = Create(
        "SNN0016", "Value is not a defined member of its enum",
        "The {0} value {1} on '{2}' is not a defined StaticNN.{0}; use one of the named values",
        DiagnosticCategories.Usage, DiagnosticSeverity.Error,
        "A cast such as (Activation)42 compiles but names no activation or loss the generator can emit.");

    public static readonly DiagnosticDescriptor ReservedNetworkName = Create(
        "SNN0017", "Network class name is reserved",
        "Network class '{0}' has the name of a type StaticNN generates inside every network; rename the class",
        DiagnosticCategories.Usage, DiagnosticSeverity.Error,
        "Generated networks contain nested types named Kernels, InputVector, OutputVector and TrainingWorkspace; a member cannot have the name of its enclosing type.");

    public static readonly DiagnosticDescriptor MissingNetworkAttribute = Create(
        "SNN0018", "Layer attributes on a class without [Network]",
        "'{0}' has StaticNN's [{1}] but no [Network] attribute, so no network is generated; add [Network] to the class, e.g. [Network(Loss = Loss.CrossEntropy)]",
        DiagnosticCategories.Usage, DiagnosticSeverity.Error,
        "[Input] and the layer attributes only describe a network on a class marked [Network]; without it they are ignored.");

    public static readonly DiagnosticDescriptor SizeNotPositive = Create(
        "SNN0101", "Size must be positive",
        "{0} of '{1}' has size {2}; sizes must be at least 1",
        DiagnosticCategories.Shape, DiagnosticSeverity.Error,
        "Input and layer sizes are counts of values.");

    public static readonly DiagnosticDescriptor SizeTooLarge = Create(
        "SNN0102", "Size is larger than supported",
        "{0} of '{1}' has size {2}; StaticNN supports at most {3} values per layer (Predict keeps activations on the stack)",
        DiagnosticCategories.Shape, DiagnosticSeverity.Error,
        "Batch-1 inference keeps each layer's activations on the stack, so layer widths are limited.");

    public static readonly DiagnosticDescriptor TooManyParameters = Create(
        "SNN0103", "Network has too many parameters",
        "Network '{0}' has {1} parameters; StaticNN supports at most {2}",
        DiagnosticCategories.Shape, DiagnosticSeverity.Error,
        "Parameters live in one contiguous block indexed by int; very large networks are out of scope for compiled kernels.");

    public static readonly DiagnosticDescriptor AlphaNotFinite = Create(
        "SNN0104", "Alpha must be a finite number",
        "Layer {0} of '{1}' sets Alpha to {2}; it must be finite",
        DiagnosticCategories.Shape, DiagnosticSeverity.Error,
        "An infinite slope or scale makes every output infinite or NaN.");

    public static readonly DiagnosticDescriptor DropoutRateOutOfRange = Create(
        "SNN0105", "Dropout rate must be in [0, 1)",
        "Layer {0} of '{1}' has dropout rate {2}; it must be at least 0 and below 1",
        DiagnosticCategories.Shape, DiagnosticSeverity.Error,
        "The rate is the fraction of values dropped in training; 1 would drop everything.");

    public static readonly DiagnosticDescriptor ResidualSizeMismatch = Create(
        "SNN0106", "Residual block changes the size",
        "The residual block ending at layer {0} of '{1}' takes {2} values but produces {3}; x + f(x) needs equal sizes",
        DiagnosticCategories.Shape, DiagnosticSeverity.Error,
        "A residual block adds its input to its output, so the layers inside must end with the size they started with.");

    public static readonly DiagnosticDescriptor ResidualUnbalanced = Create(
        "SNN0107", "Residual markers do not pair up",
        "'{0}' has a [{1}] without a matching [{2}]",
        DiagnosticCategories.Shape, DiagnosticSeverity.Error,
        "Every [ResidualBegin] needs a later [ResidualEnd] and the other way round; blocks may nest and must contain at least one layer.");

    public static readonly DiagnosticDescriptor LayerSettingOutOfRange = Create(
        "SNN0108", "Layer setting out of range",
        "Layer {0} of '{1}' sets {2} to {3}; {4}",
        DiagnosticCategories.Shape, DiagnosticSeverity.Error,
        "L2 must be finite and at least 0; BatchNorm momentum must be in [0, 1); epsilon must be positive and finite.");

    public static readonly DiagnosticDescriptor InputRankNotSupported = Create(
        "SNN0109", "Input has an unsupported number of dimensions",
        "The input of '{0}' has {1} dimensions ({2}); StaticNN supports 1 (features), 2 (rows, columns) or 3 (channels, height, width)",
        DiagnosticCategories.Shape, DiagnosticSeverity.Error,
        "Samples are vectors, (channels, length) or (height, width) grids, or (channels, height, width) images; a batch dimension is implicit and not declared.");

    public static readonly DiagnosticDescriptor LayerNeedsSpatialInput = Create(
        "SNN0110", "Layer needs a spatial input",
        "Layer {0} of '{1}' is {2}, which needs a {3} input, but it receives {4}",
        DiagnosticCategories.Shape, DiagnosticSeverity.Error,
        "2-D layers read (channels, height, width) or (height, width) samples, 1-D layers (channels, length) or (channels, length) as [Input(channels, length)]; after Flatten, Dense or a global pool the sample is a vector.");

    public static readonly DiagnosticDescriptor LayerNeedsFlatInput = Create(
        "SNN0111", "Layer needs a flat input",
        "Layer {0} of '{1}' is {2}, which needs a flat (1-D) input, but it receives {3}; add [Flatten] before it (or [GlobalAveragePool2D] to average each channel)",
        DiagnosticCategories.Shape, DiagnosticSeverity.Error,
        "Dense and LayerNorm work on vectors; a multi-dimensional sample must be flattened first, as PyTorch's nn.Flatten and Keras' Flatten do.");

    public static readonly DiagnosticDescriptor WindowLargerThanInput = Create(
        "SNN0112", "Window larger than its input",
        "Layer {0} of '{1}' has a {2} {3}, larger than its {4} input, so it produces no output; {5}",
        DiagnosticCategories.Shape, DiagnosticSeverity.Error,
        "Without padding, a convolution kernel or a pooling window must fit inside the input on every axis.");

    public static readonly DiagnosticDescriptor SamePaddingAsymmetric = Create(
        "SNN0113", "Same padding cannot be symmetric",
        "Layer {0} of '{1}' pads {2} for Padding.Same: its {3} kernel with stride {4} needs an odd total of {5}, so the extra one goes at the {6}, as Keras and PyTorch's padding='same' do; {7}",
        DiagnosticCategories.Shape, DiagnosticSeverity.Warning,
        "Same padding adds kernel - 1 zeros per axis (stride 1); with an even kernel they cannot be split evenly. StaticNN puts the extra one after the input (bottom, right), which is what Keras and PyTorch do, so weights trained there give the same outputs.");

    public static readonly DiagnosticDescriptor OutputNotFlat = Create(
        "SNN0114", "Network output is not flat",
        "The last layer of '{0}' produces {1}; outputs and targets are flat vectors, so end with [Flatten] (or [GlobalAveragePool2D])",
        DiagnosticCategories.Shape, DiagnosticSeverity.Error,
        "Predict, the losses and the metrics take one flat vector per sample.");

    public static readonly DiagnosticDescriptor TensorTooLarge = Create(
        "SNN0115", "Layer output too large",
        "Layer {0} of '{1}' produces {2}, {3} values per sample; StaticNN supports at most {4} values per layer",
        DiagnosticCategories.Shape, DiagnosticSeverity.Error,
        "Each sample's activations must fit the training workspace and the inference scratch; shrink the layer or pool earlier.");

    public static readonly DiagnosticDescriptor WeightsFileNotFound = Create(
        "SNN0201", "Weight file not found",
        "Network '{0}' bakes weights from '{1}', but {2}; add <AdditionalFiles Include=\"{1}\" /> to the project (the path is relative to the project directory)",
        DiagnosticCategories.Weights, DiagnosticSeverity.Error,
        "[Network(Weights = \"...\")] names a safetensors file that the project must pass to the compiler as an AdditionalFiles item.");

    public static readonly DiagnosticDescriptor WeightsFileUnreadable = Create(
        "SNN0202", "Weight file cannot be read",
        "Network '{0}' cannot bake weights from '{1}': {2}",
        DiagnosticCategories.Weights, DiagnosticSeverity.Error,
        "The weight file must be a valid safetensors file, encoded for the generator by StaticNN's build targets (they come with the package).");

    public static readonly DiagnosticDescriptor WeightsMismatch = Create(
        "SNN0203", "Weight file does not match the network",
        "Weight file '{1}' does not match network '{0}': {2}",
        DiagnosticCategories.Weights, DiagnosticSeverity.Error,
        "Every layer's tensors must be in the file, as F32 with the layer's PyTorch shape (weight[out, in]), and every tensor of the file must belong to a layer.");

    public static readonly DiagnosticDescriptor WeightsTooLarge = Create(
        "SNN0204", "Weight file too large to bake",
        "Network '{0}' cannot bake weights from '{1}': {2}; load such a network at run time instead (for example from an EmbeddedResource stream with network.Load(stream))",
        DiagnosticCategories.Weights, DiagnosticSeverity.Error,
        "Baked weights become constant data in the assembly; above 16 MiB, loading them at run time is the better trade.");

    public static readonly DiagnosticDescriptor WeightsNotFinite = Create(
        "SNN0205", "Weight file holds a value that is not finite",
        "Weight file '{1}' of network '{0}' has {4} in tensor {2} at {3}; every baked weight must be a finite number",
        DiagnosticCategories.Weights, DiagnosticSeverity.Error,
        "A NaN or infinite weight makes every prediction NaN; it usually comes from a diverged training run.");

    public static readonly DiagnosticDescriptor InternalError = Create(
        "SNN9001", "StaticNN generator internal error",
        "StaticNN could not generate '{0}' ({1}); please report this with the declaration",
        DiagnosticCategories.Internal, DiagnosticSeverity.Error,
        "An unexpected exception in the generator; no code was generated for this network.");

    /// <summary>The weight-file descriptors by ID (the binder reports problems by ID).</summary>
    public static DiagnosticDescriptor WeightsDescriptor(string id) => id switch
    {
        "SNN0201" => WeightsFileNotFound,
        "SNN0202" => WeightsFileUnreadable,
        "SNN0203" => WeightsMismatch,
        "SNN0204" => WeightsTooLarge,
        _ => WeightsNotFinite,
    };

    private static DiagnosticDescriptor Create(string id, string title, string message, string category, DiagnosticSeverity severity, string description) =>
        new(id, title, message, category, severity, isEnabledByDefault: true, description: description, helpLinkUri: HelpBase + id + ".md");
}
