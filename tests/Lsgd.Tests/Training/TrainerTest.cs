using Lsgd.Data;
using Lsgd.Engines;
using Lsgd.Estimators;
using Lsgd.Models;
using Lsgd.Optimizers;
using Lsgd.Schedules;
using Lsgd.Solvers;
using Lsgd.Training;

namespace Lsgd.Tests.Training;

public class TrainerTest
{
    private static LeastSquaresObjective Article(Penalty? penalty = null) =>
        new(new InMemoryEngine(TestData.ArticlePoints(), fitIntercept: true), LossScaling.Sum, penalty);

    [Fact]
    public void AutomaticLearningRateIsOneOverLAndDecreasesTheLossEveryStep()
    {
        var run = GradientDescent.Minimize(Article(), new GradientDescentOptions { Tolerance = 0, GradientTolerance = 1e-10, MaxIterations = 100_000 });
        Assert.Equal(StopReason.GradientNormBelowTolerance, run.StopReason);
        Assert.Equal(1 / (30 + Math.Sqrt(25 * 25 + 15 * 15)), run.LearningRate, 9);
        Assert.StartsWith("auto: 1/L with L = 59.1548", run.LearningRateSource);
        for (int k = 1; k < run.LossHistory.Count; k++)
            Assert.True(run.LossHistory[k] <= run.LossHistory[k - 1], $"J rose at iteration {k}");
        Assert.Equal(2.0, run.Parameters[0], 8);
        Assert.Equal(1.0, run.Parameters[1], 8);
    }

    [Fact]
    public void RecoverPolicyRollsBackHalvesTheLearningRateAndSaysSo()
    {
        var run = GradientDescent.Minimize(Article(), new GradientDescentOptions
        {
            LearningRate = 0.05, OnDivergence = DivergencePolicy.Recover, Tolerance = 0, GradientTolerance = 1e-9, MaxIterations = 100_000,
        });
        Assert.Equal(StopReason.GradientNormBelowTolerance, run.StopReason);
        Assert.Equal(1, run.Recoveries);
        Assert.Equal(0.025, run.LearningRate);
        Assert.Contains("the step was rolled back and α halved (1 time), to 0.025", run.Message);
        Assert.Equal(2.0, run.Parameters[0], 7);
    }

    [Fact]
    public void GivenLearningRateThatDivergesStopsAtTheFirstRiseWithoutChangingAlpha()
    {
        var run = GradientDescent.Minimize(Article(), new GradientDescentOptions { LearningRate = 0.05 });
        Assert.Equal(StopReason.Diverged, run.StopReason);
        Assert.Equal(0.05, run.LearningRate);
        Assert.Equal(1, run.Iterations);
        Assert.Equal([0.0, 0.0], run.Parameters);
        Assert.StartsWith("The loss became 545.9 (rising) at iteration 1: the learning rate α = 0.05 is too large for this data.", run.Message);
        Assert.Equal(142.5, run.FinalLoss);   // J(0, 0) = ½Σy² at the θ returned, not J at the rejected step
    }

    [Fact]
    public void ArmijoLineSearchConvergesFromAHugeInitialStep()
    {
        var run = GradientDescent.Minimize(Article(), new GradientDescentOptions
        {
            LearningRate = 10, LineSearch = true, Tolerance = 0, GradientTolerance = 1e-9, MaxIterations = 100_000,
        });
        Assert.Equal(StopReason.GradientNormBelowTolerance, run.StopReason);
        for (int k = 1; k < run.LossHistory.Count; k++)
            Assert.True(run.LossHistory[k] <= run.LossHistory[k - 1]);
        Assert.Equal(2.0, run.Parameters[0], 7);
    }

    [Fact]
    public void LineSearchWithAnotherOptimizerIsRefused()
    {
        var e = Assert.Throws<LsgdException>(() => GradientDescent.Minimize(Article(),
            new GradientDescentOptions { LineSearch = true, Optimizer = new Adam() }));
        Assert.Equal("The line search works with full-batch plain gradient descent only, not with the adam optimizer. Drop `LineSearch`, or use the default optimizer without `BatchSize`.", e.Message);
    }

    [Fact]
    public void TimeBudgetStopsALongRun()
    {
        var (data, _) = TestData.Random(5000, 20, 1, seed: 2);
        var objective = new LeastSquaresObjective(new InMemoryEngine(data, true), LossScaling.Mean);
        var run = GradientDescent.Minimize(objective, new GradientDescentOptions
        {
            LearningRate = 1e-4, Tolerance = 0, MaxIterations = 10_000_000, TimeBudget = TimeSpan.FromMilliseconds(50),
        });
        Assert.Equal(StopReason.TimeBudget, run.StopReason);
        Assert.True(run.Iterations < 10_000_000, $"{run.Iterations} iterations: the budget did not stop the run");
    }

