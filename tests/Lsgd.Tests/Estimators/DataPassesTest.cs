using Lsgd.Data;
using Lsgd.Estimators;
using Lsgd.Models;
using Lsgd.Solvers;
using Lsgd.Tests.Applications;
using Lsgd.Training;

namespace Lsgd.Tests.Estimators;

/// <summary>
/// <see cref="LinearFit.DataPasses"/> counts the passes over the rows the whole fit made, per method as docs/ENGINES.md
/// tabulates them; streamed, it is checked against the passes the source really served.
/// </summary>
public class DataPassesTest
{
    private static LinearRegressorOptions Options(SolverMethod method, GradientDescentOptions? gd = null) => new()
    {
        Method = method, Standardize = true, GradientDescent = gd ?? new GradientDescentOptions { LossScaling = LossScaling.Mean },
    };

    [Fact]
    public void AStreamedFullBatchFitCountsTheTwoPassesTheSourceServed()
    {
        var (data, _) = TestData.Random(400, 3, 2, seed: 5);
        foreach (var method in new[] { SolverMethod.Auto, SolverMethod.ConjugateGradient, SolverMethod.Exact })
        {
            var source = new ApplicationData.SmallChunks(data, rows: 64);
            var fit = new LinearRegressor(Options(method)).Fit(source);
            // The statistics, then the goodness of fit; exact adds the tall-skinny QR and its refinement's residual passes.
            Assert.Equal(method == SolverMethod.Exact ? 2 + 1 + fit.Exact!.RefinementSteps + 1 : 2, source.Passes);
            Assert.Equal(source.Passes, fit.DataPasses);
        }
    }

    [Theory]
    [InlineData("hc3")]
    [InlineData("hac")]
    public void AStreamedRobustCovarianceCountsItsOneMorePass(string kind)
    {
        var (data, _) = TestData.Random(400, 3, 2, seed: 5);
        var type = kind == "hac" ? CovarianceType.Hac(3) : CovarianceType.Heteroscedastic(CovarianceKind.HC3);
        foreach (var method in new[] { SolverMethod.Auto, SolverMethod.Exact })
        {
            var source = new ApplicationData.SmallChunks(data, rows: 64);
            var fit = new LinearRegressor(Options(method) with { Covariance = type }).Fit(source);
            // The statistics, the goodness of fit, the sandwich's meat (every output at once); exact adds its QR and refinement passes.
            Assert.Equal(method == SolverMethod.Exact ? 3 + 1 + fit.Exact!.RefinementSteps + 1 : 3, source.Passes);
            Assert.Equal(source.Passes, fit.DataPasses);
            Assert.Equal(type, fit.Report![1].CovarianceType);
            // In memory the sandwich is one more pass as well.
            var classical = new LinearRegressor(Options(method)).Fit(data).DataPasses;
            Assert.Equal(classical + 1, new LinearRegressor(Options(method) with { Covariance = type }).Fit(data).DataPasses);
        }
    }

    [Fact]
    public void AStreamedMiniBatchFitCountsEveryPassTheSourceServed()
    {
        var (data, _) = TestData.Random(300, 2, 1, seed: 6);
        var source = new ApplicationData.SmallChunks(data, rows: 50);
        var gd = new GradientDescentOptions { LossScaling = LossScaling.Mean, LearningRate = 0.05, BatchSize = 100, MaxIterations = 4, Tolerance = 0 };
        var fit = new LinearRegressor(Options(SolverMethod.GradientDescent, gd)).Fit(source);
        Assert.Equal(EngineKind.Stream, fit.Engine);
        Assert.Equal(source.Passes, fit.DataPasses, 1e-12);
    }

    [Fact]
    public void TheStatisticsEngineMakesTwoPassesWhateverTheNumberOfOutputs()
    {
        var (data, _) = TestData.Random(50_000, 4, 3, seed: 7);
        foreach (var method in new[] { SolverMethod.Auto, SolverMethod.ConjugateGradient })
        {
            // Too large for the QR reference (budget 0): XᵀX and Xᵀy for all outputs, then the goodness of fit.
            var fit = new LinearRegressor(Options(method) with { QrBudget = 0 }).Fit(data);
            Assert.Equal(EngineKind.Statistics, fit.Engine);
            Assert.True(fit.Converged);
            Assert.Equal(2, fit.DataPasses);
            // Within the QR budget, well-conditioned data with many rows takes its reference from the same statistics: still 2.
            Assert.Equal(2, new LinearRegressor(Options(method)).Fit(data).DataPasses);
        }
    }

