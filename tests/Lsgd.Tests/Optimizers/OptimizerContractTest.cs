using Lsgd.Data;
using Lsgd.Engines;
using Lsgd.Estimators;
using Lsgd.Models;
using Lsgd.Optimizers;
using Lsgd.Schedules;
using Lsgd.Solvers;
using Lsgd.Training;

namespace Lsgd.Tests.Optimizers;

/// <summary>One body run over every optimizer: each must land on the exact least-squares solution.</summary>
public class OptimizerContractTest
{
    public static TheoryData<string, int?, double> Optimizers() => new()
    {
        // name, batch size (null = full), required relative distance to θ*
        { "gd", null, 1e-9 },
        { "momentum", null, 1e-9 },
        { "nesterov", null, 1e-9 },
        { "fista", null, 1e-9 },
        { "adam", null, 1e-5 },
        { "rmsprop", null, 1e-4 },
        { "adagrad", null, 1e-6 },
        { "gd", 16, 1e-3 },
        { "momentum", 16, 1e-3 },
        { "adam", 16, 1e-2 },
    };

    internal static IOptimizer Create(string name) => OptimizerCatalog.Create(name);

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void ReachesTheExactSolution(string name, int? batch, double tolerance)
    {
        var (data, _) = TestData.Random(200, 5, 1, seed: 42);
        bool adaptive = name is "adam" or "rmsprop" or "adagrad";
        var options = new LinearRegressorOptions
        {
            Standardize = true,
            GradientDescent = new GradientDescentOptions
            {
                Optimizer = Create(name),
                BatchSize = batch,
                LossScaling = LossScaling.Mean,
                LearningRate = batch is null ? (adaptive ? 0.05 : null) : (adaptive ? 0.005 : name == "momentum" ? 0.005 : 0.05),
                // Adaptive and stochastic methods hover around θ* at a distance set by α: anneal it to zero.
                Schedule = adaptive || batch is not null ? new CosineSchedule(batch is null ? 20_000 : 1000) : ConstantSchedule.Instance,
                MaxIterations = batch is null ? 20_000 : 1000,
                Tolerance = 0,
                GradientTolerance = batch is null && !adaptive ? 1e-12 : 0,
                RelativeGapTolerance = 0,   // this test checks each optimizer's own rules, not the certified stop
                Seed = 3,
            },
        };
        var fit = new LinearRegressor(options).Fit(data);
        Assert.NotEqual(StopReason.Diverged, fit.Training!.StopReason);
        Assert.True(fit.Optimality!.RelativeCoefficientDistance < tolerance,
            $"{name} (batch {batch?.ToString() ?? "full"}): relative distance {fit.Optimality.RelativeCoefficientDistance:E2} ≥ {tolerance:E0}; {fit.Training.Message}");
    }

    [Fact]
    public void MiniBatchRunWithTheSameSeedIsBitIdenticalWithOneAndTwoThreads()
    {
        var (data, _) = TestData.Random(9000, 6, 2, seed: 8);   // three engine blocks
        double[] Run(int threads) => [.. new LinearRegressor(new LinearRegressorOptions
        {
            MaxThreads = threads, Standardize = true, CompareWithExact = false,
            GradientDescent = new() { Optimizer = new Adam(), BatchSize = 64, LearningRate = 0.01, MaxIterations = 3, Seed = 11, Tolerance = 0 },
        }).Fit(data).Model.Parameters.ToArray()];
        Assert.Equal(Run(1), Run(2));
    }

    [Fact]
    public void DifferentSeedsShuffleDifferently()
    {
        var (data, _) = TestData.Random(500, 3, 1, seed: 8);
        double[] Run(int seed) => [.. new LinearRegressor(new LinearRegressorOptions
        {
            CompareWithExact = false,
            GradientDescent = new() { BatchSize = 10, LearningRate = 0.01, MaxIterations = 1, Seed = seed, Tolerance = 0, LossScaling = LossScaling.Mean },
        }).Fit(data).Model.Parameters.ToArray()];
        Assert.NotEqual(Run(1), Run(2));
    }

    [Fact]
    public void AdamStateSurvivesACloneAndContinuesIdentically()
    {
        var optimizer = new Adam();
        var state = new OptimizerState(3);
        double[] theta = [1, 2, 3];
        optimizer.Update(theta, [0.5, -1, 2], 0.1, state);
        var copy = state.Clone();
        double[] a = (double[])theta.Clone(), b = (double[])theta.Clone();
        optimizer.Update(a, [0.1, 0.2, 0.3], 0.1, state);
        optimizer.Update(b, [0.1, 0.2, 0.3], 0.1, copy);
        Assert.Equal(a, b);
        Assert.Equal(2, copy.Step);
    }

    [Theory]
    [InlineData(0.5, 0.9, 0.7)]
    public void MomentumFollowsPyTorchsConvention(double g1, double mu, double g2)
    {
        // v₁ = g₁, θ₁ = θ₀ − α v₁; v₂ = μ v₁ + g₂, θ₂ = θ₁ − α v₂.
        var state = new OptimizerState(1);
        double[] theta = [0];
        var m = new Momentum(mu);
        m.Update(theta, [g1], 0.1, state);
        m.Update(theta, [g2], 0.1, state);
        Assert.Equal(-0.1 * g1 - 0.1 * (mu * g1 + g2), theta[0], 15);
    }
}
