using System.Globalization;
using System.Text.Json.Nodes;
using static Lsgd.Tests.Estimators.StatsmodelsDiagnosticsReference;

namespace Lsgd.Cli.Tests;

/// <summary>
/// <c>predict --intervals</c>, <c>fit --influence</c>, <c>--test</c> and the report's <c>vif</c>: exact column and field
/// names, and numbers against statsmodels 0.13.5 on its stackloss dataset (tests/Lsgd.Tests/Reference/prediction_influence_reference.py).
/// </summary>
public class DiagnosticsCommandTest
{
    private static string StacklossCsv(TempFolder folder)
    {
        var lines = new List<string> { "STACKLOSS,AIRFLOW,WATERTEMP,ACIDCONC" };
        for (int i = 0; i < StacklossRows.Length / 4; i++)
            lines.Add(string.Join(",", StacklossRows.Skip(i * 4).Take(4).Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        return folder.File("stackloss.csv", string.Join("\n", lines) + "\n");
    }

    private static string NewRowsCsv(TempFolder folder)
    {
        var lines = new List<string> { "AIRFLOW,WATERTEMP,ACIDCONC" };
        for (int i = 0; i < StacklossNewRows.Length / 3; i++)
            lines.Add(string.Join(",", StacklossNewRows.Skip(i * 3).Take(3).Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        return folder.File("new.csv", string.Join("\n", lines) + "\n");
    }

    private static double[][] ReadCsv(string text, out string[] header)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        header = lines[0].Split(',');
        return [.. lines.Skip(1).Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray())];
    }

    private static void AssertDigits(double expected, double actual, double digits, string what)
    {
        double lre = actual == expected ? 17 : -Math.Log10(Math.Abs(actual - expected) / Math.Abs(expected));
        Assert.True(lre >= digits, $"{what}: {actual:R} vs statsmodels {expected:R} ({lre:F1} digits < {digits})");
    }

    private static string FitModel(TempFolder folder, params string[] extra)
    {
        string model = folder.File("model.json");
        var r = CliRunner.Run(["fit", StacklossCsv(folder), "--target", "STACKLOSS", "--method", "exact", "--output", model, "--json", .. extra]);
        Assert.True(r.ExitCode == 0, r.Error);
        return model;
    }

    [Fact]
    public void PredictWithConfidenceIntervalsWritesTheColumnsAndMatchesStatsmodels()
    {
        using var folder = new TempFolder();
        string model = FitModel(folder);
        var r = CliRunner.Run("predict", model, NewRowsCsv(folder), "--intervals", "confidence");
        Assert.True(r.ExitCode == 0, r.Error);
        var rows = ReadCsv(r.Output, out var header);
        Assert.Equal(["STACKLOSS", "STACKLOSS_se", "STACKLOSS_lower", "STACKLOSS_upper"], header);
        for (int i = 0; i < rows.Length; i++)
        {
            AssertDigits(StacklossMean[i], rows[i][0], 10, "mean");
            AssertDigits(StacklossMeanSe[i], rows[i][1], 10, "mean_se");
            AssertDigits(StacklossMeanLower95[i], rows[i][2], 10, "mean_ci_lower");
            AssertDigits(StacklossMeanUpper95[i], rows[i][3], 10, "mean_ci_upper");
        }
    }

    [Fact]
    public void PredictWithPredictionIntervalsAtALevelMatchesStatsmodelsObsInterval()
    {
        using var folder = new TempFolder();
        string model = FitModel(folder);
        var r = CliRunner.Run("predict", model, NewRowsCsv(folder), "--intervals", "prediction", "--level", "0.9", "--json");
        Assert.True(r.ExitCode == 0, r.Error);
        var j = r.Json;
        Assert.Equal("prediction", j.GetProperty("intervals").GetString());
        Assert.Equal(0.9, j.GetProperty("level").GetDouble());
        Assert.Equal(4, j.GetProperty("columns").GetArrayLength());
        var rows = j.GetProperty("predictions");
        for (int i = 0; i < rows.GetArrayLength(); i++)
        {
            AssertDigits(StacklossObsLower90[i], rows[i][2].GetDouble(), 10, "obs_ci_lower");
            AssertDigits(StacklossObsUpper90[i], rows[i][3].GetDouble(), 10, "obs_ci_upper");
        }
        // se is that of a new observation (statsmodels' se_obs), the one the interval uses.
        var at95 = CliRunner.Run("predict", model, NewRowsCsv(folder), "--intervals", "prediction").Output;
        AssertDigits(StacklossObsSe[0], ReadCsv(at95, out _)[0][1], 10, "se_obs");
    }

    [Fact]
    public void AnOlderModelFileStillPredictsButIntervalsSayWhatIsMissing()
    {
        using var folder = new TempFolder();
        string model = FitModel(folder);
        var root = JsonNode.Parse(File.ReadAllText(model))!.AsObject();
        Assert.NotNull(root["inference"]);
        root.Remove("inference");
        File.WriteAllText(model, root.ToJsonString());
        var plain = CliRunner.Run("predict", model, NewRowsCsv(folder));
        Assert.Equal(0, plain.ExitCode);
        AssertDigits(StacklossMean[0], ReadCsv(plain.Output, out _)[0][0], 10, "mean");
        var r = CliRunner.Run("predict", model, NewRowsCsv(folder), "--intervals", "confidence");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("has no covariance", r.Error);
        Assert.StartsWith("lsgd: error: ", r.Error);
        Assert.DoesNotContain("   at ", r.Error);
    }

    [Fact]
    public void APenalisedModelFileHasNoCovarianceAndIntervalsAreRefused()
    {
        using var folder = new TempFolder();
        string model = folder.File("ridge.json");
        Assert.Equal(0, CliRunner.Run("fit", StacklossCsv(folder), "--target", "STACKLOSS", "--l2", "1", "--output", model).ExitCode);
        Assert.Null(JsonNode.Parse(File.ReadAllText(model))!["inference"]);
        var r = CliRunner.Run("predict", model, NewRowsCsv(folder), "--intervals", "prediction");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--intervals", r.Error);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("0")]
    public void ALevelOutsideZeroToOneIsRefused(string level)
    {
        using var folder = new TempFolder();
        string model = FitModel(folder);
        var r = CliRunner.Run("predict", model, NewRowsCsv(folder), "--intervals", "confidence", "--level", level);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"--level {level} is not allowed", r.Error);
    }

    [Theory]
    [InlineData("exact")]
    [InlineData(null)]
    public void InfluenceFileHasStatsmodelsNamesAndValues(string? method)
    {
        using var folder = new TempFolder();
        string influence = folder.File("influence.csv");
        string[] args = ["fit", StacklossCsv(folder), "--target", "STACKLOSS", "--influence", influence];
        var r = CliRunner.Run(method is null ? args : [.. args, "--method", method]);
        Assert.True(r.ExitCode == 0, r.Error);
        var rows = ReadCsv(File.ReadAllText(influence), out var header);
        Assert.Equal(["row", "leverage", "residual", "resid_studentized_internal", "resid_studentized_external", "cooks_distance", "dffits"], header);
        Assert.Equal(21, rows.Length);
        // The leverage depends on the design only; the residual-based measures on the fit's coefficients, to the
        // digits of its estimate: the exact method's, or the default method's, whose auto picks gradient descent here
        // and runs on to the certified gap that bounds the coefficients to 10 digits.
        void Check(double expected, double actual, string what) => AssertDigits(expected, actual, method == "exact" ? 10 : 8, what);
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.Equal(i + 1, rows[i][0]);
            AssertDigits(StacklossLeverage[i], rows[i][1], 10, "hat_matrix_diag");
            Check(StacklossStudentizedInternal[i], rows[i][3], "resid_studentized_internal");
            Check(StacklossStudentizedExternal[i], rows[i][4], "resid_studentized_external");
            Check(StacklossCooksDistance[i], rows[i][5], "cooks_distance");
            Check(StacklossDffits[i], rows[i][6], "dffits");
        }
        Assert.Contains("Influence measures", r.Output);
    }

    [Fact]
    public void FitJsonCarriesVifAndTheWaldTest()
    {
        using var folder = new TempFolder();
        var r = CliRunner.Run("fit", StacklossCsv(folder), "--target", "STACKLOSS", "--method", "exact", "--json",
            "--test", "AIRFLOW = WATERTEMP, ACIDCONC = 0");
        Assert.True(r.ExitCode == 0, r.Error);
        var vif = r.Json.GetProperty("vif");
        for (int j = 0; j < 3; j++) AssertDigits(StacklossVif[j], vif[j].GetDouble(), 10, "vif");
        var test = r.Json.GetProperty("f_test");
        Assert.Equal("AIRFLOW = WATERTEMP, ACIDCONC = 0", test.GetProperty("restrictions").GetString());
        AssertDigits(StacklossFTest0[0], test.GetProperty("f").GetDouble(), 10, "fvalue");
        Assert.Equal([2, 17], test.GetProperty("df").EnumerateArray().Select(e => e.GetInt32()));
        AssertDigits(StacklossFTest0[3], test.GetProperty("p").GetDouble(), 10, "pvalue");
    }

    [Fact]
    public void FitTextShowsVifAndTheWaldTest()
    {
        using var folder = new TempFolder();
        var r = CliRunner.Run("fit", StacklossCsv(folder), "--target", "STACKLOSS", "--method", "exact", "--test", "2*AIRFLOW - WATERTEMP = 1");
        Assert.True(r.ExitCode == 0, r.Error);
        string text = string.Join(" ", r.Output.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries));   // the console wraps long lines
        Assert.Contains("Variance inflation factors (with the constant): AIRFLOW 2.906, WATERTEMP 2.573, ACIDCONC 1.334.", text);
        Assert.Contains("Wald test of 2*AIRFLOW - WATERTEMP = 1: F = 2.10739", text);
        Assert.Contains("on (1, 17) degrees of freedom, p = 0.1648", text);
    }