    [Fact]
    public void TheExactMethodInMemoryCountsTheQrReadsAndTheGoodnessPass()
    {
        var (data, _) = TestData.Random(200, 3, 2, seed: 8);
        var fit = new LinearRegressor(Options(SolverMethod.Exact)).Fit(data);
        // The means, the tall-skinny QR, a residual pass per refinement step applied and one more (every output at once), then the fit statistics.
        Assert.Equal(1 + 1 + fit.Exact!.RefinementSteps + 1 + 1, fit.DataPasses);
        var single = Dataset.FromSingle([.. data.X.ToArray().Select(v => (float)v)], data.Y.ToArray(), data.Rows, data.Features, data.Outputs);
        var singleFit = new LinearRegressor(Options(SolverMethod.Exact)).Fit(single);
        Assert.Equal(1 + 1 + 1 + singleFit.Exact!.RefinementSteps + 1 + 1, singleFit.DataPasses);   // + widening float32
    }

    [Fact]
    public void TheRowEngineCountsStatisticsReferenceStandardisationRunFinalGapAndGoodness()
    {
        var (data, _) = TestData.Random(200, 3, 1, seed: 9);
        var gd = new GradientDescentOptions { LossScaling = LossScaling.Mean, LearningRate = 0.1, MaxIterations = 7, Tolerance = 0, RelativeGapTolerance = 0 };
        var fit = new LinearRegressor(Options(SolverMethod.GradientDescent, gd)).Fit(data);
        Assert.Equal(EngineKind.Rows, fit.Engine);
        Assert.Equal(7, fit.Training!.Iterations);
        double qr = ExactLeastSquares.PassesOverRows(3, fitIntercept: true, outputs: 1, singlePrecision: false);
        // statistics 1 + QR reference + standardiser 2 + θ₀ 1 + 7 steps + final gap 1 + goodness 1.
        Assert.Equal(1 + qr + 2 + 1 + 7 + 1 + 1, fit.DataPasses);
    }
}

/// <summary>
/// The count per method that docs/ENGINES.md tabulates, pinned on one small dataset: streamed, against the passes the
/// source really served; in memory, as the pipeline's own passes around the run plus the run's evaluations.
/// </summary>
public class DataPassesPerMethodTest
{
    private static readonly (Dataset Data, double[] Truth) Small = TestData.Random(300, 3, 1, seed: 12);

    private static LinearRegressorOptions Options(string method) => new()
    {
        Method = method switch { "auto" => SolverMethod.Auto, "exact" => SolverMethod.Exact, "cg" => SolverMethod.ConjugateGradient, _ => SolverMethod.GradientDescent },
        Standardize = true,
        GradientDescent = method switch
        {
            "adam" => new GradientDescentOptions { LossScaling = LossScaling.Mean, Optimizer = new global::Lsgd.Optimizers.Adam(), LearningRate = 0.05, BatchSize = 50, MaxIterations = 5, Tolerance = 0 },
            "sgd" => new GradientDescentOptions { LossScaling = LossScaling.Mean, LearningRate = 0.05, BatchSize = 50, MaxIterations = 5, Tolerance = 0 },
            _ => new GradientDescentOptions { LossScaling = LossScaling.Mean },
        },
    };

    [Theory]
    [InlineData("auto", 2)]
    [InlineData("cg", 2)]
    [InlineData("gd", 2)]
    [InlineData("exact", -1)]
    [InlineData("adam", -1)]
    [InlineData("sgd", -1)]
    public void AStreamedFitCountsEveryPassTheSourceServed(string method, int expected)
    {
        var source = new ApplicationData.SmallChunks(Small.Data, rows: 64);
        var fit = new LinearRegressor(Options(method)).Fit(source);
        Assert.Equal(source.Passes, fit.DataPasses, 1e-12);
        if (expected > 0)
        {
            // Full batch on the statistics: the statistics, then the goodness of fit — whatever the method.
            Assert.Equal(EngineKind.Statistics, fit.Engine);
            Assert.Equal(expected, fit.DataPasses);
        }
        else if (method == "exact")
            Assert.Equal(1 + 1 + fit.Exact!.RefinementSteps + 1 + 1, fit.DataPasses);   // statistics, QR, refinement + 1, goodness
        else
        {
            // Mini-batches stream: statistics 1, θ₀ 1, per epoch the batches (1) and the full loss (1), final gap 1, goodness 1.
            Assert.Equal(EngineKind.Stream, fit.Engine);
            Assert.Equal(1 + 1 + 2 * fit.Training!.Iterations + 1 + 1, fit.DataPasses, 1e-9);
        }
    }

