using System.Globalization;
using System.Text.Json;
using Lsgd.Data;
using Lsgd.Estimators;
using Lsgd.Models;
using Lsgd.Training;

namespace Lsgd.Cli.Tests;

/// <summary><c>lsgd fit --l1 cv / --l2 cv</c>: the flags, the "cv" JSON, and the errors (the numbers are checked against scikit-learn in Lsgd.Tests).</summary>
public class CrossValidationCommandTest
{
    private static string Diabetes => Path.Combine(CliRunner.RepositoryRoot(), "tests", "data", "sklearn", "diabetes.csv");

    private static Dataset DiabetesRows()
    {
        var lines = File.ReadAllLines(Diabetes);
        var header = lines[0].Split(',');
        int n = lines.Length - 1, d = header.Length - 1;
        var x = new double[n * d];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            var cells = lines[i + 1].Split(',').Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray();
            cells.AsSpan(0, d).CopyTo(x.AsSpan(i * d));
            y[i] = cells[d];
        }
        return new Dataset(x, y, n, d, 1, header[..d], [header[d]]);
    }

    private static double[] Numbers(JsonElement e) => [.. e.EnumerateArray().Select(v => v.GetDouble())];

    [Fact]
    public void RidgeCvReportsThePathUnderCvWithTheNamesScriptsRelyOn()
    {
        var r = CliRunner.Run("fit", Diabetes, "--target", "y", "--l2", "cv", "--json");
        Assert.Equal(0, r.ExitCode);
        var cv = r.Json.GetProperty("cv");
        foreach (var field in new[] { "folds", "seed", "penalty", "l1_ratio", "lambdas", "mean_loss", "sd_loss", "best_lambda", "one_se_lambda", "solver", "path_converged" })
            Assert.True(cv.TryGetProperty(field, out _), $"missing cv.{field}");
        Assert.Equal(5, cv.GetProperty("folds").GetInt32());
        Assert.Equal("ridge", cv.GetProperty("penalty").GetString());
        Assert.Equal(100, cv.GetProperty("lambdas").GetArrayLength());
        Assert.Equal(100, cv.GetProperty("mean_loss").GetArrayLength());
        Assert.Equal(100, cv.GetProperty("sd_loss").GetArrayLength());
        // The refit is at the best λ, as the fit's own l2 says, and is certified.
        Assert.Equal(cv.GetProperty("best_lambda").GetDouble(), r.Json.GetProperty("l2").GetDouble());
        Assert.Equal(0, r.Json.GetProperty("l1").GetDouble());
        Assert.True(r.Json.GetProperty("converged").GetBoolean());
    }

    [Fact]
    public void TheCliPathIsTheLibrarysWithTheFoldsSeededByDashDashSeed()
    {
        var r = CliRunner.Run("fit", Diabetes, "--target", "y", "--l1", "cv", "--folds", "4", "--seed", "3", "--lambdas", "30", "--json");
        Assert.Equal(0, r.ExitCode);
        var cv = r.Json.GetProperty("cv");
        Assert.Equal(3, cv.GetProperty("seed").GetInt32());
        Assert.Equal("lasso", cv.GetProperty("penalty").GetString());
        var options = new LinearRegressorOptions
        {
            Method = SolverMethod.Auto, Standardize = true,
            GradientDescent = new GradientDescentOptions { LossScaling = LossScaling.Mean, Seed = 3 },
        };
        var path = new CrossValidatedRegressor(options, new CrossValidationOptions { Folds = 4, L1Ratio = 1, Lambdas = 30 }).Fit(DiabetesRows()).Path;
        Assert.Equal(path.Lambdas, Numbers(cv.GetProperty("lambdas")));
        Assert.Equal(path.MeanLoss, Numbers(cv.GetProperty("mean_loss")));
        Assert.Equal(path.SdLoss, Numbers(cv.GetProperty("sd_loss")));
        Assert.Equal(path.BestLambda, cv.GetProperty("best_lambda").GetDouble());
        Assert.Equal(path.BestLambda, r.Json.GetProperty("l1").GetDouble());
    }

    [Fact]
    public void BothPenaltiesByCvAreAnElasticNetMixedByL1Ratio()
    {
        var r = CliRunner.Run("fit", Diabetes, "--target", "y", "--l1", "cv", "--l2", "cv", "--l1-ratio", "0.25", "--lambdas", "20", "--json");
        Assert.Equal(0, r.ExitCode);
        var cv = r.Json.GetProperty("cv");
        Assert.Equal("elastic_net", cv.GetProperty("penalty").GetString());
        Assert.Equal(0.25, cv.GetProperty("l1_ratio").GetDouble());
        double best = cv.GetProperty("best_lambda").GetDouble();
        Assert.Equal(0.25 * best, r.Json.GetProperty("l1").GetDouble(), 1e-15 * best);
        Assert.Equal(0.75 * best, r.Json.GetProperty("l2").GetDouble(), 1e-15 * best);
    }

    [Fact]
    public void TheTextNamesTheChosenLambdaAndTheModelFileKeepsThePath()
    {
        using var folder = new Lsgd.Testing.TempFolder();
        string model = Path.Combine(folder.Path, "model.json");
        var r = CliRunner.Run("fit", Diabetes, "--target", "y", "--l2", "cv", "--lambdas", "10", "--output", model);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Cross-validation (ridge, 5 folds seeded 0, 10 λ", r.Output);
        Assert.Contains("one-standard-error λ", r.Output);
        using var file = JsonDocument.Parse(File.ReadAllText(model));
        Assert.Equal(10, file.RootElement.GetProperty("training").GetProperty("cv").GetProperty("mean_loss").GetArrayLength());
    }

    [Theory]
    [InlineData(new[] { "--l2", "cv", "--folds", "1" }, "--folds 1 is not allowed: it must be an integer >= 2")]
    [InlineData(new[] { "--l2", "cv", "--folds", "443" }, "Cross-validation with 443 folds needs at least 443 rows, one per fold; the data has 442 rows. Lower --folds")]
    [InlineData(new[] { "--l2", "often" }, "--l2 often is not allowed: it must be a number >= 0, or cv")]
    [InlineData(new[] { "--folds", "3" }, "--folds sets the cross-validation of a penalty, but no penalty is chosen by it")]
    [InlineData(new[] { "--l1", "cv", "--l2", "0.1" }, "cross-validation chooses one λ for the whole penalty")]
    [InlineData(new[] { "--l2", "cv", "--l1-ratio", "0.3" }, "--l1-ratio mixes the two penalties of an elastic net: it needs --l1 cv --l2 cv")]
    [InlineData(new[] { "--l2", "cv", "--method", "exact" }, "Use --method auto.")]
    [InlineData(new[] { "--l2", "cv", "--memory", "1KB" }, "Cross-validation (cv) needs the rows in memory")]
    public void MistakesAreOneLineWithWhatToDo(string[] flags, string message)
    {
        var r = CliRunner.Run(["fit", Diabetes, "--target", "y", .. flags]);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("lsgd: error: ", r.Error);
        Assert.Contains(message, r.Error);
        Assert.Single(r.Error.TrimEnd().Split('\n'));
    }
}
