using Lsgd.Data;
using Lsgd.Engines;
using Lsgd.Models;
using Lsgd.Solvers;
using Lsgd.Training;

namespace Lsgd.Tests.Training;

/// <summary>"Converged" never lies: it holds only with a certificate that holds, or at a stationary point.</summary>
public class ConvergenceTest
{
    private static LeastSquaresObjective Article() => new(new InMemoryEngine(TestData.ArticlePoints(), fitIntercept: true), LossScaling.Sum);

    /// <summary>J* = 0 for the article's points (they lie on y = 2x + 1), so the gap is relative to J(0) = 142.5.</summary>
    private static KnownOptimumCertificate ArticleCertificate() => new(0, 142.5, "the exact solution");

    [Theory]
    [InlineData(1e-6, 425, false)]
    [InlineData(1e-9, 831, false)]
    [InlineData(1e-12, 1238, true)]
    public void TheArticlesStopsStayPutAndAreConvergedOnlyWhereTheCertificateHolds(double tolerance, int iterations, bool converged)
    {
        var run = GradientDescent.Minimize(Article(), new GradientDescentOptions { LearningRate = 0.01, Tolerance = tolerance, StopWhenCertified = false },
            certificate: ArticleCertificate());
        Assert.Equal(StopReason.LossChangeBelowTolerance, run.StopReason);
        Assert.Equal(iterations, run.Iterations);
        Assert.Equal(converged, run.Converged);
        Assert.Equal(run.FinalLoss / 142.5, run.RelativeGapBound, 1e-20);
        Assert.Equal(converged, run.RelativeGapBound <= 1e-10);
        if (!converged) Assert.Contains("Not converged: the relative objective gap is at most", run.Message);
    }

    [Fact]
    public void WithTheCertifiedStopOnTheRunStopsAsSoonAsTheGapIsWithinTolerance()
    {
        var run = GradientDescent.Minimize(Article(), new GradientDescentOptions { LearningRate = 0.01 }, certificate: ArticleCertificate());
        Assert.Equal(StopReason.Certified, run.StopReason);
        Assert.True(run.Converged);
        Assert.True(run.Iterations is > 831 and < 1238, $"{run.Iterations}");
        Assert.True(run.FinalLoss / 142.5 <= 1e-10);
        Assert.Equal("certificate: relative objective gap ≤ 1E-10", run.ConvergenceTest);
    }

    [Fact]
    public void AStopByTheArticlesRuleWithoutACertificateIsNotConverged()
    {
        var run = GradientDescent.Minimize(Article(), new GradientDescentOptions { LearningRate = 0.01, Tolerance = 1e-12 });
        Assert.Equal(StopReason.LossChangeBelowTolerance, run.StopReason);
        Assert.False(run.Converged);
        var stationary = GradientDescent.Minimize(Article(), new GradientDescentOptions { LearningRate = 0.01, Tolerance = 0, GradientTolerance = 1e-9, MaxIterations = 100_000 });
        Assert.True(stationary.Converged);
    }

    /// <summary>y on the powers x, x², …, x⁶ of x in [0, 1], raw: XᵀX is very ill-conditioned (κ ≈ 1e9).</summary>
    private static Dataset IllConditioned()
    {
        var rng = new Random(7);
        int n = 200, d = 6;
        var x = new double[n * d];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double t = rng.NextDouble();
            for (int j = 0; j < d; j++) x[i * d + j] = Math.Pow(t, j + 1);
            y[i] = Math.Sin(3 * t) + 0.01 * TestData.Gaussian(rng);
        }
        return new Dataset(x, y, n, d);
    }

    public static TheoryData<int, double, double, bool> ConjugateGradientSettings() => new()
    {
        // max iterations, |ΔJ| tolerance, gradient tolerance, certificate
        { 10_000, 1e-12, 0, false },
        { 10_000, 0, 0, false },
        { 10_000, 0, 1e-10, false },
        { 10_000, 1e-12, 0, true },
        { 10_000, 0, 0, true },
        { 40, 0, 0, true },
        { 10_000, 1e-6, 0, true },
    };

    [Theory]
    [MemberData(nameof(ConjugateGradientSettings))]
    public void ConjugateGradientOnIllConditionedDataNeverClaimsConvergedAboveItsGap(int maxIterations, double tolerance, double gradientTolerance, bool certified)
    {
        var data = IllConditioned();
        var exact = ExactLeastSquares.Solve(data);
        double optimal = 0.5 * exact.ResidualSumOfSquares[0];
        var objective = new LeastSquaresObjective(new InMemoryEngine(data, true), LossScaling.Sum);
        double initial = 0.5 * data.Y.ToArray().Sum(v => v * v);
        var certificate = certified ? new KnownOptimumCertificate(optimal, initial, "the exact solution (QR)") : null;
        var options = new GradientDescentOptions { MaxIterations = maxIterations, Tolerance = tolerance, GradientTolerance = gradientTolerance };
        var run = ConjugateGradient.Minimize(objective, options, certificate: certificate);
        double gap = (run.FinalLoss - optimal) / optimal;
        if (run.Converged)
        {
            if (certified) Assert.True(gap <= 1e-10 * (1 + 1e-6), $"claimed converged at a relative gap of {gap:G3}: {run.Message}");
            else Assert.True(run.GradientNorm < gradientTolerance || run.GradientNorm == 0, run.Message);
        }
        if (certified && gap > 1e-10 * (1 + 1e-6)) Assert.False(run.Converged, run.Message);
        if (!certified && gradientTolerance == 0) Assert.False(run.Converged, $"no certificate and no gradient tolerance, yet converged: {run.Message}");
        if (run.StopReason == StopReason.RoundingLimit) Assert.Contains("A stall is not convergence", run.Message);
        if (certified && maxIterations == 10_000 && tolerance == 0)
        {
            Assert.Equal(StopReason.Certified, run.StopReason);   // CG stops on its certificate
            Assert.True(run.Converged);
        }
    }
}