    [Fact]
    public void ConjugateGradientReachesTheExactSolutionInAboutPSteps()
    {
        var (data, _) = TestData.Random(300, 8, 1, seed: 13);
        var objective = new LeastSquaresObjective(new InMemoryEngine(data, true), LossScaling.Mean);
        var run = ConjugateGradient.Minimize(objective, new GradientDescentOptions { Tolerance = 0, GradientTolerance = 1e-13 });
        var exact = ExactLeastSquares.Solve(data).Model.Parameters.ToArray();
        Assert.True(run.Iterations <= 2 * 9 + 1, $"{run.Iterations} iterations");
        for (int i = 0; i < exact.Length; i++)
            Assert.Equal(exact[i], run.Parameters[i], 10);
    }

    [Fact]
    public void RidgeByGradientDescentAndConjugateGradientMatchesTheAugmentedLeastSquaresSolution()
    {
        // min ½‖y − Xw‖² + ½λ‖w‖² equals least squares on [X; √λ I], [y; 0] (sum loss, no intercept, raw features).
        var (data, _) = TestData.Random(40, 4, 1, seed: 5);
        double lambda = 7.5;
        int n = data.Rows, d = data.Features;
        var x = new double[(n + d) * d];
        var y = new double[n + d];
        data.X.CopyTo(x);
        data.Y.CopyTo(y);
        for (int j = 0; j < d; j++) x[(n + j) * d + j] = Math.Sqrt(lambda);
        var expected = ExactLeastSquares.Solve(new Dataset(x, y, n + d, d), fitIntercept: false).Model.Parameters.ToArray();

        var gd = new GradientDescentOptions { LossScaling = LossScaling.Sum, Tolerance = 0, GradientTolerance = 1e-11, MaxIterations = 100_000, RelativeGapTolerance = 0 };
        foreach (var method in new[] { SolverMethod.GradientDescent, SolverMethod.ConjugateGradient })
        {
            var fit = new LinearRegressor(new LinearRegressorOptions
            {
                Method = method, FitIntercept = false, Penalty = Penalty.Ridge(lambda), GradientDescent = gd,
            }).Fit(data);
            for (int j = 0; j < d; j++)
                Assert.Equal(expected[j], fit.Model.Coefficients()[j], 9);
        }
    }

    [Theory]
    [InlineData("gd")]
    [InlineData("fista")]
    public void LassoSolutionSatisfiesItsOptimalityConditions(string optimizer)
    {
        // KKT for ½‖y − Xw − b‖²/n + λ‖w‖₁: g_j = −λ sign(w_j) where w_j ≠ 0, |g_j| ≤ λ where w_j = 0.
        var (data, _) = TestData.Random(100, 6, 1, seed: 21, noise: 0.5);
        double lambda = 0.2;
        var fit = new LinearRegressor(new LinearRegressorOptions
        {
            Penalty = Penalty.Lasso(lambda),
            GradientDescent = new() { Optimizer = Lsgd.Tests.Optimizers.OptimizerContractTest.Create(optimizer), LossScaling = LossScaling.Mean, Tolerance = 0, GradientTolerance = 1e-10, MaxIterations = 200_000, RelativeGapTolerance = 0 },
        }).Fit(data);
        Assert.Equal(StopReason.GradientNormBelowTolerance, fit.Training!.StopReason);
        var theta = fit.Model.Parameters.ToArray();
        var g = new double[theta.Length];
        new LeastSquaresObjective(new InMemoryEngine(data, true), LossScaling.Mean).Evaluate(theta, g);
        int zeros = 0;
        for (int j = 0; j < data.Features; j++)
        {
            if (theta[j] == 0) { zeros++; Assert.True(Math.Abs(g[j]) <= lambda + 1e-8, $"|g{j}| = {Math.Abs(g[j])}"); }
            else Assert.Equal(-lambda * Math.Sign(theta[j]), g[j], 7);
        }
        Assert.Equal(0, g[data.Features], 8);   // the intercept is not penalised
        Assert.True(zeros >= 1, "λ = 0.2 should zero at least one weak coefficient");
    }

    [Fact]
    public void EarlyStoppingKeepsTheParametersBestOnValidation()
    {
        // 60 noise features, 120 rows: the training loss keeps falling while the validation loss turns up.
        var rng = new Random(4);
        int n = 120, d = 60;
        var x = new double[n * d];
        var y = new double[n];
        for (int i = 0; i < x.Length; i++) x[i] = TestData.Gaussian(rng);
        for (int i = 0; i < n; i++) y[i] = x[i * d] + TestData.Gaussian(rng);
        var fit = new LinearRegressor(new LinearRegressorOptions
        {
            ValidationFraction = 0.3, Standardize = true,
            GradientDescent = new() { LossScaling = LossScaling.Mean, LearningRate = 0.05, Tolerance = 0, MaxIterations = 20_000, Patience = 20, Seed = 1 },
        }).Fit(new Dataset(x, y, n, d));
        Assert.Equal(StopReason.EarlyStopped, fit.Training!.StopReason);
        Assert.True(fit.Training.Iterations < 20_000);
        Assert.NotNull(fit.Training.ValidationLoss);
        Assert.Contains("the validation rows are held out", fit.Optimality!.CertificateSource);
    }

