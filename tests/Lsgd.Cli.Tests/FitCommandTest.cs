namespace Lsgd.Cli.Tests;

public class FitCommandTest
{
    [Fact]
    public void JsonHasTheFieldsScriptsRelyOn()
    {
        var r = CliRunner.Run("fit", CliRunner.Nist("Norris"), "--target", "y", "--json");
        Assert.Equal(0, r.ExitCode);
        var j = r.Json;
        foreach (var field in new[] { "method", "intercept", "coefficients", "features", "iterations", "loss", "r_squared", "stop_reason" })
            Assert.True(j.TryGetProperty(field, out _), $"missing {field}");
        Assert.Equal("gd", j.GetProperty("method").GetString());
        Assert.Equal("x", j.GetProperty("features")[0].GetString());
    }

    [Fact]
    public void RepeatFitsSeveralTimesAndReportsTheMedianAndEachRun()
    {
        var once = CliRunner.Run("fit", CliRunner.Nist("Norris"), "--target", "y", "--method", "cg", "--json").Json;
        var r = CliRunner.Run("fit", CliRunner.Nist("Norris"), "--target", "y", "--method", "cg", "--json", "--repeat", "3");
        Assert.Equal(0, r.ExitCode);
        var runs = r.Json.GetProperty("fit_seconds_runs").EnumerateArray().Select(e => e.GetDouble()).Order().ToArray();
        Assert.Equal(3, runs.Length);
        Assert.Equal(runs[1], r.Json.GetProperty("fit_seconds").GetDouble());
        // Every repetition is the same deterministic fit.
        Assert.Equal(once.GetProperty("coefficients")[0].GetDouble(), r.Json.GetProperty("coefficients")[0].GetDouble());
        Assert.False(once.TryGetProperty("fit_seconds_runs", out _));
    }

    [Fact]
    public void RepeatBelowOneIsRejectedWithWhatToDo()
    {
        var r = CliRunner.Run("fit", CliRunner.Nist("Norris"), "--target", "y", "--repeat", "0");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--repeat", r.Error);
        Assert.DoesNotContain("   at ", r.Error);
    }

    [Theory]
    [InlineData("Norris", new string[0])]
    [InlineData("Pontius", new[] { "--degree", "2" })]
    [InlineData("NoInt1", new[] { "--no-intercept" })]
    [InlineData("Longley", new string[0])]
    public void ExactMethodReproducesNistCertifiedCoefficients(string name, string[] extra)
    {
        var r = CliRunner.Run(["fit", CliRunner.Nist(name), "--target", "y", "--method", "exact", "--json", .. extra]);
        Assert.Equal(0, r.ExitCode);
        var j = r.Json;
        using var certified = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(CliRunner.Nist(name), ".json")));
        var beta = certified.RootElement.GetProperty("beta").EnumerateArray()
            .Select(e => double.Parse(e.GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var got = j.GetProperty("coefficients").EnumerateArray().Select(e => e.GetDouble()).ToList();
        if (j.GetProperty("fit_intercept").GetBoolean()) got.Insert(0, j.GetProperty("intercept").GetDouble());
        Assert.Equal(beta.Length, got.Count);
        for (int i = 0; i < beta.Length; i++)
            Assert.True(Math.Abs(got[i] - beta[i]) <= 1e-9 * Math.Abs(beta[i]), $"{name} B{i}: {got[i]:R} vs {beta[i]:R}");
    }

    [Fact]
    public void GradientDescentOnNorrisLandsOnTheExactSolution()
    {
        var j = CliRunner.Run("fit", CliRunner.Nist("Norris"), "--target", "y", "--json").Json;
        Assert.Equal("certified", j.GetProperty("stop_reason").GetString());
        Assert.True(j.GetProperty("optimality").GetProperty("relative_coefficient_distance").GetDouble() < 1e-7);
        Assert.Equal(1.00211681802045, j.GetProperty("coefficients")[0].GetDouble(), 6);   // NIST B1
    }

    [Fact]
    public void MultipleTargetsGiveArraysPerOutput()
    {
        using var temp = new TempFolder();
        var lines = new List<string> { "a,b,y1,y2" };
        for (int i = 0; i < 20; i++)
            lines.Add($"{i},{i * i % 7},{1 + 2 * i - (i * i % 7)},{3 - i + 0.5 * (i * i % 7)}");
        string csv = temp.File("multi.csv", string.Join("\n", lines) + "\n");
        var j = CliRunner.Run("fit", csv, "--target", "y1,y2", "--method", "exact", "--json").Json;
        Assert.Equal(2, j.GetProperty("coefficients").GetArrayLength());
        Assert.Equal(2.0, j.GetProperty("coefficients")[0][0].GetDouble(), 9);
        Assert.Equal(-1.0, j.GetProperty("coefficients")[0][1].GetDouble(), 9);
        Assert.Equal(0.5, j.GetProperty("coefficients")[1][1].GetDouble(), 9);
        Assert.Equal(3.0, j.GetProperty("intercept")[1].GetDouble(), 9);
        Assert.Equal(2, j.GetProperty("r_squared").GetArrayLength());
    }

    [Fact]
    public void TextSummaryShowsCoefficientsExactValuesAndFitQuality()
    {
        var r = CliRunner.Run("fit", CliRunner.Nist("Norris"), "--target", "y");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Fitted y ~ x on 36 rows", r.Output);
        Assert.Contains("(intercept)", r.Output);
        Assert.Contains("std. error", r.Output);
        Assert.Contains("R² = 0.99999", r.Output);
        Assert.Contains("Distance to the exact least-squares solution", r.Output);
    }

    [Fact]
    public void SavedModelPredictsTheSameAsTheFit()
    {
        using var temp = new TempFolder();
        string model = temp.File("model.json");
        Assert.Equal(0, CliRunner.Run("fit", CliRunner.Nist("Pontius"), "--target", "y", "--degree", "2", "--method", "exact", "--output", model).ExitCode);
        string input = temp.File("new.csv", "x\n150000\n3000000\n");
        var r = CliRunner.Run("predict", model, input);
        Assert.Equal(0, r.ExitCode);
        var rows = r.Output.Trim().Split('\n');
        Assert.Equal("y", rows[0]);
        double b0 = 0.673565789473684E-03, b1 = 0.732059160401003E-06, b2 = -0.316081871345029E-14;
        double x = 3000000;
        Assert.Equal(b0 + b1 * x + b2 * x * x, double.Parse(rows[2], System.Globalization.CultureInfo.InvariantCulture), 12);
    }
}

