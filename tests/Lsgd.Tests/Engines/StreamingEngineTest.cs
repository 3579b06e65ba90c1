using Lsgd.Data;
using Lsgd.Engines;
using Lsgd.Estimators;
using Lsgd.Models;
using Lsgd.Training;

namespace Lsgd.Tests.Engines;

public class StreamingEngineTest
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public void StreamedPassEqualsTheInMemoryPass(int chunkRows)
    {
        var (data, _) = TestData.Random(500, 4, 2, seed: 3);
        var stream = new StreamingEngine(new DatasetRowSource(data), true, data.Rows, chunkRows: chunkRows);
        var memory = new InMemoryEngine(data, true);
        var theta = Enumerable.Range(0, memory.Layout.Count).Select(i => Math.Cos(i)).ToArray();
        var g1 = new double[theta.Length];
        var g2 = new double[theta.Length];
        Assert.Equal(memory.Evaluate(theta, g1), stream.Evaluate(theta, g2), 1e-9);
        for (int i = 0; i < g1.Length; i++) Assert.Equal(g1[i], g2[i], 1e-9);
    }

    [Fact]
    public void FittingASourceGivesTheSameModelAsFittingTheDataset()
    {
        var (data, _) = TestData.Random(3000, 5, 1, seed: 8);
        var options = new LinearRegressorOptions
        {
            Standardize = true,
            GradientDescent = new() { LossScaling = LossScaling.Mean, Tolerance = 0, GradientTolerance = 1e-12, MaxIterations = 100_000 },
        };
        var fromSource = new LinearRegressor(options).Fit(new DatasetRowSource(data));
        var fromMemory = new LinearRegressor(options).Fit(data);
        Assert.Equal(EngineKind.Statistics, fromSource.Engine);
        for (int j = 0; j < 6; j++)
            Assert.Equal(fromMemory.Model.Parameters[j], fromSource.Model.Parameters[j], 9);
        Assert.Equal(fromMemory.Statistics[0].RSquared, fromSource.Statistics[0].RSquared, 12);
    }

    [Fact]
    public void MiniBatchFitOfASourceStreamsAndConverges()
    {
        var (data, _) = TestData.Random(2000, 3, 1, seed: 4);
        var fit = new LinearRegressor(new LinearRegressorOptions
        {
            Standardize = true,
            GradientDescent = new() { BatchSize = 32, LearningRate = 0.01, MaxIterations = 60, Tolerance = 0, LossScaling = LossScaling.Mean,
                Schedule = new Schedules.CosineSchedule(60 * 63) },
        }).Fit(new DatasetRowSource(data));
        Assert.Equal(EngineKind.Stream, fit.Engine);
        Assert.True(fit.Optimality!.RelativeCoefficientDistance < 1e-2, $"{fit.Optimality.RelativeCoefficientDistance}");
    }

    [Fact]
    public void SinglePrecisionFeaturesGiveTheSameFitAsTheirDoubleCopy()
    {
        var (data, _) = TestData.Random(800, 6, 1, seed: 6);
        var single = Dataset.FromSingle([.. data.X.ToArray().Select(v => (float)v)], data.Y.ToArray(), 800, 6);
        var options = new LinearRegressorOptions { Method = SolverMethod.ConjugateGradient, GradientDescent = new() { Tolerance = 0, GradientTolerance = 1e-12 } };
        var a = new LinearRegressor(options).Fit(single);
        var b = new LinearRegressor(options).Fit(single.ToDoublePrecision());
        for (int j = 0; j < 7; j++)
            Assert.Equal(b.Model.Parameters[j], a.Model.Parameters[j], 10);
        Assert.True(single.IsSinglePrecision);
    }
}
