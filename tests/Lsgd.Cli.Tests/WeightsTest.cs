using System.Globalization;
using Lsgd.IO;
using Lsgd.Testing;
using Parquet;
using Parquet.Schema;

namespace Lsgd.Cli.Tests;

/// <summary>
/// <c>lsgd fit --weights COLUMN</c>: weighted least squares from CSV (in memory and streamed), Parquet and .npy,
/// against statsmodels' WLS, and the errors a bad weight gives.
/// </summary>
/// <remarks>
/// Reference: tests/Lsgd.Tests/Reference/wls_stackloss.py (statsmodels 0.13.5) on tests/data/stackloss-weighted.csv,
/// Brownlee's stack loss data (public domain) with w = 1/AIRFLOW; the numbers are also in WeightedLeastSquaresTest.
/// </remarks>
public class WeightsTest
{
    private static readonly double[] Params = [0.718709794464734, 1.2247748304013295, -0.12753332523437336];
    private const double Intercept = -40.73940922470726;
    private static readonly double[] Se = [0.13261814580581927, 0.3542204733924972, 0.14441704138082306];
    private const double RSquared = 0.9092392855517797, F = 56.768569780260435;

    private static readonly string[] Columns = ["STACKLOSS", "AIRFLOW", "WATERTEMP", "ACIDCONC", "w"];
    private static readonly (int Start, int Count)[] Groups = [(0, 10), (10, 11)];

    private static string StackLoss => Path.Combine(CliRunner.RepositoryRoot(), "tests", "data", "stackloss-weighted.csv");

    private static double[][] Rows() => [.. File.ReadAllLines(StackLoss).Skip(1).Where(l => l.Length > 0)
        .Select(l => l.Split(',').Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray())];

    private static void AssertDigits(double expected, double actual, double digits, string what)
    {
        double lre = expected == actual ? 15 : -Math.Log10(Math.Abs(actual - expected) / Math.Abs(expected));
        Assert.True(lre >= digits, $"{what}: {actual:R} vs statsmodels {expected:R} ({lre:F1} digits < {digits})");
    }

    private static void AssertStatsmodels(CliRunner.Result r, double coefficientDigits, string what)
    {
        Assert.True(r.ExitCode == 0, r.Error);
        var j = r.Json;
        for (int i = 0; i < 3; i++)
        {
            AssertDigits(Params[i], j.GetProperty("coefficients")[i].GetDouble(), coefficientDigits, $"{what}: coefficient {i}");
            AssertDigits(Se[i], j.GetProperty("standard_errors")[i].GetDouble(), 10, $"{what}: SE {i}");
        }
        AssertDigits(Intercept, j.GetProperty("intercept").GetDouble(), coefficientDigits, $"{what}: intercept");
        AssertDigits(RSquared, j.GetProperty("r_squared").GetDouble(), coefficientDigits, $"{what}: R²");
        AssertDigits(F, j.GetProperty("f_statistic").GetDouble(), coefficientDigits, $"{what}: F");
        Assert.Equal(17, j.GetProperty("degrees_of_freedom").GetInt32());
        Assert.Equal(21, j.GetProperty("observations").GetInt32());
        Assert.DoesNotContain("w", j.GetProperty("features").EnumerateArray().Select(e => e.GetString()));
    }

    [Theory]
    [InlineData("exact", false)]
    [InlineData("exact", true)]
    [InlineData("cg", true)]
    public void CsvFitIsStatsmodelsWlsAndEchoesTheWeightColumn(string method, bool streamed)
    {
        string[] stream = streamed ? ["--engine", "stream"] : [];
        var r = CliRunner.Run(["fit", StackLoss, "--target", "STACKLOSS", "--weights", "w", "--method", method, "--json", .. stream]);
        AssertStatsmodels(r, method == "exact" ? 10 : 4.5, $"{method}{(streamed ? ", streamed" : "")}");
        Assert.Equal("w", r.Json.GetProperty("weights").GetString());
        if (streamed) Assert.EndsWith("(streamed)", r.Json.GetProperty("data").GetString());
    }

    [Fact]
    public void DefaultMethodIsCertifiedAtTheWeightedOptimum()
    {
        // auto stops at its default certified gap (1e-10), where this design's estimates carry about 5 digits; the
        // standard errors are those of the exact weighted solution.
        var r = CliRunner.Run("fit", StackLoss, "--target", "STACKLOSS", "--weights", "w", "--json");
        AssertStatsmodels(r, 4.5, "auto");
        Assert.True(r.Json.GetProperty("converged").GetBoolean());
    }

