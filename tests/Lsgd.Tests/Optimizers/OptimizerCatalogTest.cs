using Lsgd.Engines;
using Lsgd.Models;
using Lsgd.Optimizers;
using Lsgd.Training;

namespace Lsgd.Tests.Optimizers;

/// <summary>The one name → optimizer mapping, and what each optimizer says it can do.</summary>
public class OptimizerCatalogTest
{
    public static TheoryData<string> Names() => [.. OptimizerCatalog.Names];

    [Theory]
    [MemberData(nameof(Names))]
    public void EachNameCreatesTheOptimizerOfThatName(string name) =>
        Assert.Equal(name, OptimizerCatalog.Create(name).Name);

    [Fact]
    public void TheNamesAreTheSevenDocumentedOnesWithTheArticlesFirst() =>
        Assert.Equal(["gd", "momentum", "nesterov", "adam", "adagrad", "rmsprop", "fista"], OptimizerCatalog.Names);

    [Fact]
    public void AnUnknownNameSaysWhichNamesExist()
    {
        var e = Assert.Throws<InvalidOptionException>(() => OptimizerCatalog.Create("sgd2"));
        Assert.Equal("Optimizer = sgd2 is not allowed: it must be one of gd, momentum, nesterov, adam, adagrad, rmsprop, fista. Try gd (the article's), or adam.", e.Message);
    }

    [Fact]
    public void MomentumIsPassedToMomentumAndNesterov()
    {
        Assert.Equal(0.5, ((Momentum)OptimizerCatalog.Create("momentum", 0.5)).Coefficient);
        var nesterov = (Momentum)OptimizerCatalog.Create("nesterov", 0.7);
        Assert.True(nesterov.Nesterov);
        Assert.Equal(0.7, nesterov.Coefficient);
    }

    [Theory]
    // name, monotone, line search, proximal, adaptive factor (NaN: α = 1/L)
    [InlineData("gd", true, true, true, double.NaN)]
    [InlineData("momentum", false, false, true, double.NaN)]
    [InlineData("nesterov", false, false, true, double.NaN)]
    [InlineData("fista", false, false, true, double.NaN)]
    [InlineData("adam", false, false, false, 0.01)]
    [InlineData("rmsprop", false, false, false, 0.01)]
    [InlineData("adagrad", false, false, false, 0.1)]
    public void EachOptimizerDeclaresWhatItCanDo(string name, bool monotone, bool lineSearch, bool proximal, double factor)
    {
        var o = OptimizerCatalog.Create(name);
        Assert.Equal(monotone, o.IsMonotone);
        Assert.Equal(lineSearch, o.SupportsLineSearch);
        Assert.Equal(proximal, o.SupportsProximal);
        Assert.Equal(double.IsNaN(factor) ? null : factor, o.AdaptiveLearningRateFactor);
    }

    [Fact]
    public void TheTrainerTakesTheAutomaticStepFromTheOptimizersDeclaration()
    {
        // An optimizer the trainer has never heard of gets α = factor × RMS residual because it says it is adaptive.
        var objective = new LeastSquaresObjective(new InMemoryEngine(TestData.ArticlePoints(), true), LossScaling.Sum);
        var run = GradientDescent.Minimize(objective, new GradientDescentOptions { Optimizer = new Custom(), MaxIterations = 1 });
        double rms = Math.Sqrt(2 * 142.5 / 5);   // J(0) = ½Σy² = 142.5 over 5 rows
        Assert.Equal(0.25 * rms, run.LearningRate, 12);
        Assert.StartsWith("auto: 0.25 × ", run.LearningRateSource);
    }

    [Fact]
    public void AnAdaptiveOptimizerIsRefusedForALassoItCannotSolveExactly()
    {
        var objective = new LeastSquaresObjective(new InMemoryEngine(TestData.ArticlePoints(), true), LossScaling.Sum, Penalty.Lasso(0.1));
        var e = Assert.Throws<LsgdException>(() => GradientDescent.Minimize(objective, new GradientDescentOptions { Optimizer = new Adam() }));
        Assert.Equal("The adam optimizer scales each coordinate's step, so it cannot apply the L1 penalty's proximal step exactly. Use `Optimizer = gd` or fista for lasso and elastic net.", e.Message);
    }

    private sealed class Custom : IOptimizer
    {
        public string Name => "custom";

        public double? AdaptiveLearningRateFactor => 0.25;

        public void Update(Span<double> theta, ReadOnlySpan<double> gradient, double learningRate, OptimizerState state, Proximal? proximal = null)
        {
            for (int i = 0; i < theta.Length; i++) theta[i] -= learningRate * Math.Sign(gradient[i]);
            state.Step++;
        }
    }
}