    [Fact]
    public void SchedulesArePureFunctionsOfTheStep()
    {
        Assert.Equal(1.0, ConstantSchedule.Instance.Factor(12345));
        Assert.Equal(1 / Math.Sqrt(4), new InverseScalingSchedule(0.5).Factor(3), 15);
        Assert.Equal(0.25, new StepDecaySchedule(10, 0.5).Factor(25));
        Assert.Equal(0.5, new CosineSchedule(100).Factor(50), 15);
        Assert.Equal(0.0, new CosineSchedule(100).Factor(1000), 15);
        Assert.Equal(0.1, new WarmUpSchedule(10).Factor(0), 15);
        Assert.Equal(0.5, new WarmUpSchedule(4, new StepDecaySchedule(2, 0.5)).Factor(3), 15);
        Assert.Equal(0.25, new WarmUpSchedule(4, new StepDecaySchedule(2, 0.5)).Factor(0), 15);
    }

    public static TheoryData<Func<object>, string> InvalidOptions() => new()
    {
        { () => new GradientDescentOptions { BatchSize = 0 }, "BatchSize = 0 is not allowed: it must be an integer >= 1. Try 32, or leave it unset for full-batch gradient descent." },
        { () => new GradientDescentOptions { Patience = 0 }, "Patience = 0 is not allowed: it must be an integer >= 1. Try 10." },
        { () => new Momentum(1.0), "Momentum = 1 is not allowed: it must be a number in [0, 1). Try 0.9." },
        { () => new Adam(beta2: 1), "Beta2 = 1 is not allowed: it must be a number in [0, 1). Try 0.999." },
        { () => Penalty.Ridge(-1), "L2 = -1 is not allowed: it must be a finite number >= 0 (0 turns the rule off). Try 0.01, or 0 for no ridge penalty." },
        { () => Penalty.ElasticNet(1, 1.5), "L1Ratio = 1.5 is not allowed: it must be a number in [0, 1]. Try 0.5." },
        { () => new LinearRegressorOptions { ValidationFraction = 1 }, "ValidationFraction = 1 is not allowed: it must be a number in [0, 1). Try 0.2, or 0 to use every row for training." },
        { () => new StepDecaySchedule(0), "Every = 0 is not allowed: it must be an integer >= 1. Try 100." },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void EachInvalidOptionSaysWhatWasReceivedWhatIsAllowedAndWhatToTry(Func<object> make, string message)
    {
        var e = Assert.Throws<InvalidOptionException>(make);
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void SinglePrecisionDataFitsWithStandardisationAndAValidationSplit()
    {
        var (data, _) = TestData.Random(400, 3, 1, seed: 14);
        var single = Dataset.FromSingle([.. data.X.ToArray().Select(v => (float)v)], data.Y.ToArray(), 400, 3);
        var fit = new LinearRegressor(new LinearRegressorOptions
        {
            Standardize = true, ValidationFraction = 0.25,
            GradientDescent = new() { LossScaling = LossScaling.Mean, Tolerance = 0, GradientTolerance = 1e-10, MaxIterations = 10_000 },
        }).Fit(single);
        Assert.Equal(EngineKind.Rows, fit.Engine);
        Assert.True(fit.Statistics[0].RSquared > 0.9);
    }

    [Fact]
    public void StatisticsEngineCountsNoDataPassesForItsSteps()
    {
        var (data, _) = TestData.Random(60_000, 4, 1, seed: 15);
        var fit = new LinearRegressor(new LinearRegressorOptions
        {
            Standardize = true, GradientDescent = new() { LossScaling = LossScaling.Mean, Tolerance = 0, GradientTolerance = 1e-10 },
        }).Fit(data);
        Assert.Equal(EngineKind.Statistics, fit.Engine);
        Assert.True(fit.Training!.Iterations > 2);
        Assert.Equal(0, fit.Training.DataPasses);
    }

    [Fact]
    public void ExactSolverRefusesAPenaltyWithWhatToUseInstead()
    {
        var e = Assert.Throws<LsgdException>(() => new LinearRegressor(new LinearRegressorOptions
        {
            Method = SolverMethod.Exact, Penalty = Penalty.Ridge(1),
        }).Fit(TestData.ArticlePoints()));
        Assert.Equal("The exact solver fits plain least squares, without a penalty (got L1 = 0, L2 = 1). Use `Method = ConjugateGradient` for ridge, or `Method = GradientDescent` for lasso and elastic net.", e.Message);
    }
}
