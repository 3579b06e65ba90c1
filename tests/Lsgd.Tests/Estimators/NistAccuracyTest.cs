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
    public void AutoMethodMatchesEveryCertifiedCoefficientToTwelveDigits(string name) =>
        AssertDigits(name, SolverMethod.Auto, 12);

    private static void AssertDigits(string name, SolverMethod method, double digits)
    {
        var nist = TestData.LoadNist(name);
        var fit = new LinearRegressor(new LinearRegressorOptions
        {
            Method = method, FitIntercept = nist.Intercept, Standardize = true,
            GradientDescent = new GradientDescentOptions { LossScaling = LossScaling.Mean, Tolerance = 0, GradientTolerance = 1e-15, MaxIterations = 1000 },
        }).Fit(nist.Data);
        var estimates = Solvers.ExactLeastSquaresTest.Estimates(fit.Model, nist.Intercept);
        for (int j = 0; j < estimates.Length; j++)
            Assert.True(TestData.Lre(estimates[j], nist.Beta[j]) >= digits,
                $"{name} {method} B{j}: {estimates[j]:R} vs {nist.Beta[j]:R} ({TestData.Lre(estimates[j], nist.Beta[j]):F1} digits; {fit.Training?.Message})");
    }
}