    [Theory]
    [InlineData("cg")]
    [InlineData("gd")]
    [InlineData("adam")]
    [InlineData("sgd")]
    public void AnInMemoryRowsFitCountsStatisticsReferenceStandardisationRunFinalGapAndGoodness(string method)
    {
        var fit = new LinearRegressor(Options(method)).Fit(Small.Data);
        Assert.Equal(EngineKind.Rows, fit.Engine);
        double qr = ExactLeastSquares.PassesOverRows(3, fitIntercept: true, outputs: 1, singlePrecision: false);
        // statistics 1 + the QR reference + fit and apply the standardiser 2 + the run's own evaluations + final gap 1 + goodness 1.
        Assert.Equal(1 + qr + 2 + fit.Training!.DataPasses + 1 + 1, fit.DataPasses, 1e-9);
        if (method is "adam" or "sgd")
            Assert.Equal(1 + 2 * fit.Training.Iterations, fit.Training.DataPasses, 1e-9);   // θ₀, then batches and full loss per epoch
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("cg")]
    [InlineData("gd")]
    public void AnInMemoryStatisticsFitCountsTheStatisticsTheReferenceAndTheGoodnessPass(string method)
    {
        var fit = new LinearRegressor(Options(method) with { Engine = EngineKind.Statistics }).Fit(Small.Data);
        Assert.Equal(EngineKind.Statistics, fit.Engine);
        Assert.True(fit.Converged);
        double qr = ExactLeastSquares.PassesOverRows(3, fitIntercept: true, outputs: 1, singlePrecision: false);
        // The steps read no rows: statistics 1 + the QR reference of few rows + goodness 1.
        Assert.Equal(1 + qr + 1, fit.DataPasses);
    }
}

/// <summary>A head of several outputs on the statistics engine: one pass, one factorisation, the same answer as one fit per output.</summary>
public class MultiOutputHeadTest
{
    [Fact]
    public void AutoFitsEveryOutputOfAHeadAsItsOwnFitWouldCertifiedFromOnePass()
    {
        int n = 60_000, d = 6, k = 4;
        var (data, _) = TestData.Random(n, d, k, seed: 11);
        var options = new LinearRegressorOptions
        {
            Method = SolverMethod.Auto, Standardize = true, QrBudget = 0,   // the normal equations, not a QR of the rows
            GradientDescent = new GradientDescentOptions { LossScaling = LossScaling.Mean },
        };
        var head = new LinearRegressor(options).Fit(data);
        Assert.Equal(EngineKind.Statistics, head.Engine);
        Assert.True(head.Converged);
        Assert.Equal(2, head.DataPasses);
        Assert.Contains("one Cholesky", head.MethodChoice);
        var exact = ExactLeastSquares.Solve(data);
        var x = data.X.ToArray();
        for (int o = 0; o < k; o++)
        {
            var y = Enumerable.Range(0, n).Select(i => data.Y[i * k + o]).ToArray();
            var alone = new LinearRegressor(options).Fit(new Dataset(x, y, n, d, 1, data.FeatureNames, [data.TargetNames[o]]));
            Assert.True(alone.Converged);
            var both = head.Model.Coefficients(o).ToArray().Append(head.Model.Intercept(o)).ToArray();
            var one = alone.Model.Coefficients().ToArray().Append(alone.Model.Intercept()).ToArray();
            var qr = exact.Model.Coefficients(o).ToArray().Append(exact.Model.Intercept(o)).ToArray();
            for (int j = 0; j <= d; j++)
            {
                Assert.Equal(one[j], both[j], 1e-10 * (1 + Math.Abs(one[j])));
                Assert.Equal(qr[j], both[j], 1e-9 * (1 + Math.Abs(qr[j])));
            }
        }
    }
}
