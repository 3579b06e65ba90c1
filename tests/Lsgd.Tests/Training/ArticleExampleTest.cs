using Lsgd.Engines;
using Lsgd.Models;
using Lsgd.Training;

namespace Lsgd.Tests.Training;

/// <summary>The article's worked example (section 4.3), with the corrected numbers of NOTES.md.</summary>
public class ArticleExampleTest
{
    private static LeastSquaresObjective Objective() =>
        new(new InMemoryEngine(TestData.ArticlePoints(), fitIntercept: true), LossScaling.Sum);

    [Fact]
    public void FirstIterationUsesGradientMinus125AndMinus35()
    {
        var run = GradientDescent.Minimize(Objective(), new GradientDescentOptions { LearningRate = 0.01, MaxIterations = 3 });
        var first = run.Trace[0];
        Assert.Equal(1, first.K);
        Assert.Equal([-125.0, -35.0], first.Gradient);
        Assert.Equal(1.25, first.Parameters[0], 12);
        Assert.Equal(0.35, first.Parameters[1], 12);
        Assert.Equal(23.8375, first.Loss, 10);
    }

    [Fact]
    public void SecondAndThirdIterationsMatchTheCorrectedWorkedExample()
    {
        var run = GradientDescent.Minimize(Objective(), new GradientDescentOptions { LearningRate = 0.01, MaxIterations = 3 });
        Assert.Equal(-51.0, run.Trace[1].Gradient[0], 10);
        Assert.Equal(-14.5, run.Trace[1].Gradient[1], 10);
        Assert.Equal(1.76, run.Trace[1].Parameters[0], 12);
        Assert.Equal(0.495, run.Trace[1].Parameters[1], 12);
        Assert.Equal(1.96775, run.Trace[2].Parameters[0], 12);
        Assert.Equal(0.55625, run.Trace[2].Parameters[1], 12);
        Assert.Equal(StopReason.MaxIterations, run.StopReason);
        Assert.Equal(3, run.Iterations);
        Assert.Equal(4, run.LossHistory.Count);
    }

    [Theory]
    [InlineData(1e-6, 425, 2.003111595766, 0.988766151981)]
    [InlineData(1e-9, 831, 2.000099149543, 0.999642038691)]
    [InlineData(1e-12, 1238, 2.000003132650, 0.999988690141)]
    public void ArticleStoppingRuleStopsWhereNotesSay(double tolerance, int iterations, double w, double b)
    {
        var run = GradientDescent.Minimize(Objective(), new GradientDescentOptions { LearningRate = 0.01, Tolerance = tolerance });
        Assert.Equal(StopReason.LossChangeBelowTolerance, run.StopReason);
        Assert.Equal(iterations, run.Iterations);
        Assert.Equal(w, run.Parameters[0], 9);
        Assert.Equal(b, run.Parameters[1], 9);
    }

    [Fact]
    public void GradientNormRuleConvergesToTwoAndOneWithinOneMillionth()
    {
        var run = GradientDescent.Minimize(Objective(),
            new GradientDescentOptions { LearningRate = 0.01, Tolerance = 0, GradientTolerance = 1e-9, MaxIterations = 100_000 });
        Assert.Equal(StopReason.GradientNormBelowTolerance, run.StopReason);
        Assert.Equal(2.0, run.Parameters[0], 6);
        Assert.Equal(1.0, run.Parameters[1], 6);
        Assert.True(Math.Abs(run.Parameters[0] - 2) < 1e-6 && Math.Abs(run.Parameters[1] - 1) < 1e-6);
    }

    [Fact]
    public void TooLargeLearningRateStopsAsDivergedNamingIterationAndSafeBound()
    {
        var run = GradientDescent.Minimize(Objective(),
            new GradientDescentOptions { LearningRate = 0.05, MaxIterations = 100_000 });
        Assert.Equal(StopReason.Diverged, run.StopReason);
        Assert.Contains($"at iteration {run.Iterations}", run.Message);
        Assert.Contains("α = 0.05 is too large", run.Message);
        // Hessian [[55,15],[15,5]]: L ≈ 59.155, so 2/L ≈ 0.03381.
        Assert.Contains("2/L = 0.03381", run.Message);
        Assert.All(run.Parameters, v => Assert.True(double.IsFinite(v)));
        Assert.True(run.LossHistory[^1] > run.LossHistory[^2], "the run stops at the first rise of J");
    }

    [Fact]
    public void CurvatureEstimateIsTheLargestHessianEigenvalue()
    {
        double l = Objective().LargestCurvature();
        double exact = 30 + Math.Sqrt(25 * 25 + 15 * 15);   // eigenvalues of [[55,15],[15,5]]
        Assert.Equal(exact, l, 6);
    }
}
