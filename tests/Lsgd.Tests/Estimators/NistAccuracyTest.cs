using Lsgd.Estimators;
using Lsgd.Models;
using Lsgd.Training;

namespace Lsgd.Tests.Estimators;

/// <summary>Every method through the estimator, on NIST's certified datasets (digits as LRE, capped at 15).</summary>
public class NistAccuracyTest
{
    [Theory]
    [InlineData("Norris")]
    [InlineData("Pontius")]
    [InlineData("NoInt1")]
    [InlineData("Longley")]
    public void ConjugateGradientMatchesEveryCertifiedCoefficientToEightDigits(string name) =>
        AssertDigits(name, SolverMethod.ConjugateGradient, 8);

    [Theory]
    [InlineData("Norris")]
    [InlineData("Pontius")]
    [InlineData("NoInt1")]
    [InlineData("Longley")]
    public void AutoMethodIsCertifiedAndMatchesEveryCertifiedCoefficientToSixDigits(string name)
    {
        var fit = AssertDigits(name, SolverMethod.Auto, 6, certified: true);
        Assert.True(fit.Converged, fit.NotConvergedReason);
        if (fit.Training is not null)
            Assert.True(fit.Optimality!.RelativeObjectiveGap <= 1e-10, $"{name}: {fit.Optimality.RelativeObjectiveGap:E2}");
    }

    private static LinearFit AssertDigits(string name, SolverMethod method, double digits, bool certified = false)
    {
        var nist = TestData.LoadNist(name);
        var fit = new LinearRegressor(new LinearRegressorOptions
        {
            Method = method, FitIntercept = nist.Intercept, Standardize = true,
            GradientDescent = new GradientDescentOptions
            {
                LossScaling = LossScaling.Mean, Tolerance = 0, GradientTolerance = certified ? 0 : 1e-15, MaxIterations = 1000,
                RelativeGapTolerance = certified ? 1e-10 : 0,
            },
        }).Fit(nist.Data);
        var estimates = Solvers.ExactLeastSquaresTest.Estimates(fit.Model, nist.Intercept);
        for (int j = 0; j < estimates.Length; j++)
            Assert.True(TestData.Lre(estimates[j], nist.Beta[j]) >= digits,
                $"{name} {method} B{j}: {estimates[j]:R} vs {nist.Beta[j]:R} ({TestData.Lre(estimates[j], nist.Beta[j]):F1} digits; {fit.Training?.Message})");
        return fit;
    }
}