    [Theory]
    [InlineData("AIRFLOW = WATER", "'WATER' at position 11")]
    [InlineData("AIRFLOW = 1,, ACIDCONC = 0", "position 13")]
    [InlineData("AIRFLOW ACIDCONC", "'ACIDCONC' at position 9")]
    public void AnUnknownNameOrMalformedRestrictionFailsBeforeTheFitNamingThePosition(string text, string expected)
    {
        using var folder = new TempFolder();
        var r = CliRunner.Run("fit", StacklossCsv(folder), "--target", "STACKLOSS", "--test", text);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Error);
        Assert.StartsWith("lsgd: error: ", r.Error);
        Assert.Equal("", r.Output);
    }

    [Fact]
    public void TestAndInfluenceNeedTheLeastSquaresEstimate()
    {
        using var folder = new TempFolder();
        var r = CliRunner.Run("fit", StacklossCsv(folder), "--target", "STACKLOSS", "--l2", "1", "--test", "AIRFLOW = 0");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--test needs the least-squares estimate", r.Error);
        r = CliRunner.Run("fit", StacklossCsv(folder), "--target", "STACKLOSS", "--l2", "1", "--influence", folder.File("i.csv"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--influence needs the least-squares estimate", r.Error);
    }

    [Fact]
    public void SeveralTargetsGetPrefixedInfluenceColumnsAndIntervalColumnsPerTarget()
    {
        using var folder = new TempFolder();
        var lines = new List<string> { "STACKLOSS,TWICE,AIRFLOW,WATERTEMP,ACIDCONC" };
        for (int i = 0; i < StacklossRows.Length / 4; i++)
        {
            var row = StacklossRows.Skip(i * 4).Take(4).ToArray();
            lines.Add(string.Join(",", new[] { row[0], 2 * row[0] + 1, row[1], row[2], row[3] }.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        }
        string csv = folder.File("two.csv", string.Join("\n", lines) + "\n");
        string model = folder.File("two.json"), influence = folder.File("two-influence.csv");
        var fit = CliRunner.Run("fit", csv, "--target", "STACKLOSS,TWICE", "--method", "exact", "--output", model, "--influence", influence,
            "--test", "ACIDCONC = 0", "--json");
        Assert.True(fit.ExitCode == 0, fit.Error);
        Assert.Equal(2, fit.Json.GetProperty("f_test").GetProperty("f").GetArrayLength());
        var rows = ReadCsv(File.ReadAllText(influence), out var header);
        string[] measures = ["residual", "resid_studentized_internal", "resid_studentized_external", "cooks_distance", "dffits"];
        Assert.Equal(["row", "leverage", .. measures.Select(c => "STACKLOSS_" + c), .. measures.Select(c => "TWICE_" + c)], header);
        // y₂ = 2y + 1 has the same studentized residuals.
        AssertDigits(StacklossStudentizedExternal[20], rows[20][4], 10, "STACKLOSS_resid_studentized_external");
        AssertDigits(StacklossStudentizedExternal[20], rows[20][9], 10, "TWICE_resid_studentized_external");
        var predict = CliRunner.Run("predict", model, NewRowsCsv(folder), "--intervals", "confidence");
        Assert.True(predict.ExitCode == 0, predict.Error);
        var predicted = ReadCsv(predict.Output, out var columns);
        Assert.Equal(["STACKLOSS", "STACKLOSS_se", "STACKLOSS_lower", "STACKLOSS_upper",
            "TWICE", "TWICE_se", "TWICE_lower", "TWICE_upper"], columns);
        AssertDigits(StacklossMeanSe[0], predicted[0][1], 10, "mean_se");
        AssertDigits(2 * StacklossMeanSe[0], predicted[0][5], 10, "mean_se of 2y + 1");
    }

    /// <summary>
    /// Prediction columns are named after the targets, plain and with --intervals; two that would coincide (targets y
    /// and y_se with intervals) are one error line, not a file with a repeated column.
    /// </summary>
    [Fact]
    public void PredictionColumnsAreNamedAfterTheTargetsAndAClashIsAnError()
    {
        using var folder = new TempFolder();
        var rng = new Random(4);
        var lines = new List<string> { "x,y,y_se" };
        for (int i = 0; i < 20; i++)
        {
            double x = i + rng.NextDouble();
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{x:R},{2 * x + rng.NextDouble():R},{x - rng.NextDouble():R}"));
        }
        string csv = folder.File("clash.csv", string.Join("\n", lines) + "\n"), model = folder.File("clash.json");
        var fit = CliRunner.Run("fit", csv, "--target", "y,y_se", "--features", "x", "--method", "exact", "--output", model);
        Assert.True(fit.ExitCode == 0, fit.Error);
        var plain = CliRunner.Run("predict", model, csv);
        Assert.True(plain.ExitCode == 0, plain.Error);
        Assert.StartsWith("y,y_se\n", plain.Output);
        var r = CliRunner.Run("predict", model, csv, "--intervals", "confidence");
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("lsgd: error: The prediction columns would hold 'y_se' twice", line);
        Assert.Equal("", r.Output);
    }

    /// <summary>--test needs the least-squares estimate, not the rows: a streamed file gets the loaded file's Wald test.</summary>
    [Fact]
    public void TestOnAStreamedFileIsTheLoadedFilesTest()
    {
        using var folder = new TempFolder();
        string[] fit = ["fit", StacklossCsv(folder), "--target", "STACKLOSS", "--method", "exact", "--json", "--test", "AIRFLOW = WATERTEMP, ACIDCONC = 0"];
        var streamed = CliRunner.Run([.. fit, "--engine", "stream"]);
        Assert.True(streamed.ExitCode == 0, streamed.Error);
        AssertDigits(StacklossFTest0[0], streamed.Json.GetProperty("f_test").GetProperty("f").GetDouble(), 10, "fvalue");
        AssertDigits(StacklossFTest0[3], streamed.Json.GetProperty("f_test").GetProperty("p").GetDouble(), 10, "pvalue");
        var influence = CliRunner.Run([.. fit, "--engine", "stream", "--influence", folder.File("i.csv")]);
        Assert.Equal(2, influence.ExitCode);
        Assert.Contains("--influence needs the least-squares estimate of data held in memory, but the rows were streamed", influence.Error);
    }
}
