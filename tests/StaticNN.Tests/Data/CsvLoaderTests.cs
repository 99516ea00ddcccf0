using System;
using System.Globalization;
using System.IO;
using System.Threading;
using StaticNN.Data;

namespace StaticNN.Tests.Data;

public sealed class CsvLoaderTests
{
    private static Dataset Load(string text, CsvOptions? options = null) => CsvLoader.Load(new StringReader(text), options);

    private static CsvFormatException LoadFails(string text, CsvOptions? options = null) =>
        Should.Throw<CsvFormatException>(() => Load(text, options));

    [Fact]
    public void Header_IsSkippedAndLastColumnIsTheClassLabel()
    {
        Dataset data = Load("a,b,label\n1,2,x\n3.5,-4e1,y\n");

        data.Count.ShouldBe(2);
        data.FeatureSize.ShouldBe(2);
        data.Features.ToArray().ShouldBe([1f, 2f, 3.5f, -40f]);
        data.HasLabels.ShouldBeTrue();
        data.Labels.ToArray().ShouldBe([0, 1]);
        data.ClassNames.ShouldBe(["x", "y"]);
    }

    [Fact]
    public void NoHeader_FirstLineIsData()
    {
        Dataset data = Load("1,2,0\n3,4,1\n", new CsvOptions { HasHeader = false });

        data.Count.ShouldBe(2);
        data.Features.ToArray().ShouldBe([1f, 2f, 3f, 4f]);
        data.Labels.ToArray().ShouldBe([0, 1]);
    }

    [Fact]
    public void SemicolonDelimiter_SplitsOnSemicolonsOnly()
    {
        Dataset data = Load("a;b;c\n1.5;2;p\n3;4.25;q\n", new CsvOptions { Delimiter = ';' });

        data.FeatureSize.ShouldBe(2);
        data.Features.ToArray().ShouldBe([1.5f, 2f, 3f, 4.25f]);
        data.ClassNames.ShouldBe(["p", "q"]);
    }

    [Fact]
    public void LabelColumnByName_TakesThatColumnAndKeepsTheOthersInOrder()
    {
        Dataset data = Load("f1,kind,f2\n1,cat,2\n3,dog,4\n5,cat,6\n", new CsvOptions { LabelColumn = "kind" });

        data.FeatureSize.ShouldBe(2);
        data.Features.ToArray().ShouldBe([1f, 2f, 3f, 4f, 5f, 6f]);
        data.Labels.ToArray().ShouldBe([0, 1, 0]);
        data.ClassNames.ShouldBe(["cat", "dog"]);
    }

    [Fact]
    public void LabelColumnByIndex_TakesThatColumn()
    {
        Dataset data = Load("7,10,20\n8,30,40\n", new CsvOptions { HasHeader = false, LabelColumnIndex = 0 });

        data.Features.ToArray().ShouldBe([10f, 20f, 30f, 40f]);
        data.ClassNames.ShouldBe(["7", "8"]);
        data.Labels.ToArray().ShouldBe([0, 1]);
    }

    [Fact]
    public void StringClasses_DefaultMapIsSortedOrdinally()
    {
        Dataset data = Load("x,y\n1,zebra\n2,ant\n3,Moose\n4,ant\n");

        data.ClassNames.ShouldBe(["Moose", "ant", "zebra"]); // ordinal: upper case before lower case
        data.ClassCount.ShouldBe(3);
        data.Labels.ToArray().ShouldBe([2, 1, 0, 1]);
    }

    [Fact]
    public void IntegerClasses_DefaultMapIsSortedNumerically()
    {
        Dataset data = Load("x,y\n1,10\n2,2\n3,0\n4,2\n");

        data.ClassNames.ShouldBe(["0", "2", "10"]);
        data.Labels.ToArray().ShouldBe([2, 1, 0, 1]);
    }

    [Fact]
    public void FirstAppearanceOrder_NumbersClassesAsTheyAppear()
    {
        Dataset data = Load("x,y\n1,zebra\n2,ant\n3,zebra\n", new CsvOptions { ClassOrder = ClassOrder.FirstAppearance });

        data.ClassNames.ShouldBe(["zebra", "ant"]);
        data.Labels.ToArray().ShouldBe([0, 1, 0]);
    }

    [Fact]
    public void CallerProvidedClassNames_AreUsedAsTheMapEvenForAbsentClasses()
    {
        var options = new CsvOptions { ClassNames = ["c", "b", "a"] };

        Dataset data = Load("x,y\n1,a\n2,a\n3,c\n", options);

        data.ClassCount.ShouldBe(3);
        data.ClassNames.ShouldBe(["c", "b", "a"]);
        data.Labels.ToArray().ShouldBe([2, 2, 0]);
    }

    [Fact]
    public void TestSet_ReusesTheTrainingMap()
    {
        Dataset train = Load("x,y\n1,b\n2,a\n3,c\n");
        Dataset test = Load("x,y\n1,c\n2,b\n", new CsvOptions { ClassNames = train.ClassNames });

        test.ClassNames.ShouldBe(train.ClassNames);
        test.Labels.ToArray().ShouldBe([2, 1]);
    }

