using StaticNN;

// The two networks whose latency the sample measures.

/// <summary>
/// S2: a small regression network (16 -> 64 -> 64 -> 8, 5,768 parameters), trained on a synthetic task (--train). Its
/// trained weights are baked into the assembly at build time: <c>S2.CreatePretrained()</c> needs no file.
/// </summary>
[Network(Weights = "s2.safetensors")]
[Input(16)]
[Dense(64, Activation.Tanh)]
[Dense(64, Activation.Tanh)]
[Dense(8)]
public sealed partial class S2;

/// <summary>S3: an MNIST-sized classifier (784 -> 128 -> 10, 101,770 parameters); seeded random weights.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(784)]
[Dense(128, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public sealed partial class S3;

/// <summary>The fixed random function S2 learns in --train (a different architecture, so S2 does not start at the answer).</summary>
[Network]
[Input(16)]
[Dense(32, Activation.Tanh)]
[Dense(8)]
public sealed partial class Teacher;
