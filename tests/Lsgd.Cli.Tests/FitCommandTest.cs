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
        Assert.Equal("loss_change_below_tolerance", j.GetProperty("stop_reason").GetString());
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
        Assert.Equal("predicted_y", rows[0]);
        double b0 = 0.673565789473684E-03, b1 = 0.732059160401003E-06, b2 = -0.316081871345029E-14;
        double x = 3000000;
        Assert.Equal(b0 + b1 * x + b2 * x * x, double.Parse(rows[2], System.Globalization.CultureInfo.InvariantCulture), 12);
    }
}
