using System.Text.Json;

namespace Lsgd.Cli.Tests;

public class ApplicationCommandsTest
{
    private static string Iris => Path.Combine(CliRunner.RepositoryRoot(), "examples", "04-classifier", "iris.csv");

    private static double[] Doubles(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetDouble())];

    [Fact]
    public void PcaOfIrisMatchesScikitLearn()
    {
        // scikit-learn PCA(n_components=2) on load_iris().data: explained_variance_ratio_ = [0.92461872, 0.05306648],
        // components_ = [[0.36138659, −0.08452251, 0.85667061, 0.3582892], [0.65658877, 0.73016143, −0.17337266, −0.07548102]].
        var r = CliRunner.Run("pca", Iris, "--components", "2", "--json");
        Assert.Equal(0, r.ExitCode);
        var j = r.Json;
        var components = j.GetProperty("components");
        Assert.Equal(2, components.GetArrayLength());                 // K rows …
        Assert.Equal(4, components[0].GetArrayLength());              // … of d loadings
        Assert.Equal([0.92461872, 0.05306648], Doubles(j.GetProperty("explained_variance_ratio")), (a, b) => Math.Abs(a - b) < 5e-9);
        Assert.Equal([0.36138659, -0.08452251, 0.85667061, 0.3582892], Doubles(components[0]), (a, b) => Math.Abs(a - b) < 5e-9);
        Assert.Equal([0.65658877, 0.73016143, -0.17337266, -0.07548102], Doubles(components[1]), (a, b) => Math.Abs(a - b) < 5e-9);
        Assert.Equal(4.22824171, j.GetProperty("explained_variance")[0].GetDouble(), 5e-9);
        Assert.Equal(["sepal_length", "sepal_width", "petal_length", "petal_width"], j.GetProperty("features").EnumerateArray().Select(e => e.GetString()));
        Assert.True(j.GetProperty("converged").GetBoolean());
        Assert.Equal("subspace", j.GetProperty("method").GetString());
    }

    [Fact]
    public void PcaStreamedAndByGradientDescentAgreeWithInMemory()
    {
        var memory = CliRunner.Run("pca", Iris, "--json").Json;
        var streamed = CliRunner.Run("pca", Iris, "--stream", "--json").Json;
        var gd = CliRunner.Run("pca", Iris, "--method", "gd", "--json").Json;
        var expected = Doubles(memory.GetProperty("components")[1]);
        Assert.Equal(expected, Doubles(streamed.GetProperty("components")[1]), (a, b) => Math.Abs(a - b) < 1e-9);
        Assert.Equal(expected, Doubles(gd.GetProperty("components")[1]), (a, b) => Math.Abs(a - b) < 1e-7);
        Assert.True(gd.GetProperty("iterations").GetInt32() > memory.GetProperty("iterations").GetInt32());
    }

    [Fact]
    public void PcaPlotColouredByLabelIsAPng()
    {
        using var temp = new TempFolder();
        string png = temp.File("iris.png");
        var r = CliRunner.Run("pca", Iris, "--label", "species", "--plot", png);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Plot written to", r.Output);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(png).Take(4));
        Assert.Equal(["iris.png"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));   // no temporary file left behind
    }

    [Fact]
    public void PcaWithTooManyComponentsNamesTheFlag()
    {
        var r = CliRunner.Run("pca", Iris, "--components", "5");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("lsgd: error: --components 5 is not allowed: it must be at most the number of features (4). Try 2, or add feature columns.", r.Error.Trim());
    }

    [Fact]
    public void ClassifyIrisReportsTrainingAccuracyAndSaysSo()
    {
        var j = CliRunner.Run("classify", Iris, "--target", "species", "--json").Json;
        Assert.Equal("training", j.GetProperty("evaluated_on").GetString());
        Assert.Equal(["setosa", "versicolor", "virginica"], j.GetProperty("classes").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(127.0 / 150, j.GetProperty("accuracy").GetDouble(), 12);   // the exact fit's count (see the core test)
        var confusion = j.GetProperty("confusion");
        Assert.Equal(3, confusion.GetArrayLength());
        Assert.Equal([50, 0, 0], confusion[0].EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(150, confusion.EnumerateArray().Sum(row => row.EnumerateArray().Sum(e => e.GetInt32())));
        Assert.Equal(JsonValueKind.Null, j.GetProperty("test_accuracy").ValueKind);
    }

    [Fact]
    public void ClassifyWithATestFractionEvaluatesOnHeldOutRows()
    {
        var j = CliRunner.Run("classify", Iris, "--target", "species", "--test-fraction", "0.3", "--seed", "1", "--json").Json;
        Assert.Equal("test", j.GetProperty("evaluated_on").GetString());
        Assert.Equal(45, j.GetProperty("test_rows").GetInt32());
        Assert.Equal(105, j.GetProperty("training_rows").GetInt32());
        Assert.Equal(45, j.GetProperty("confusion").EnumerateArray().Sum(row => row.EnumerateArray().Sum(e => e.GetInt32())));
        Assert.Equal(j.GetProperty("test_accuracy").GetDouble(), j.GetProperty("accuracy").GetDouble());
    }

    [Fact]
    public void ClassifySeparableTextLabelsIsPerfect()
    {
        using var temp = new TempFolder();
        var lines = new List<string> { "x,y,colour" };
        for (int i = 0; i < 30; i++)
        {
            double jitter = (i % 5) * 0.1;
            lines.Add(FormattableString.Invariant($"{jitter},{-jitter},\"dark red\""));
            lines.Add(FormattableString.Invariant($"{10 + jitter},{jitter},green"));
            lines.Add(FormattableString.Invariant($"{-jitter},{10 - jitter},blue"));
        }
        string csv = temp.File("blobs.csv", string.Join("\n", lines) + "\n\n");
        var r = CliRunner.Run("classify", csv, "--target", "colour");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Accuracy on the training rows: 1 (90 of 90).", r.Output);
        var j = CliRunner.Run("classify", csv, "--target", "colour", "--method", "gd", "--json").Json;
        Assert.Equal(1.0, j.GetProperty("accuracy").GetDouble());
        Assert.Equal(["blue", "dark red", "green"], j.GetProperty("classes").EnumerateArray().Select(e => e.GetString()));
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("exact")]
    [InlineData("cg")]
    [InlineData("gd")]
    public void ClassifyNamesAnAllZeroColumnAndOneConstantOnlyInTheTrainingRowsAndFitsOn(string method)
    {
        // A digits-like table: 'blank' is 0 everywhere, 'rare' is 1 in one row only, which seed 1 holds out.
        using var temp = new TempFolder();
        var lines = new List<string> { "x,blank,y,rare,colour" };
        for (int i = 0; i < 30; i++)
        {
            double jitter = (i % 5) * 0.1;
            lines.Add(FormattableString.Invariant($"{jitter},0,{-jitter},{(i == 0 ? 1 : 0)},dark red"));
            lines.Add(FormattableString.Invariant($"{10 + jitter},0,{jitter},0,green"));
            lines.Add(FormattableString.Invariant($"{-jitter},0,{10 - jitter},0,blue"));
        }
        string csv = temp.File("pixels.csv", string.Join("\n", lines) + "\n");
        string[] args = ["classify", csv, "--target", "colour", "--test-fraction", "0.3", "--seed", "1", "--method", method];
        var json = CliRunner.Run([.. args, "--json"]);
        Assert.Equal(0, json.ExitCode);
        Assert.Equal("", json.Error);   // with --json, rank and aliased say it
        Assert.Equal(3, json.Json.GetProperty("rank").GetInt32());   // x, y and the intercept
        Assert.Equal(["blank", "rare"], json.Json.GetProperty("aliased").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(1.0, json.Json.GetProperty("accuracy").GetDouble());
        // Plain gd stops by the article's |ΔJ| rule here (on the mean loss), before its gap is certified, and says so.
        Assert.Equal(method != "gd", json.Json.GetProperty("converged").GetBoolean());
        var text = CliRunner.Run(args);
        Assert.Equal(0, text.ExitCode);
        Assert.StartsWith("lsgd: warning: the columns are linearly dependent (rank 3 of 5 parameters per class): 'blank', 'rare' are aliased", text.Error);
        Assert.Contains("'rare' is constant in the training rows only: it varies in the held-out rows", text.Error);
        Assert.Contains("Accuracy on the 27 held-out rows: 1 (27 of 27)", text.Output);
    }

    [Fact]
    public void ClassifyNamesTheLineOfAnEmptyLabel()
    {
        using var temp = new TempFolder();
        string csv = temp.File("gap.csv", "a,label\n1,x\n2,\n3,y\n");
        var r = CliRunner.Run("classify", csv, "--target", "label");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal($"lsgd: error: {csv}, line 3, column 2 ('label'): the label is missing. Fill it in or remove the row, or skip rows with missing values with --missing drop.", r.Error.Trim());
    }

    [Fact]
    public void ClassifyRefusesAMeasurementAsTheLabel()
    {
        var r = CliRunner.Run("classify", CliRunner.Nist("Norris"), "--target", "y");
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("lsgd: error: The column 'y' has 30 different values in 36 rows: it looks like a measurement, not a class.", r.Error);
    }

    [Fact]
    public void ClassifyRefusesATestFractionOfOne()
    {
        var r = CliRunner.Run("classify", Iris, "--target", "species", "--test-fraction", "1");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("lsgd: error: --test-fraction 1 is not allowed: it must be a number in [0, 1). Try 0.3, or 0 to train on every row.", r.Error.Trim());
    }
}
