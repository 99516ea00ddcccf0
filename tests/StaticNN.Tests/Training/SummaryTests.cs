using System;
using StaticNN.Optimizers;
using StaticNN.Tests.Networks;
using StaticNN.Training;

namespace StaticNN.Tests.Training;

/// <summary>Keras' model.summary() for compiled networks, and the readable ToString of the training results.</summary>
public sealed class SummaryTests
{
    [Fact]
    public void Summary_OfTheFashionCnn_IsKerasTable_WithKerasParameterCounts()
    {
        // Keras' summary of the same network: 320, 0, 18,496, 0, 0, 204,928, 0, 1,290; total 225,034.
        string expected = """
            FashionCnnNet: loss CrossEntropy
            layer  kind                          output shape       parameters
            input                                (1, 28, 28)
            0      Conv2D 32, 3x3, ReLU          (32, 26, 26)              320
            1      MaxPool2D 2x2                 (32, 13, 13)
            2      Conv2D 64, 3x3, ReLU          (64, 11, 11)           18,496
            3      MaxPool2D 2x2                 (64, 5, 5)
            4      Flatten                       (1600)
            5      Dense 128, ReLU               (128)                 204,928
            6      Dropout 0.5                   (128)
            7      Dense 10, Softmax             (10)                    1,290
            parameters: 225,034 trainable (879.0 KB as float32)

            """;

        new FashionCnnNet(seed: 1).Summary().ReplaceLineEndings("\n").ShouldBe(expected.ReplaceLineEndings("\n"));
        NetworkSummary.Of<FashionCnnNet>().ShouldBe(new FashionCnnNet(seed: 2).Summary());
    }

    [Fact]
    public void Summary_CountsBatchNormStatisticsApart_AndNamesEachKindAsDeclared()
    {
        string summary = NetworkSummary.Of<ConvBatchNormDropoutNet>();

        summary.ShouldContain("0      Conv2D 9, 3x3                 (9, 4, 4)                 171");
        summary.ShouldContain("1      BatchNorm, momentum 0.99      (9, 4, 4)                  18");
        summary.ShouldContain("2      Activation ReLU               (9, 4, 4)");
        summary.ShouldContain("4      MaxPool2D 2x2, stride 1       (9, 3, 3)");
        summary.ShouldEndWith(", 18 running statistics (BatchNorm mean and variance, not trained)" + Environment.NewLine);
    }

    [Theory]
    [InlineData(typeof(ConvResidualNet), "3      Residual (+ layer 0)")]
    [InlineData(typeof(ConvRectangularNet), "0      Conv2D 16, 2x3, stride 2, SiLU")]
    [InlineData(typeof(ConvRectangularNet), "1      AvgPool2D 2x1 ")]
    [InlineData(typeof(ConvChannelTailsNet), "0      Conv2D 16, 3x3, Same, Sigmoid")]
    [InlineData(typeof(ConvChannelTailsNet), "1      MaxPool2D 3x3, stride 2")]
    [InlineData(typeof(ConvChannelTailsNet), "2      Conv2D 7, 2x2, Softplus, no bias")]
    [InlineData(typeof(ConvSameStride2Net), "1      Conv2D 17, 2x2, Same, ELU(1)")]
    [InlineData(typeof(ConvPoolChainNet), "0      Conv2D 15, 3x3, LeakyReLU(0.1)")]
    [InlineData(typeof(Conv1DNet), "2      Conv1D 9, 4, stride 2, Same, Tanh")]
    [InlineData(typeof(Conv1DNet), "1      MaxPool1D 2 ")]
    public void Summary_Row(Type network, string row)
    {
        string summary = network.Name switch
        {
            nameof(ConvResidualNet) => NetworkSummary.Of<ConvResidualNet>(),
            nameof(ConvRectangularNet) => NetworkSummary.Of<ConvRectangularNet>(),
            nameof(ConvChannelTailsNet) => NetworkSummary.Of<ConvChannelTailsNet>(),
            nameof(ConvSameStride2Net) => NetworkSummary.Of<ConvSameStride2Net>(),
            nameof(ConvPoolChainNet) => NetworkSummary.Of<ConvPoolChainNet>(),
            _ => NetworkSummary.Of<Conv1DNet>(),
        };

        summary.ShouldContain(row);
    }

    [Fact]
    public void EpochMetrics_ToString_IsAKerasEpochLine_WithoutTheMetricsNotMeasured()
    {
        var epoch = new EpochMetrics
        {
            Epoch = 2, Loss = 0.34123f, Accuracy = 0.87712f, ValidationLoss = 0.359f, ValidationAccuracy = 0.8702f,
            LearningRate = 0.001f, TotalTime = TimeSpan.FromMilliseconds(204),
        };

        epoch.ToString().ShouldBe("epoch 3: loss 0.3412 - accuracy 0.8771 - val_loss 0.3590 - val_accuracy 0.8702 - lr 0.001 (0.20 s)");
        new EpochMetrics { Epoch = 0, Loss = 2f, RootMeanSquaredError = 1.5f }.ToString().ShouldBe("epoch 1: loss 2.0000 - rmse 1.5000");
    }

    [Fact]
    public void EvaluationResult_ToString_IsOneLine()
    {
        new EvaluationResult { Count = 10_000, Loss = 0.3412f, Accuracy = 0.8771f }.ToString().ShouldBe("10,000 samples: loss 0.3412 - accuracy 0.8771");
        new EvaluationResult { Count = 30, Loss = 1f, MeanAbsoluteError = 0.5f, RootMeanSquaredError = 0.75f }.ToString()
            .ShouldBe("30 samples: loss 1.0000 - mae 0.5000 - rmse 0.7500");
    }

    [Fact]
    public void History_ToString_ListsTheEpochsAndHowTheRunEnded()
    {
        History history = new BlobNet(seed: 1).Fit(FitTests.Blobs(90, seed: 2), new FitOptions { Epochs = 3, Optimizer = new Adam(0.01f), ValidationSplit = 0.2 });

        string[] lines = history.ToString().ReplaceLineEndings("\n").Split('\n');
        lines.Length.ShouldBe(4);
        lines[0].ShouldStartWith("epoch 1: loss ");
        lines[2].ShouldStartWith("epoch 3: loss ");
        lines[3].ShouldBe("3 epochs");
        new History().ToString().ShouldBe("no epochs");
    }
}