    [Fact]
    public void Regression_ReadsTheLabelColumnAsOneFloatTarget()
    {
        Dataset data = Load("x,y,t\n1,2,0.5\n3,4,-1.25\n", new CsvOptions { LabelKind = LabelKind.Regression });

        data.HasLabels.ShouldBeFalse();
        data.TargetSize.ShouldBe(1);
        data.Targets.ToArray().ShouldBe([0.5f, -1.25f]);
        data.Features.ToArray().ShouldBe([1f, 2f, 3f, 4f]);
        data.ClassNames.ShouldBeNull();
    }

    [Fact]
    public void QuotedFields_KeepDelimitersAndDoubledQuotes()
    {
        Dataset data = Load("\"f,1\",\"f\"\"2\",label\n\"1.5\",2,\"a,b\"\n3, \"4\" ,\"say \"\"hi\"\"\"\n");

        data.Features.ToArray().ShouldBe([1.5f, 2f, 3f, 4f]);
        data.ClassNames.ShouldBe(["a,b", "say \"hi\""]);
    }

    [Fact]
    public void QuotedField_MaySpanLines_AndLaterLineNumbersStayPhysical()
    {
        Dataset data = Load("x,y\n1,\"two\nlines\"\n2,b\n");
        data.ClassNames.ShouldBe(["b", "two\nlines"]);

        CsvFormatException error = LoadFails("x,y\n1,\"two\nlines\"\nbad,b\n");
        error.LineNumber.ShouldBe(4);
    }

    [Fact]
    public void BlankLines_AreIgnored()
    {
        Dataset data = Load("x,y\n\n1,a\n   \n2,b\n\n\n  \n");

        data.Count.ShouldBe(2);
        data.Features.ToArray().ShouldBe([1f, 2f]);
    }

    [Fact]
    public void CrLfLineEndingsAndByteOrderMark_AreHandled()
    {
        Dataset data = Load("\uFEFFx,y\r\n1,a\r\n2,b\r\n");

        data.Count.ShouldBe(2);
        data.ClassNames.ShouldBe(["a", "b"]);
    }

