using Lsgd.Data;
using Lsgd.Estimators;
using Lsgd.Training;

namespace Lsgd.Tests.Estimators;

/// <summary>
/// Auto's run from the normal equations' solution aims at a gap tighter than the tolerance (where the bound on the
/// coefficients reaches eleven digits); on ill-conditioned data the statistics' rounding stops it short of that. The
/// fit is then certified at the tolerance asked for, and its stop reason, message and verdict must all say so.
/// </summary>
public class WarmStartVerdictTest
{
    /// <summary>Enough rows for the statistics engine; features sharing one factor (κ of the scaled statistics ≈ 10⁷), three noisy outputs.</summary>
    private static Dataset Correlated()
    {
        const int n = 50_000, d = 12, k = 3;
        var rng = new Random(3);
        var x = new double[n * d];
        var y = new double[n * k];
        for (int i = 0; i < n; i++)
        {
            double common = TestData.Gaussian(rng);
            for (int j = 0; j < d; j++) x[i * d + j] = common + 1e-3 * TestData.Gaussian(rng) + 0.1 * j;
            for (int o = 0; o < k; o++)
            {
                double v = o;
                for (int j = 0; j < d; j++) v += Math.Cos(j + o) * x[i * d + j];
                y[i * k + o] = v + 0.3 * TestData.Gaussian(rng);
            }
        }
        return new Dataset(x, y, n, d, k);
    }

    [Fact]
    public void ARunStoppedShortOfAutosTighterGapIsCertifiedAtTheToleranceAndSaysSo()
    {
        // No QR affordable: the reference and the warm start come from the Cholesky of the statistics.
        var fit = new LinearRegressor(new LinearRegressorOptions { Method = SolverMethod.Auto, Standardize = true, QrBudget = 0 }).Fit(Correlated());
        var run = fit.Training!;
        Assert.Equal(EngineKind.Statistics, fit.Engine);
        Assert.Contains("started from the solution of the normal equations", fit.MethodChoice, StringComparison.Ordinal);
        Assert.Contains("Auto aimed further", run.Message, StringComparison.Ordinal);   // the case under test: stopped short of its own target

        Assert.True(fit.Converged, fit.NotConvergedReason);
        Assert.True(fit.Optimality!.RelativeObjectiveGap <= fit.Options.GradientDescent.RelativeGapTolerance);
        Assert.True(run.Converged);
        Assert.Equal(StopReason.Certified, run.StopReason);
        Assert.Equal("certified", fit.StopReasonName);
        Assert.DoesNotContain("Not converged", run.Message, StringComparison.Ordinal);
        Assert.StartsWith("Certified at iteration", run.Message, StringComparison.Ordinal);
        Assert.Contains("tolerance 1E-10", run.Message, StringComparison.Ordinal);
        Assert.Equal("certificate: relative objective gap ≤ 1E-10", run.ConvergenceTest);
        Assert.Equal(fit.Optimality.RelativeObjectiveGap, run.RelativeGapBound);
        // At the rounding floor the run stops within a few steps rather than running out its budget of ten.
        Assert.True(run.Iterations < 10, $"{run.Iterations} iterations: {run.Message}");
    }
}
