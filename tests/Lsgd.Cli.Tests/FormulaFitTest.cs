using System.Globalization;
using Lsgd.Tests.Formulas;

namespace Lsgd.Cli.Tests;

/// <summary><c>lsgd fit --formula</c> and <c>lsgd predict</c> with the saved encoding, against statsmodels (tests/Lsgd.Tests/Reference/formulas.py).</summary>
public class FormulaFitTest
{
    private static void AssertUserError(CliRunner.Result r, params string[] parts)
    {
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("lsgd: error: ", r.Error, StringComparison.Ordinal);
        Assert.Single(r.Error.TrimEnd().Split('\n'));
        foreach (var part in parts) Assert.Contains(part, r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void ExactFitOfAFormulaGivesStatsmodelsNamesAndCoefficientsToTenDigits(int index)
    {
        using var t = new TempFolder();
        string data = t.File("grunfeld.csv", FormulaReference.Grunfeld);
        var (formula, names, coefficients) = FormulaReference.Fits[index];
        formula = formula.Replace("I(value ** 2)", "I(value^2)", StringComparison.Ordinal);
        var r = CliRunner.Run("fit", data, "--formula", formula, "--method", "exact", "--json");
        Assert.Equal(0, r.ExitCode);
        var j = r.Json;
        Assert.Equal(formula, j.GetProperty("formula").GetString());
        Assert.Equal(names.Skip(1), j.GetProperty("features").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(names[0] == "Intercept", j.GetProperty("fit_intercept").GetBoolean());
        var ours = new[] { j.GetProperty("intercept").GetDouble() }.Concat(j.GetProperty("coefficients").EnumerateArray().Select(e => e.GetDouble())).ToArray();
        double scale = coefficients.Max(Math.Abs);
        for (int k = 0; k < ours.Length; k++)
            Assert.True(Math.Abs(ours[k] - coefficients[k]) <= 1e-10 * Math.Max(Math.Abs(coefficients[k]), 1e-3 * scale), $"{names[k]}: {ours[k]:R} vs {coefficients[k]:R}");
    }

    [Fact]
    public void NoInterceptFormulaCodesEveryLevel()
    {
        using var t = new TempFolder();
        string data = t.File("grunfeld.csv", FormulaReference.Grunfeld);
        var (formula, names, coefficients) = FormulaReference.Fits[3];
        var j = CliRunner.Run("fit", data, "--formula", formula, "--method", "exact", "--json").Json;
        Assert.False(j.GetProperty("fit_intercept").GetBoolean());
        Assert.Equal(names, j.GetProperty("features").EnumerateArray().Select(e => e.GetString()));
        var ours = j.GetProperty("coefficients").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (int k = 0; k < ours.Length; k++)
            Assert.Equal(coefficients[k], ours[k], 1e-10 * Math.Max(1, Math.Abs(coefficients[k])));
    }

    [Fact]
    public void PredictAppliesTheSavedLevelsAndPolynomialToNewRows()
    {
        using var t = new TempFolder();
        string data = t.File("grunfeld.csv", FormulaReference.Grunfeld);
        string model = t.File("m.json");
        var fit = CliRunner.Run("fit", data, "--formula", "log(invest) ~ poly(value, 3) + firm + capital:firm", "--method", "exact", "-o", model);
        Assert.Equal(0, fit.ExitCode);
        var all = CliRunner.Run("predict", model, data);
        Assert.Equal(0, all.ExitCode);
        // Five rows alone: the polynomial is evaluated with the fitted coefficients, not refitted to these rows,
        // and a firm absent from them keeps its column.
        var lines = FormulaReference.Grunfeld.Split('\n');
        string few = t.File("few.csv", string.Join('\n', lines.Take(1).Concat(lines.Skip(41).Take(5))) + "\n");
        var some = CliRunner.Run("predict", model, few);
        Assert.Equal(0, some.ExitCode);
        var expected = all.Output.Split('\n').Skip(41).Take(5).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var got = some.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(expected, got);
        Assert.Equal("log(invest)", all.Output.Split('\n')[0]);
    }

    [Fact]
    public void PredictNamesTheLineOfAnUnseenCategory()
    {
        using var t = new TempFolder();
        string data = t.File("grunfeld.csv", FormulaReference.Grunfeld);
        string model = t.File("m.json");
        Assert.Equal(0, CliRunner.Run("fit", data, "--formula", "invest ~ value + C(firm)", "--method", "exact", "-o", model).ExitCode);
        string rows = t.File("new.csv", "firm,value\nIBM,100\nApple,200\n");
        AssertUserError(CliRunner.Run("predict", model, rows), "new.csv, line 3 has the category 'Apple' of C(firm)", "'IBM'");
        string missing = t.File("missing.csv", "firm,capital\nIBM,100\n");
        AssertUserError(CliRunner.Run("predict", model, missing), "missing.csv has no column 'value'", "'firm', 'capital'");
    }

    [Theory]
    [InlineData(new[] { "--formula", "y ~ x +" }, "character 7 ('+')", "'+' needs a term on its right")]
    [InlineData(new[] { "--formula", "y ~ w" }, "character 5 ('w')", "has no column 'w'", "'x', 'g', 'y'")]
    [InlineData(new[] { "--formula", "y ~ x", "--target", "y" }, "Give either --formula or --target/--features")]
    [InlineData(new[] { "--formula", "y ~ x", "--features", "x" }, "Give either --formula or --target/--features")]
    [InlineData(new[] { "--formula", "y ~ x", "--no-intercept" }, "write \"- 1\" in the formula")]
    [InlineData(new[] { "--formula", "y ~ x", "--degree", "2" }, "poly(x, 3)")]
    [InlineData(new[] { "--formula", "y ~ x", "--engine", "stream" }, "fits in memory")]
    [InlineData(new[] { "--formula", "~ x" }, "no response to fit")]
    [InlineData(new[] { "--formula", "y ~ x - 1 - x" }, "no term and no intercept")]
    public void FormulaMistakesAreOneLineErrors(string[] flags, params string[] parts)
    {
        using var t = new TempFolder();
        string data = t.File("d.csv", "x,g,y\n1,a,2\n2,b,3\n3,a,5\n4,b,4\n");
        AssertUserError(CliRunner.Run(["fit", data, .. flags]), parts);
    }

    [Fact]
    public void MissingCategoryIsAnErrorNamingTheCellOrADroppedRow()
    {
        using var t = new TempFolder();
        string data = t.File("d.csv", "x,g,y\n1,a,2\n2,NA,3\n3,a,5\n4,b,4\n5,b,7\n");
        AssertUserError(CliRunner.Run("fit", data, "--formula", "y ~ x + g"), "d.csv, line 3, column 2 ('g')", "--missing drop");
        var r = CliRunner.Run("fit", data, "--formula", "y ~ x + g", "--missing", "drop", "--method", "exact", "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(4, r.Json.GetProperty("rows").GetInt32());
        Assert.Equal(["g[T.b]", "x"], r.Json.GetProperty("features").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void DefaultFeaturesSayWhichTextColumnsTheyLeaveOut()
    {
        using var t = new TempFolder();
        string data = t.File("d.csv", "x,region,y\n1,north,2\n2,south,3\n3,north,5\n4,south,4\n");
        var r = CliRunner.Run("fit", data, "--target", "y", "--method", "exact", "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Error);   // with --json, the summary says it
        Assert.Equal(["x"], r.Json.GetProperty("features").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["region"], r.Json.GetProperty("text_columns_left_out").EnumerateArray().Select(e => e.GetString()));
        var text = CliRunner.Run("fit", data, "--target", "y", "--method", "exact");
        Assert.Equal(0, text.ExitCode);
        Assert.StartsWith("lsgd: warning: " + data + ": 'region' is a text column", text.Error, StringComparison.Ordinal);
        Assert.Contains("--formula \"y ~ x + region\"", text.Error, StringComparison.Ordinal);
        var named = CliRunner.Run("fit", data, "--target", "y", "--features", "x", "--method", "exact");
        Assert.Equal("", named.Error);
        Assert.Empty(CliRunner.Run("fit", data, "--target", "y", "--features", "x", "--method", "exact", "--json").Json.GetProperty("text_columns_left_out").EnumerateArray());
    }
}