    [Fact]
    public void TextReportSaysTheFitIsWeighted()
    {
        var r = CliRunner.Run("fit", StackLoss, "--target", "STACKLOSS", "--weights", "w", "--method", "exact");
        Assert.Equal(0, r.ExitCode);
        // The text wraps at the console's width, where the data's path length puts it: compare with runs of spaces and line breaks as one space.
        string text = System.Text.RegularExpressions.Regex.Replace(r.Output, @"\s+", " ");
        Assert.Contains("weighted by w (weighted least squares)", text);
        Assert.Contains("on 17", text);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ParquetWeightColumnGivesTheSameFit(bool streamed)
    {
        using var t = new TempFolder();
        string path = t.File("stackloss.parquet");
        var fields = Columns.Select(n => new DataField<double>(n)).ToArray();
        var rows = Rows();
        await using (var stream = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream))
        {
            foreach (var (start, count) in Groups)   // two row groups
            {
                using var group = writer.CreateRowGroup();
                for (int c = 0; c < fields.Length; c++)
                    await group.WriteAsync<double>(fields[c], rows.Skip(start).Take(count).Select(r => r[c]).ToArray());
            }
        }
        string[] stream2 = streamed ? ["--engine", "stream"] : [];
        var result = CliRunner.Run(["fit", path, "--target", "STACKLOSS", "--weights", "w", "--method", "exact", "--json", .. stream2]);
        AssertStatsmodels(result, 10, $"parquet{(streamed ? ", streamed" : "")}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NpyWeightsFileGivesTheSameFit(bool streamed)
    {
        using var t = new TempFolder();
        var rows = Rows();
        string x = t.File("X.npy"), y = t.File("Y.npy"), w = t.File("W.npy");
        NpyFile.Write(x, [.. rows.SelectMany(r => r[1..4])], rows.Length, 3);
        NpyFile.Write(y, [.. rows.Select(r => r[0])], rows.Length, 1);
        NpyFile.Write(w, [.. rows.Select(r => r[4])], rows.Length, 1);
        string[] stream = streamed ? ["--engine", "stream"] : [];
        var r = CliRunner.Run(["fit", "--features", x, "--targets", y, "--weights", w, "--method", "exact", "--json", .. stream]);
        AssertStatsmodels(r, 10, $"npy{(streamed ? ", streamed" : "")}");
    }

    private static string WithWeight(TempFolder t, int row, string weight)
    {
        var lines = File.ReadAllLines(StackLoss);
        var cells = lines[row].Split(',');
        cells[4] = weight;
        lines[row] = string.Join(',', cells);
        string path = t.File("bad.csv");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Theory]
    [InlineData("-0.5", false, "line 4, column 5 ('w'): the weight is -0.5: weights must be finite numbers ≥ 0")]
    [InlineData("-0.5", true, "line 4, column 5 ('w'): the weight is -0.5: weights must be finite numbers ≥ 0")]
    [InlineData("", false, "line 4, column 5 ('w'): the cell is empty (a missing value)")]
    [InlineData("", true, "line 4, column 5 ('w'): the cell is empty (a missing value)")]
    [InlineData("NaN", false, "line 4, column 5 ('w'): 'NaN' is a missing value")]
    [InlineData("abc", true, "line 4, column 5 ('w'): 'abc' is not a number")]
    public void BadWeightIsAnErrorNamingLineAndColumn(string weight, bool streamed, string message)
    {
        using var t = new TempFolder();
        string path = WithWeight(t, 3, weight);
        string[] stream = streamed ? ["--engine", "stream"] : [];
        var r = CliRunner.Run(["fit", path, "--target", "STACKLOSS", "--weights", "w", .. stream]);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith($"lsgd: error: {path}, {message}", r.Error);
        Assert.Single(r.Error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void NegativeWeightInNpyNamesItsRow()
    {
        using var t = new TempFolder();
        var rows = Rows();
        string x = t.File("X.npy"), y = t.File("Y.npy"), w = t.File("W.npy");
        NpyFile.Write(x, [.. rows.SelectMany(r => r[1..4])], rows.Length, 3);
        NpyFile.Write(y, [.. rows.Select(r => r[0])], rows.Length, 1);
        NpyFile.Write(w, [.. rows.Select((r, i) => i == 6 ? -2 : r[4])], rows.Length, 1);
        var r = CliRunner.Run("fit", "--features", x, "--targets", y, "--weights", w);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith($"lsgd: error: {w}, row 7: the weight is -2", r.Error);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AllZeroWeightsAreAClearError(bool streamed)
    {
        using var t = new TempFolder();
        var lines = File.ReadAllLines(StackLoss);
        for (int i = 1; i < lines.Length; i++)
            lines[i] = string.Join(',', lines[i].Split(',')[..4]) + ",0";
        string path = t.File("zeros.csv");
        File.WriteAllLines(path, lines);
        string[] stream = streamed ? ["--engine", "stream"] : [];
        var r = CliRunner.Run(["fit", path, "--target", "STACKLOSS", "--weights", "w", .. stream]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("weight", r.Error);
        Assert.Contains("zero", r.Error);
        Assert.Contains("Give some rows a positive weight", r.Error);
    }

    [Fact]
    public void CrossValidationTakesWeightsAndTheirScaleDoesNotMatter()
    {
        var r = CliRunner.Run("fit", StackLoss, "--target", "STACKLOSS", "--weights", "w", "--l2", "cv", "--folds", "3", "--json");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal("w", r.Json.GetProperty("weights").GetString());
        var loss = r.Json.GetProperty("cv").GetProperty("mean_loss").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.NotEmpty(loss);
        var plain = CliRunner.Run("fit", StackLoss, "--target", "STACKLOSS", "--l2", "cv", "--folds", "3", "--json");
        var unweighted = plain.Json.GetProperty("cv").GetProperty("mean_loss").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.NotEqual(unweighted[^1], loss[^1], 6);
    }

    [Theory]
    [InlineData(new[] { "--weights", "nope" }, "has no column 'nope' to use as the weights")]
    [InlineData(new[] { "--weights", "STACKLOSS" }, "'STACKLOSS' is both the target and the weights")]
    [InlineData(new[] { "--weights", "w", "--features", "AIRFLOW,w" }, "'w' is both a feature and the weights")]
    [InlineData(new[] { "--weights", "W.npy" }, "--weights W.npy: name a column of")]
    public void WeightColumnMistakesAreErrors(string[] flags, string message)
    {
        var r = CliRunner.Run(["fit", StackLoss, "--target", "STACKLOSS", .. flags]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Error);
    }

    /// <summary>A weighted formula fit is statsmodels' WLS, the same as the weighted --target/--features fit.</summary>
    [Theory]
    [InlineData("exact")]
    [InlineData("auto")]
    public void FormulaFitTakesWeightsAndIsStatsmodelsWls(string method)
    {
        var r = CliRunner.Run(["fit", StackLoss, "--formula", "STACKLOSS ~ AIRFLOW + WATERTEMP + ACIDCONC", "--weights", "w", "--method", method, "--json"]);
        AssertStatsmodels(r, 10, $"--formula --weights ({method})");
        Assert.Equal("w", r.Json.GetProperty("weights").GetString());
    }

    [Fact]
    public void FormulaFitNamesTheLineAndColumnOfABadWeight()
    {
        var dir = Directory.CreateTempSubdirectory("lsgd-fw-");
        try
        {
            var lines = File.ReadAllLines(StackLoss);
            lines[3] = string.Join(',', lines[3].Split(',')[..^1].Append("-1"));
            string path = Path.Combine(dir.FullName, "bad.csv");
            File.WriteAllLines(path, lines);
            var r = CliRunner.Run(["fit", path, "--formula", "STACKLOSS ~ AIRFLOW", "--weights", "w"]);
            Assert.Equal(2, r.ExitCode);
            var line = Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains("line 4, column 5 ('w'): the weight is -1", line);
        }
        finally { dir.Delete(true); }
    }

    private static string Grunfeld => Path.Combine(CliRunner.RepositoryRoot(), "tests", "data", "statsmodels", "grunfeld-weighted.csv");

    private static System.Text.Json.JsonElement WlsCase(string covType)
    {
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(CliRunner.RepositoryRoot(), "tests", "data", "statsmodels", "wls_reference.json")));
        return json.RootElement.GetProperty("cases").EnumerateArray().First(c => c.GetProperty("cov_type").GetString() == covType).Clone();
    }

    /// <summary>
    /// --weights with a robust --cov-type and --test, loaded and streamed: statsmodels' WLS sandwich and its f_test
    /// (tests/Lsgd.Tests/Reference/wls_robust_reference.py, Grunfeld's data with w = 1/value).
    /// </summary>
    [Theory]
    [InlineData("hc3", false)]
    [InlineData("cluster:firm", false)]
    [InlineData("cluster:firm", true)]
    [InlineData("hac:2", true)]
    public void WeightedRobustCovarianceAndFTestAreStatsmodelsWls(string covType, bool streamed)
    {
        var c = WlsCase(covType);
        string[] stream = streamed ? ["--engine", "stream"] : [];
        var r = CliRunner.Run(["fit", Grunfeld, "--target", "invest", "--features", "value,capital", "--weights", "w", "--cov-type", covType,
            "--test", "value = capital", "--method", "exact", "--json", .. stream]);
        Assert.True(r.ExitCode == 0, r.Error);
        var j = r.Json;
        Assert.Equal(covType, j.GetProperty("cov_type").GetString());
        for (int i = 0; i < 2; i++)
            AssertDigits(c.GetProperty("bse")[i + 1].GetDouble(), j.GetProperty("standard_errors")[i].GetDouble(), 10, $"{covType}: SE {i}");
        AssertDigits(c.GetProperty("bse")[0].GetDouble(), j.GetProperty("intercept_standard_error").GetDouble(), 10, $"{covType}: intercept SE");
        AssertDigits(c.GetProperty("fvalue").GetDouble(), j.GetProperty("f_statistic").GetDouble(), 10, $"{covType}: F");
        var test = c.GetProperty("f_tests")[0];
        AssertDigits(test.GetProperty("f").GetDouble(), j.GetProperty("f_test").GetProperty("f").GetDouble(), 10, $"{covType}: f_test F");
        AssertDigits(test.GetProperty("p").GetDouble(), j.GetProperty("f_test").GetProperty("p").GetDouble(), 9, $"{covType}: f_test p");
        Assert.Equal((int)test.GetProperty("df_denom").GetDouble(), j.GetProperty("f_test").GetProperty("df")[1].GetInt32());
    }

    /// <summary>--weights with --influence: the whitened model's measures (R's influence.measures of lm(weights = w)).</summary>
    [Fact]
    public void WeightedInfluenceFileIsThatOfTheWhitenedModel()
    {
        using var folder = new TempFolder();
        string influence = folder.File("influence.csv");
        var r = CliRunner.Run("fit", Grunfeld, "--target", "invest", "--features", "value,capital", "--weights", "w", "--method", "exact", "--influence", influence);
        Assert.True(r.ExitCode == 0, r.Error);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(CliRunner.RepositoryRoot(), "tests", "data", "statsmodels", "wls_reference.json")));
        var reference = json.RootElement.GetProperty("influence");
        var lines = File.ReadAllLines(influence);
        var header = lines[0].Split(',');
        foreach (int row in new[] { 0, 57, 219 })
        {
            var cells = lines[row + 1].Split(',');
            foreach (var column in new[] { "leverage", "resid_studentized_external", "cooks_distance", "dffits" })
                AssertDigits(reference.GetProperty(column)[row].GetDouble(), double.Parse(cells[Array.IndexOf(header, column)], CultureInfo.InvariantCulture), 10, $"{column}[{row}]");
        }
    }

    /// <summary>A weighted fit's model file carries σ̂²(XᵀWX)⁻¹: predict --intervals works, its mean SE that of the fit's covariance.</summary>
    [Fact]
    public void WeightedModelFilePredictsWithIntervals()
    {
        using var folder = new TempFolder();
        string model = folder.File("wls.json");
        var fit = CliRunner.Run("fit", Grunfeld, "--target", "invest", "--features", "value,capital", "--weights", "w", "--method", "exact", "--output", model, "--json");
        Assert.True(fit.ExitCode == 0, fit.Error);
        // At value = capital = 0 the mean is the intercept, and its SE the intercept's.
        string rows = folder.File("zero.csv", "value,capital\n0,0\n");
        var r = CliRunner.Run("predict", model, rows, "--intervals", "confidence");
        Assert.True(r.ExitCode == 0, r.Error);
        var lines = r.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("invest,invest_se,invest_lower,invest_upper", lines[0]);
        var cells = lines[1].Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var c = WlsCase("nonrobust");
        AssertDigits(c.GetProperty("params")[0].GetDouble(), cells[0], 10, "mean at 0");
        AssertDigits(c.GetProperty("bse")[0].GetDouble(), cells[1], 10, "mean_se at 0");
        AssertDigits(c.GetProperty("conf_int_lower")[0].GetDouble(), cells[2], 10, "mean_ci_lower at 0");
    }
}
