using StaticNN;

namespace StaticNN.Benchmarks.FirstCall;

// S2 and S3 of the benchmark suite (benchmarks/StaticNN.Benchmarks/Networks.cs), declared again so that this small
// program compiles only what it measures.

/// <summary>S2: 16-64(tanh)-64(tanh)-8, mean squared error.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(16)]
[Dense(64, Activation.Tanh)]
[Dense(64, Activation.Tanh)]
[Dense(8)]
public partial class S2Net;

/// <summary>S3: 784-128(ReLU)-10(Softmax), cross-entropy.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(784)]
[Dense(128, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public partial class S3Net;