public class FitReportTest
{
    [Fact]
    public void JsonCarriesTheStatisticiansReportMatchingNistLongley()
    {
        var j = CliRunner.Run("fit", CliRunner.Nist("Longley"), "--target", "y", "--method", "exact", "--json").Json;
        // NIST certified: residual SD 304.854073561965, R² 0.995479004577296, SE(B1) 84.9149257747669, F 330.285339234588.
        Assert.Equal(304.854073561965, j.GetProperty("residual_sd").GetDouble(), 9);
        Assert.Equal(0.995479004577296, j.GetProperty("r_squared").GetDouble(), 12);
        Assert.Equal(84.9149257747669, j.GetProperty("standard_errors")[0].GetDouble(), 9);
        Assert.Equal(890420.383607373, j.GetProperty("intercept_standard_error").GetDouble(), 5);
        Assert.Equal(330.285339234588, j.GetProperty("f_statistic").GetDouble(), 8);
        Assert.Equal(6, j.GetProperty("t").GetArrayLength());
        Assert.Equal(6, j.GetProperty("p").GetArrayLength());
        // t = estimate / SE, and the 95 % interval brackets the estimate.
        double b1 = j.GetProperty("coefficients")[0].GetDouble();
        Assert.Equal(b1 / 84.9149257747669, j.GetProperty("t")[0].GetDouble(), 9);
        var ci = j.GetProperty("confidence_intervals_95")[0];
        Assert.True(ci[0].GetDouble() < b1 && b1 < ci[1].GetDouble());
        Assert.Equal(9, j.GetProperty("degrees_of_freedom").GetInt32());
    }

    [Fact]
    public void TextTableShowsTPAndIntervals()
    {
        var r = CliRunner.Run("fit", CliRunner.Nist("Longley"), "--target", "y", "--method", "exact");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("│ t ", r.Output);
        Assert.Contains("95 % interval", r.Output);
        Assert.Contains("-3.911", r.Output);   // t of the intercept, as R's lm() prints it
        Assert.Contains("F = 330.2853392", r.Output);
    }

    [Fact]
    public void PenalisedFitHasNoClassicalInference()
    {
        var j = CliRunner.Run("fit", CliRunner.Nist("Longley"), "--target", "y", "--l2", "0.1", "--method", "cg", "--json").Json;
        Assert.Equal(System.Text.Json.JsonValueKind.Null, j.GetProperty("standard_errors").ValueKind);
        Assert.Contains("penalised", j.GetProperty("exact_check_skipped").GetString());
    }

    [Fact]
    public void AutoMethodSaysWhatItChose()
    {
        var j = CliRunner.Run("fit", CliRunner.Nist("Norris"), "--target", "y", "--method", "auto", "--json").Json;
        Assert.Equal("gd", j.GetProperty("method").GetString());
        Assert.StartsWith("auto chose the article's gradient descent", j.GetProperty("method_choice").GetString());
        Assert.True(j.GetProperty("converged").GetBoolean());
    }

    [Fact]
    public void MiniBatchAdamFitRunsFromTheCommandLine()
    {
        var j = CliRunner.Run("fit", CliRunner.Nist("Norris"), "--target", "y", "--optimizer", "adam", "--batch-size", "8",
            "--max-iterations", "300", "--schedule", "cosine", "--json").Json;
        Assert.Equal("adam", j.GetProperty("optimizer").GetString());
        Assert.True(j.GetProperty("optimality").GetProperty("relative_coefficient_distance").GetDouble() < 1e-2);
    }

    [Fact]
    public void BadScheduleIsAOneLineUserError()
    {
        var r = CliRunner.Run("fit", CliRunner.Nist("Norris"), "--target", "y", "--schedule", "wobbly");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("lsgd: error: --schedule 'wobbly' is not allowed: it must be constant, inverse[:POWER], step:EVERY[:GAMMA] or cosine[:MIN_FACTOR]. Try step:100:0.5.", r.Error.TrimEnd());
    }
}
