using System.IO;
using Spectre.Console;
using StaticNN.Data;

namespace StaticNN.Samples;

/// <summary>Fashion-MNIST from Debian's <c>dataset-fashion-mnist</c> package or a folder of the four IDX files.</summary>
internal static class FashionMnistData
{
    public const string DefaultFolder = "/usr/share/datasets/fashion-mnist";

    public static readonly string[] ClassNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    private static readonly string[] Files = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];

    /// <summary>The 60,000 training and 10,000 test images (pixels / 255), or false after saying how to get them.</summary>
    public static bool TryLoad(string folder, out Dataset train, out Dataset test)
    {
        train = test = null!;
        foreach (string file in Files)
        {
            if (!File.Exists(Path.Combine(folder, file)))
            {
                AnsiConsole.MarkupLine($"[red]Missing {Markup.Escape(Path.Combine(folder, file))}.[/]");
                AnsiConsole.MarkupLine($"Install the data set with [bold]sudo apt-get install dataset-fashion-mnist[/] (it goes to {DefaultFolder}),");
                AnsiConsole.MarkupLine("or pass the folder holding the four IDX files (raw or .gz) as the first argument.");
                return false;
            }
        }

        train = IdxLoader.Load(Path.Combine(folder, Files[0]), Path.Combine(folder, Files[1]));
        test = IdxLoader.Load(Path.Combine(folder, Files[2]), Path.Combine(folder, Files[3]));
        return true;
    }
}
