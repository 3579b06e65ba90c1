using System.Text.RegularExpressions;
using Lsgd.IO;

namespace Lsgd.Cli.Tests;

/// <summary>
/// The text output of fits with many features: the coefficients' table shows its first terms and says how many it
/// left out and where they are (LongLists); fits of ordinary width print every term; --json keeps every coefficient.
/// </summary>
public partial class WideFitTextTest
{
    /// <summary>n rows of d standard-uniform features and <paramref name="targets"/> targets y_k = 1 + Σ (j+1)x_j + k + noise.</summary>
    private static (string X, string Y) Write(TempFolder t, int n, int d, int targets = 1)
    {
        var rng = new Random(11);
        var x = new double[n * d];
        var y = new double[n * targets];
        for (int i = 0; i < n; i++)
        {
            double v = 1;
            for (int j = 0; j < d; j++) { x[i * d + j] = rng.NextDouble(); v += (j + 1) * x[i * d + j]; }
            for (int k = 0; k < targets; k++) y[i * targets + k] = v + k + 0.1 * (rng.NextDouble() - 0.5);
        }
        string xp = t.File("X.npy"), yp = t.File("Y.npy");
        NpyFile.Write(xp, x, n, d);
        NpyFile.Write(yp, y, n, targets);
        return (xp, yp);
    }

    /// <summary>The names in the term column of the tables (a row, not an interval's continuation line).</summary>
    private static List<string> TableTerms(string output) =>
        [.. TermRow().Matches(output).Select(m => m.Groups[1].Value)];

    /// <summary>The output with the lines the console wrapped at its width (a space before the break) joined again.</summary>
    private static string Joined(string output) => WrappedLineBreak().Replace(output, " ");

    [GeneratedRegex(@" \r?\n")]
    private static partial Regex WrappedLineBreak();

    [GeneratedRegex(@"^│ (\(intercept\)|x\d+) +│", RegexOptions.Multiline)]
    private static partial Regex TermRow();

    [Fact]
    public void ManyFeaturesPrintTheFirstTermsAndSayHowManyAreNotShownAndWhere()
    {
        using var t = new TempFolder();
        var (x, y) = Write(t, 300, 120);
        var r = CliRunner.Run("fit", "--features", x, "--targets", y, "--method", "exact");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(["(intercept)", .. Enumerable.Range(1, 20).Select(j => $"x{j}")], TableTerms(r.Output));
        string text = Joined(r.Output);
        Assert.Contains("… 100 more terms not shown (x21 … x120; 120 in all): --json, or the model file of -o/--output, lists every coefficient.", text);
        Assert.Contains("Fitted y ~ x1 + x2 + x3 + … + x120 (120 features) on 300 rows", text);
        // The summary lines stay, as does the VIF line, shortened like the names.
        Assert.Contains("R² = ", r.Output);
        Assert.Contains(", F = ", r.Output);
        Assert.Matches(@"Variance inflation factors \(with the constant\): x1 [\d.]+, x2 [\d.]+, x3 [\d.]+, …, x120 [\d.]+ \(120 features\); the largest x\d+ [\d.]+; --json's ""vif"" lists every one\.", text);
    }

    [Fact]
    public void ManyFeaturesWithAModelFileNameItAsWhereEveryCoefficientIs()
    {
        using var t = new TempFolder();
        var (x, y) = Write(t, 200, 60, targets: 12);
        string model = t.File("model.json");
        var r = CliRunner.Run("fit", "--features", x, "--targets", y, "--method", "exact", "--output", model);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Fitted y1, y2, y3, …, y12 (12 targets) ~ x1 + x2 + x3 + … + x60 (60 features)", Joined(r.Output));
        // One capped table per output, each followed by its own line and its own R².
        Assert.Equal(12 * 21, TableTerms(r.Output).Count);
        Assert.Equal(12, new Regex($"… 40 more terms not shown \\(x21 … x60; 60 in all\\): the model file {Regex.Escape(model)} \\(or --json\\) lists every coefficient\\.").Count(Joined(r.Output)));
        Assert.Equal(12, Regex.Count(r.Output, "^R² = ", RegexOptions.Multiline));
    }

    [Fact]
    public void FeaturesUpToTheLimitPrintEveryTerm()
    {
        using var t = new TempFolder();
        var (x, y) = Write(t, 200, 50);
        var r = CliRunner.Run("fit", "--features", x, "--targets", y, "--method", "exact");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(["(intercept)", .. Enumerable.Range(1, 50).Select(j => $"x{j}")], TableTerms(r.Output));
        Assert.DoesNotContain("not shown", r.Output);
    }

    [Fact]
    public void TenFeaturesAreNamedInFullOnTheFittedLine()
    {
        using var t = new TempFolder();
        var (x, y) = Write(t, 100, 10);
        var r = CliRunner.Run("fit", "--features", x, "--targets", y, "--method", "exact");
        Assert.Contains("Fitted y ~ " + string.Join(" + ", Enumerable.Range(1, 10).Select(j => $"x{j}")) + " on 100 rows", Joined(r.Output));
        Assert.Contains("Variance inflation factors (with the constant): x1 ", r.Output);
        Assert.DoesNotContain("the largest", r.Output);
        Assert.Equal(11, TableTerms(r.Output).Count);
    }

    [Fact]
    public void JsonOfAWideFitHasEveryCoefficient()
    {
        using var t = new TempFolder();
        var (x, y) = Write(t, 300, 120);
        var j = CliRunner.Run("fit", "--features", x, "--targets", y, "--method", "exact", "--json").Json;
        var coefficients = j.GetProperty("coefficients").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(120, coefficients.Length);
        for (int k = 0; k < 120; k++)
            Assert.Equal(k + 1.0, coefficients[k], 0.2);   // noise of sd 0.03 on 300 rows: standard errors ≈ 0.01
        Assert.Equal(120, j.GetProperty("vif").GetArrayLength());
    }
}
