using System.Text.Json;

namespace Lsgd.Cli.Tests;

/// <summary>
/// <c>--separator</c>, <c>--decimal-comma</c> and <c>--missing</c> on every command that reads CSV: the same file
/// written with ';' or tab, or with a decimal comma, gives the same result as the comma-separated original.
/// </summary>
public sealed class CsvFormatCommandTest
{
    // y = 2x + 1 exactly; z = x², a third column for pca and a label for classify.
    private const string Comma = "x,y,z,label\n1,3,1,a\n2,5,4,a\n3,7,9,b\n4,9,16,b\n5,11,25,b\n6,13,36,a\n";

    private static string Write(TempFolder t, string name, char separator) =>
        t.File(name, Comma.Replace(',', separator));

    public static TheoryData<string, string[]> Commands() => new()
    {
        { "fit", ["--target", "y", "--features", "x", "--method", "exact", "--json"] },
        { "curve", ["--x", "x", "--y", "y", "--degree", "1", "--json"] },
        { "pca", ["--features", "x,z", "--json"] },
        { "classify", ["--target", "label", "--features", "x,z", "--method", "exact", "--json"] },
    };

    private static string Result(CliRunner.Result r, string file)
    {
        Assert.True(r.ExitCode == 0, r.Error);
        // The numbers, not the file name the document also holds, nor timings.
        var node = System.Text.Json.Nodes.JsonNode.Parse(r.Output)!.AsObject();
        foreach (var name in node.Select(p => p.Key).Where(k => k.Contains("seconds", StringComparison.Ordinal)).ToList())
            node.Remove(name);
        return node.ToJsonString().Replace(JsonSerializer.Serialize(file)[1..^1], "DATA", StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void SemicolonAndTabFilesGiveTheCommaResultWithTheFlagAndWithoutIt(string command, string[] flags)
    {
        using var t = new TempFolder();
        string comma = Write(t, "comma.csv", ',');
        string expected = Result(CliRunner.Run([command, comma, .. flags]), comma);
        Assert.Equal(expected, Result(CliRunner.Run([command, comma, .. flags, "--separator", ","]), comma));
        foreach (var (separator, flag) in new[] { (';', ";"), (';', "semicolon"), ('\t', "tab"), ('\t', "\\t"), ('|', "|") })
        {
            string file = Write(t, "other.txt", separator);
            Assert.Equal(expected, Result(CliRunner.Run([command, file, .. flags, "--separator", flag]), file));
            if (separator != '|')   // ',' ';' and tab are detected from the header line
                Assert.Equal(expected, Result(CliRunner.Run([command, file, .. flags]), file));
        }
    }

    [Fact]
    public void DecimalCommaReadsEuropeanNumbers()
    {
        using var t = new TempFolder();
        string european = t.File("eu.csv", "x;y\n1,5;4\n2,5;6\n3,5;8\n4,5;10\n");
        var r = CliRunner.Run("fit", european, "--target", "y", "--method", "exact", "--decimal-comma", "--json");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal(2, r.Json.GetProperty("coefficients")[0].GetDouble(), 12);
        Assert.Equal(1, r.Json.GetProperty("intercept").GetDouble(), 12);
        // Without the flag the cell is named and the flag suggested.
        var refused = CliRunner.Run("fit", european, "--target", "y");
        Assert.Equal($"lsgd: error: {european}, line 2, column 1 ('x'): '1,5' is not a number. It looks like a decimal comma: add --decimal-comma.", refused.Error.Trim());
    }

    [Fact]
    public void PredictReadsAndWritesWithTheGivenSeparator()
    {
        using var t = new TempFolder();
        string model = t.File("m.json");
        Assert.Equal(0, CliRunner.Run("fit", Write(t, "train.csv", ','), "--target", "y", "--features", "x", "--method", "exact", "--output", model).ExitCode);
        var r = CliRunner.Run("predict", model, Write(t, "new.csv", ';'), "--separator", ";");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal("y\n3\n5\n7\n9\n11\n13\n", r.Output.Replace("\r", ""));
    }

    [Fact]
    public void FinetuneAcceptsTheSeparatorFlag()
    {
        // The encoder is not needed to see the flag parsed: the missing file is reported, not the flag.
        var r = CliRunner.Run("finetune", "/nonexistent/texts.csv", "--text", "t", "--target", "y", "--separator", ";");
        Assert.Equal(2, r.ExitCode);
        Assert.DoesNotContain("--separator", r.Error);
    }

    [Fact]
    public void MissingValuesInTheFirstRowAreErrorsByDefaultAndDroppedOnRequest()
    {
        using var t = new TempFolder();
        string csv = t.File("na.csv", "a,b,y\nNA,1,5\n1,2,7\n2,3,9\n4,1,8\n5,,1\n3,3,N/A\n7,2,4\n");
        var refused = CliRunner.Run("fit", csv, "--target", "y");
        Assert.Equal($"lsgd: error: {csv}, line 2, column 1 ('a'): 'NA' is a missing value. Fill it in, or skip rows with missing values with --missing drop.", refused.Error.Trim());

        // Dropping gives the fit of the complete rows, with both columns (a is not dropped for its NA).
        string complete = t.File("complete.csv", "a,b,y\n1,2,7\n2,3,9\n4,1,8\n7,2,4\n");
        var dropped = CliRunner.Run("fit", csv, "--target", "y", "--missing", "drop", "--method", "exact", "--json");
        var expected = CliRunner.Run("fit", complete, "--target", "y", "--method", "exact", "--json");
        Assert.True(dropped.ExitCode == 0, dropped.Error);
        Assert.Equal(4, dropped.Json.GetProperty("rows").GetInt32());
        Assert.Equal(["a", "b"], dropped.Json.GetProperty("features").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(expected.Json.GetProperty("coefficients").ToString(), dropped.Json.GetProperty("coefficients").ToString());

        // Streamed the same.
        var streamed = CliRunner.Run("fit", csv, "--target", "y", "--missing", "drop", "--engine", "stream", "--method", "exact", "--json");
        Assert.True(streamed.ExitCode == 0, streamed.Error);
        Assert.Equal(4, streamed.Json.GetProperty("rows").GetInt32());
    }

    [Fact]
    public void ClassifyDropsRowsWithAMissingFeatureOrLabelTogether()
    {
        using var t = new TempFolder();
        string csv = t.File("c.csv", "x,label\n1,a\nNA,b\n2,a\n3,\n10,b\n11,b\n12,b\n");
        var r = CliRunner.Run("classify", csv, "--target", "label", "--missing", "drop", "--method", "exact", "--json");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal(5, r.Json.GetProperty("rows").GetInt32());
        Assert.Equal(1.0, r.Json.GetProperty("accuracy").GetDouble());
    }

    [Fact]
    public void PcaPlotColoursTheRowsLeftAfterDroppingMissingValues()
    {
        using var t = new TempFolder();
        string csv = t.File("g.csv", "a,b,g\n1,2,p\nNA,3,q\n2,5,p\n3,4,\n5,1,p\n4,4,q\n");
        string png = Path.Combine(t.Path, "p.png");
        var r = CliRunner.Run("pca", csv, "--label", "g", "--missing", "drop", "--plot", png);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.True(new FileInfo(png).Length > 1000);
    }
}