    [Fact]
    public void Numbers_ParseWithInvariantCultureUnderGermanCurrentCulture()
    {
        CultureInfo previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            CultureInfo.CurrentCulture.NumberFormat.NumberDecimalSeparator.ShouldBe(","); // the test is meaningless otherwise

            Dataset data = Load("x;y;label\n1.5;1e3;a\n-0.25;2.5E-1;b\n", new CsvOptions { Delimiter = ';' });

            data.Features.ToArray().ShouldBe([1.5f, 1000f, -0.25f, 0.25f]);
            CsvFormatException error = LoadFails("x;y;label\n1,5;2;a\n", new CsvOptions { Delimiter = ';' });
            error.LineNumber.ShouldBe(2);
            error.ColumnNumber.ShouldBe(1);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Iris_LoadsAs150x4With3Classes()
    {
        Dataset iris = CsvLoader.Load(Path.Combine(AppContext.BaseDirectory, "Data", "iris.csv"), new CsvOptions { LabelColumn = "species" });

        iris.Count.ShouldBe(150);
        iris.FeatureSize.ShouldBe(4);
        iris.ClassCount.ShouldBe(3);
        iris.ClassNames.ShouldBe(["setosa", "versicolor", "virginica"]);
        iris.GetFeatures(0).ToArray().ShouldBe([5.1f, 3.5f, 1.4f, 0.2f]);
        iris.Labels[0].ShouldBe(0);
        iris.Labels[149].ShouldBe(2);
        for (int c = 0; c < 3; c++)
        {
            iris.Labels.Count(c).ShouldBe(50);
        }
    }

    [Fact]
    public void TooFewColumns_ReportsLineAndFirstMissingColumn()
    {
        CsvFormatException error = LoadFails("a,b,c\n1,2,x\n3,4,y\n5,6\n");

        error.LineNumber.ShouldBe(4);
        error.ColumnNumber.ShouldBe(3);
        error.Message.ShouldStartWith("Line 4, column 3 ('c'):");
        error.Message.ShouldContain("expected 3 columns, found 2");
        error.ShouldBeAssignableTo<FormatException>();
    }

    [Fact]
    public void TooManyColumns_ReportsLine()
    {
        CsvFormatException error = LoadFails("1,2,x\n3,4,y,9\n", new CsvOptions { HasHeader = false });

        error.LineNumber.ShouldBe(2);
        error.ColumnNumber.ShouldBe(4);
        error.Message.ShouldStartWith("Line 2, column 4:");
        error.Message.ShouldContain("expected 3 columns, found 4");
    }

    [Fact]
    public void UnparsableNumber_ReportsLineColumnAndText()
    {
        CsvFormatException error = LoadFails("a,b,c\n1,2,x\n\n3,abc,y\n");

        error.LineNumber.ShouldBe(4); // the blank line still counts
        error.ColumnNumber.ShouldBe(2);
        error.ColumnName.ShouldBe("b");
        error.Message.ShouldStartWith("Line 4, column 2 ('b'):");
        error.Message.ShouldContain("'abc' is not a number");
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1e39")]
    public void NonFiniteNumber_IsRejected(string value)
    {
        CsvFormatException error = LoadFails($"a,b\n1,x\n{value},y\n");

        error.LineNumber.ShouldBe(3);
        error.ColumnNumber.ShouldBe(1);
        error.Message.ShouldContain("not a finite float");
    }

    [Fact]
    public void EmptyNumber_IsRejected()
    {
        CsvFormatException error = LoadFails("a,b,c\n1,,x\n");

        error.Message.ShouldStartWith("Line 2, column 2 ('b'):");
        error.Message.ShouldContain("empty");
    }

    [Fact]
    public void UnparsableRegressionTarget_IsRejected()
    {
        CsvFormatException error = LoadFails("a,t\n1,2\n2,big\n", new CsvOptions { LabelKind = LabelKind.Regression });

        error.Message.ShouldStartWith("Line 3, column 2 ('t'):");
    }

    [Fact]
    public void UnknownClassWithProvidedNames_ReportsLineAndClass()
    {
        CsvFormatException error = LoadFails("x,y\n1,a\n2,b\n3,z\n", new CsvOptions { ClassNames = ["a", "b"] });

        error.LineNumber.ShouldBe(4);
        error.ColumnNumber.ShouldBe(2);
        error.Message.ShouldStartWith("Line 4, column 2 ('y'):");
        error.Message.ShouldContain("unknown class 'z'");
    }

    [Fact]
    public void UnclosedQuote_ReportsTheLineWhereTheRecordStarts()
    {
        CsvFormatException error = LoadFails("x,y\n1,a\n2,\"b\n3,c\n");

        error.LineNumber.ShouldBe(3);
        error.Message.ShouldContain("not closed");
    }

    [Fact]
    public void TextAfterClosingQuote_IsRejected()
    {
        CsvFormatException error = LoadFails("x,y\n\"1\"2,a\n");

        error.Message.ShouldStartWith("Line 2, column 1 ('x'):");
    }

    [Fact]
    public void LoadFromPath_NamesTheFileInErrors()
    {
        string path = Path.Combine(Path.GetTempPath(), $"staticnn-csv-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "x,y\n1,a\n2,b,c\n");
        try
        {
            CsvFormatException error = Should.Throw<CsvFormatException>(() => CsvLoader.Load(path, new CsvOptions()));

            error.FilePath.ShouldBe(path);
            error.Message.ShouldStartWith($"Line 3, column 3 of '{path}':");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MissingLabelColumnName_IsAFormatErrorOnTheHeaderLine()
    {
        CsvFormatException error = LoadFails("\na,b\n1,2\n", new CsvOptions { LabelColumn = "label" });

        error.LineNumber.ShouldBe(2);
        error.Message.ShouldContain("no column named 'label'");
    }

    [Fact]
    public void HeaderWithoutRows_AndEmptyInput_AreFormatErrors()
    {
        LoadFails("a,b\n").Message.ShouldContain("no data rows");
        LoadFails("").Message.ShouldContain("empty");
    }

    [Fact]
    public void ContradictoryOptions_ThrowArgumentException()
    {
        Should.Throw<ArgumentException>(() => Load("a,b\n1,2\n", new CsvOptions { LabelColumn = "a", LabelColumnIndex = 0 }));
        Should.Throw<ArgumentException>(() => Load("1,2\n", new CsvOptions { HasHeader = false, LabelColumn = "a" }));
        Should.Throw<ArgumentException>(() => Load("a,b\n1,2\n", new CsvOptions { Delimiter = '"' }));
        Should.Throw<ArgumentException>(() => Load("a,b\n1,2\n", new CsvOptions { ClassNames = ["x", "x"] }));
        Should.Throw<ArgumentException>(() => Load("a,b\n1,2\n", new CsvOptions { LabelKind = LabelKind.Regression, ClassNames = ["x"] }));
        Should.Throw<ArgumentOutOfRangeException>(() => Load("a,b\n1,2\n", new CsvOptions { LabelColumnIndex = -1 }));
    }

    [Fact]
    public void LabelColumnIndexBeyondTheColumns_IsAFormatError()
    {
        CsvFormatException error = LoadFails("1,2\n", new CsvOptions { HasHeader = false, LabelColumnIndex = 2 });

        error.LineNumber.ShouldBe(1);
        error.Message.ShouldContain("LabelColumnIndex 2");
    }

    [Fact]
    public void ManyRows_GrowTheBuffersWithoutLosingData()
    {
        var text = new System.Text.StringBuilder("a,b,c\n");
        for (int i = 0; i < 1000; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i},{i * 0.5},{i % 7}\n");
        }

        Dataset data = Load(text.ToString());

        data.Count.ShouldBe(1000);
        data.GetFeatures(999).ToArray().ShouldBe([999f, 499.5f]);
        data.ClassCount.ShouldBe(7);
        data.Labels[999].ShouldBe(999 % 7);
    }
}
