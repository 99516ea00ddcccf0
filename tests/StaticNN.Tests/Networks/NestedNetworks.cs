namespace StaticNN.Tests.Networks;

// Declaration forms the generator must support: nested in partial types, a record, a non-sealed class.
public static partial class Containers
{
    public partial struct Inner
    {
        [Network(Loss = Loss.CrossEntropy)]
        [Input(4)]
        [Dense(10, Activation.ReLU)]
        [Dense(3, Activation.Softmax)]
        public partial class NestedIris;
    }
}

[Network(Loss = Loss.MeanSquaredError)]
[Input(2)]
[Dense(3, Activation.Tanh)]
public partial record RecordNet;

[Network]
[Input(3)]
[Dense(2)]
public partial class OpenNet;
