using System.Globalization;
using System.Text.Json.Nodes;
using Lsgd.Data;
using Lsgd.Estimators;
using Lsgd.Models;
using Lsgd.Training;

namespace Lsgd.Tests.Estimators;

/// <summary>
/// Cross-validated ridge, lasso and elastic net against scikit-learn 1.2.1 on its diabetes dataset (Efron et al., 2004),
/// with the same contiguous KFold(5) folds; the numbers come from tests/Lsgd.Tests/Reference/diabetes_cv.py.
/// </summary>
public class CrossValidationTest
{
    private static readonly Lazy<JsonObject> Reference = new(() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(TestData.RepositoryRoot(), "tests", "Lsgd.Tests", "Reference", "diabetes_cv.json")))!.AsObject());

    /// <summary>tests/data/sklearn/diabetes.csv: 442 rows, 10 features, then y.</summary>
    internal static Dataset Diabetes()
    {
        var lines = File.ReadAllLines(Path.Combine(TestData.RepositoryRoot(), "tests", "data", "sklearn", "diabetes.csv"));
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

    private static LinearRegressorOptions Cli(LossScaling scaling = LossScaling.Mean) => new()
    {
        Method = SolverMethod.Auto,
        Standardize = true,
        GradientDescent = new GradientDescentOptions { LossScaling = scaling },
    };

    private static double[] Numbers(JsonNode? node) => [.. node!.AsArray().Select(v => (double)v!)];

    private static CrossValidatedFit Run(string key, LinearRegressorOptions options, double ratio, bool referenceGrid = false)
    {
        var r = Reference.Value;
        var cv = new CrossValidationOptions
        {
            Folds = 5,
            L1Ratio = ratio,
            FoldOfRow = [.. r["fold_of_row"]!.AsArray().Select(v => (int)v!)],
            Grid = referenceGrid ? Numbers(r[key]!["lambdas"]) : null,
        };
        return new CrossValidatedRegressor(options, cv).Fit(Diabetes());
    }

    private static void AssertPath(string key, CrossValidationPath path, double lambdaDigits, double lossTolerance, double sdTolerance)
    {
        var r = Reference.Value[key]!;
        var lambdas = Numbers(r["lambdas"]);
        var mean = Numbers(r["mean_loss"]);
        var sd = Numbers(r["sd_loss"]);
        Assert.Equal(lambdas.Length, path.Lambdas.Count);
        for (int i = 0; i < lambdas.Length; i++)
        {
            Assert.True(Math.Abs(path.Lambdas[i] - lambdas[i]) <= lambdaDigits * lambdas[i], $"λ[{i}] = {path.Lambdas[i]:R}, scikit-learn {lambdas[i]:R}");
            Assert.True(Math.Abs(path.MeanLoss[i] - mean[i]) <= lossTolerance * mean[i], $"mean loss at λ[{i}] = {path.MeanLoss[i]:R}, scikit-learn {mean[i]:R}");
            Assert.True(Math.Abs(path.SdLoss[i] - sd[i]) <= sdTolerance * mean[i], $"SD at λ[{i}] = {path.SdLoss[i]:R}, scikit-learn {sd[i]:R}");
        }
        Assert.Equal((int)r["best_index"]!, path.BestIndex);
        Assert.Equal((double)r["best_lambda"]!, path.BestLambda, lambdaDigits * path.BestLambda);
        Assert.Equal((double)r["one_se_lambda"]!, path.OneStandardErrorLambda, lambdaDigits * path.OneStandardErrorLambda);
    }

    [Fact]
    public void RidgeUnderTheMeanLossMatchesScikitLearnRidgeAtAlphaNTimesLambdaFoldByFold()
    {
        // --loss mean: ½/n·Σr² + ½λ‖w‖² has the minimiser of Σr² + n·λ‖w‖², scikit-learn's Ridge(alpha = n_train·λ).
        var cv = Run("ridge_mean", Cli(), 0);
        Assert.Equal("eigen", cv.Path.Solver);
        AssertPath("ridge_mean", cv.Path, 1e-13, 1e-11, 1e-10);
        Assert.Equal(cv.Path.BestLambda, cv.Fit.Options.Penalty.L2);
        Assert.Equal(0, cv.Fit.Options.Penalty.L1);
        Assert.True(cv.Fit.Converged);
    }

    [Fact]
    public void RidgeUnderTheSumLossIsScikitLearnsGridSearchOfRidgeAlphaEqualToLambda()
    {
        var cv = Run("ridge_sum", Cli(LossScaling.Sum), 0);
        AssertPath("ridge_sum", cv.Path, 1e-13, 1e-11, 1e-10);
        Assert.Equal((double)Reference.Value["ridge_sum"]!["gridsearch_best_alpha"]!, cv.Path.BestLambda, 1e-12 * cv.Path.BestLambda);
    }

    [Fact]
    public void LassoPathGridAndChoiceMatchScikitLearnsLassoCV()
    {
        var cv = Run("lasso", Cli(), 1);
        Assert.Equal("coordinate descent", cv.Path.Solver);
        Assert.True(cv.Path.Converged);
        AssertPath("lasso", cv.Path, 1e-12, 1e-9, 1e-8);
        // The refit on all rows at the chosen λ is LinearRegressor's certified fit, and lands on scikit-learn's Lasso.
        Assert.True(cv.Fit.Converged, cv.Fit.NotConvergedReason);
        Assert.Equal(cv.Path.BestLambda, cv.Fit.Options.Penalty.L1);
        var expected = Numbers(Reference.Value["lasso"]!["refit_coefficients"]);
        var coefficients = cv.Fit.Model.Coefficients().ToArray();
        for (int j = 0; j < expected.Length; j++)
            Assert.True(Math.Abs(coefficients[j] - expected[j]) <= 1e-4 * (Math.Abs(expected[j]) + 1), $"w[{j}] = {coefficients[j]:R}, scikit-learn {expected[j]:R}");
        // The certified relative gap of 1e-10 bounds the objective, so collinear coefficients (s1, s2) agree to ~√gap.
        double intercept = (double)Reference.Value["lasso"]!["refit_intercept"]!;
        Assert.Equal(intercept, cv.Fit.Model.Intercept(), 1e-5 * Math.Abs(intercept));
    }

    [Fact]
    public void ElasticNetPathMatchesScikitLearnsElasticNetCVAtTheSameL1Ratio()
    {
        var cv = Run("elastic_net", Cli(), 0.5);
        Assert.True(cv.Path.Converged);
        AssertPath("elastic_net", cv.Path, 1e-12, 1e-9, 1e-8);
        Assert.Equal(0.5 * cv.Path.BestLambda, cv.Fit.Options.Penalty.L1, 1e-15);
        Assert.Equal(0.5 * cv.Path.BestLambda, cv.Fit.Options.Penalty.L2, 1e-15);
    }

    [Fact]
    public void TheRidgePathAtAGridPointIsTheFitOfTheTrainingRowsAtThatLambda()
    {
        // One fold's eigen-path solution equals LinearRegressor's fit of the training rows at that λ: its held-out MSE agrees.
        var data = Diabetes();
        var folds = (int[])[.. Reference.Value["fold_of_row"]!.AsArray().Select(v => (int)v!)];
        var cv = new CrossValidatedRegressor(Cli(), new CrossValidationOptions { FoldOfRow = folds, Grid = [0.05] }).Fit(data);
        int[] train = [.. Enumerable.Range(0, data.Rows).Where(i => folds[i] != 2)], held = [.. Enumerable.Range(0, data.Rows).Where(i => folds[i] == 2)];
        var tight = Cli() with { GradientDescent = new GradientDescentOptions { LossScaling = LossScaling.Mean, RelativeGapTolerance = 1e-15 } };
        var fit = new LinearRegressor(tight with { Penalty = Penalty.Ridge(0.05) }).Fit(LinearRegressor.Take(data, train));
        Assert.True(fit.Converged);
        var heldRows = LinearRegressor.Take(data, held);
        var predictions = fit.Model.Predict(heldRows);
        double mse = Enumerable.Range(0, held.Length).Average(i => Math.Pow(heldRows.TargetRow(i)[0] - predictions[i], 2));
        Assert.Equal(mse, cv.Path.FoldLoss[0][2], 1e-8 * mse);   // the iterative fit is certified to a gap, the path is exact
    }

    [Theory]
    [InlineData(0.0, true, true, LossScaling.Mean)]
    [InlineData(0.0, false, false, LossScaling.Sum)]
    [InlineData(1.0, true, false, LossScaling.Sum)]
    [InlineData(0.5, false, true, LossScaling.Mean)]
    public void EveryPathPointIsLinearRegressorsFitOfTheTrainingFold(double ratio, bool intercept, bool standardize, LossScaling scaling)
    {
        // Whatever the intercept, standardisation and loss scaling, fold 1's held-out loss at λ is that of the model
        // LinearRegressor fits to the other folds' rows with the penalty ElasticNet(λ, ρ).
        var (data, _) = TestData.Random(60, 4, 1, seed: 11, noise: 0.5);
        var folds = CrossValidatedRegressor.AssignFolds(60, 3, 5);
        var options = new LinearRegressorOptions
        {
            Method = SolverMethod.Auto, FitIntercept = intercept, Standardize = standardize,
            GradientDescent = new GradientDescentOptions { LossScaling = scaling, RelativeGapTolerance = 1e-14 },
        };
        var cv = new CrossValidatedRegressor(options, new CrossValidationOptions { Folds = 3, L1Ratio = ratio, FoldOfRow = folds, Lambdas = 8 }).Fit(data);
        int i = 3;
        double lambda = cv.Path.Lambdas[i];
        int[] train = [.. Enumerable.Range(0, 60).Where(r => folds[r] != 1)], held = [.. Enumerable.Range(0, 60).Where(r => folds[r] == 1)];
        var fit = new LinearRegressor(options with { Penalty = Penalty.ElasticNet(lambda, ratio) }).Fit(LinearRegressor.Take(data, train));
        var heldRows = LinearRegressor.Take(data, held);
        var predictions = fit.Model.Predict(heldRows);
        double mse = Enumerable.Range(0, held.Length).Average(r => Math.Pow(heldRows.TargetRow(r)[0] - predictions[r], 2));
        Assert.Equal(mse, cv.Path.FoldLoss[i][1], 1e-6 * mse);
    }

    [Fact]
    public void SeededFoldsAreAReproducibleBalancedPartition()
    {
        var a = CrossValidatedRegressor.AssignFolds(442, 5, 7);
        Assert.Equal(a, CrossValidatedRegressor.AssignFolds(442, 5, 7));
        Assert.NotEqual(a, CrossValidatedRegressor.AssignFolds(442, 5, 8));
        Assert.Equal([89, 89, 88, 88, 88], Enumerable.Range(0, 5).Select(f => a.Count(v => v == f)));
        var cv = new CrossValidatedRegressor(Cli() with { GradientDescent = new GradientDescentOptions { LossScaling = LossScaling.Mean, Seed = 7 } },
            new CrossValidationOptions { Grid = [1, 0.1] }).Fit(Diabetes());
        Assert.Equal(a, cv.Path.FoldOfRow);
        Assert.Equal(7, cv.Path.Seed);
    }

    [Fact]
    public void TheOneStandardErrorLambdaIsTheLargestWithinOneStandardErrorOfTheBest()
    {
        var p = Run("lasso", Cli(), 1).Path;
        double limit = p.MeanLoss[p.BestIndex] + p.SdLoss[p.BestIndex] / Math.Sqrt(p.Folds);
        int oneSe = p.Lambdas.ToList().IndexOf(p.OneStandardErrorLambda);
        Assert.True(oneSe <= p.BestIndex);
        Assert.True(p.MeanLoss[oneSe] <= limit);
        Assert.All(Enumerable.Range(0, oneSe), i => Assert.True(p.MeanLoss[i] > limit));
    }

    [Fact]
    public void TooFewRowsForTheFoldsIsAClearError()
    {
        var data = TestData.ArticlePoints();
        var e = Assert.Throws<LsgdException>(() => new CrossValidatedRegressor(Cli(), new CrossValidationOptions { Folds = 10 }).Fit(data));
        Assert.Contains("10 folds needs at least 10 rows", e.Message);
        Assert.Contains("`Folds`", e.Message);
        var one = Assert.Throws<InvalidOptionException>(() => new CrossValidationOptions { Folds = 1 });
        Assert.Equal("Folds", one.OptionName);
    }

    [Fact]
    public void TheExactMethodAndAValidationSplitAreRefused()
    {
        var data = Diabetes();
        Assert.Throws<LsgdException>(() => new CrossValidatedRegressor(Cli() with { Method = SolverMethod.Exact }).Fit(data));
        var e = Assert.Throws<InvalidOptionException>(() => new CrossValidatedRegressor(Cli() with { ValidationFraction = 0.2 }).Fit(data));
        Assert.Equal("ValidationFraction", e.OptionName);
    }

    [Fact]
    public void GivenFoldsMustCoverEveryFold()
    {
        var e = Assert.Throws<LsgdException>(() => new CrossValidatedRegressor(Cli(), new CrossValidationOptions { Folds = 3, FoldOfRow = [0, 0, 1, 1, 0] })
            .Fit(TestData.ArticlePoints()));
        Assert.Contains("fold 2 has no row", e.Message);
    }

    /// <summary>
    /// Weighted rows: each fold's loss is the weighted mean squared error Σw·r²/Σw of the held-out fold under the
    /// weighted ridge fit of the other folds — checked against LinearRegressor's own certified weighted ridge fit on
    /// those rows at the same λ — and scaling every weight by a constant changes nothing.
    /// </summary>
    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void WeightedFoldLossesAreTheWeightedRidgeOrLassoFitsOfTheOtherFolds(double ratio)
    {
        var plain = Diabetes();
        int n = plain.Rows;
        var w = new double[n];
        for (int i = 0; i < n; i++) w[i] = 0.25 + (i * 7919 % 13) / 4.0;   // 0.25 … 3.25, fixed
        var data = plain.WithWeights(w);
        var folds = CrossValidatedRegressor.AssignFolds(n, 4, seed: 3);
        double[] grid = [1.0, 0.1, 0.01];
        var cv = new CrossValidationOptions { Folds = 4, L1Ratio = ratio, FoldOfRow = folds, Grid = grid };
        var fit = new CrossValidatedRegressor(Cli(), cv).Fit(data);
        var scaled = new CrossValidatedRegressor(Cli(), cv).Fit(plain.WithWeights([.. w.Select(v => 8 * v)]));
        var unweighted = new CrossValidatedRegressor(Cli(), cv).Fit(plain);
        bool differs = false;
        for (int l = 0; l < grid.Length; l++)
        {
            for (int f = 0; f < 4; f++)
            {
                double loss = fit.Path.FoldLoss[l][f];
                Assert.Equal(loss, scaled.Path.FoldLoss[l][f], loss * 1e-10);
                differs |= Math.Abs(loss - unweighted.Path.FoldLoss[l][f]) > 1e-3 * loss;
                if (l != 1) continue;   // one λ checked against a direct fit (each is a certified iterative fit)
                var train = LinearRegressor.Take(data, [.. Enumerable.Range(0, n).Where(i => folds[i] != f)]);
                var held = Enumerable.Range(0, n).Where(i => folds[i] == f).ToArray();
                var penalty = fit.Path.PenaltyAt(grid[l]);
                var direct = new LinearRegressor(Cli() with
                {
                    Penalty = penalty,
                    GradientDescent = Cli().GradientDescent with { RelativeGapTolerance = 1e-14 },
                }).Fit(train).Model;
                double num = 0, den = 0;
                foreach (int i in held)
                {
                    double r = data.TargetRow(i)[0] - direct.Intercept();
                    for (int j = 0; j < data.Features; j++) r -= direct.Coefficients()[j] * data.Feature(i, j);
                    num += w[i] * r * r;
                    den += w[i];
                }
                Assert.True(Math.Abs(num / den - loss) <= 1e-6 * loss, $"λ = {grid[l]}, fold {f}: CV {loss:R} vs direct {num / den:R}");
            }
        }
        Assert.True(differs, "the weights should change the fold losses");
    }
}
