using Lsgd.Curves;

namespace Lsgd.Tests.Curves;

public class PolynomialFitTest
{
    [Fact]
    public void ExactDegreeFivePolynomialIsRecoveredToOnePartInABillion()
    {
        // p(x) = 1.5 − 2x + 0.75x² + 0.3x³ − 0.05x⁴ + 0.002x⁵ at 41 points over [0, 10]: no noise, so the
        // least-squares solution is p itself, and only rounding separates the fit from it.
        double[] c = [1.5, -2, 0.75, 0.3, -0.05, 0.002];
        var x = Enumerable.Range(0, 41).Select(i => i * 0.25).ToArray();
        var y = x.Select(v => c.Select((ck, k) => ck * Math.Pow(v, k)).Sum()).ToArray();
        var fit = CurveFitter.Polynomial(x, y, 5);
        Assert.Equal(["c0", "c1", "c2", "c3", "c4", "c5"], fit.ParameterNames);
        Assert.Equal(CurveFitMethod.Exact, fit.Method);
        Assert.Null(fit.StopReason);
        Assert.Equal(0, fit.Iterations);
        for (int k = 0; k <= 5; k++)
            Assert.True(Math.Abs(fit.Parameters[k] - c[k]) <= 1e-9 * Math.Abs(c[k]), $"c{k} = {fit.Parameters[k]:R}, expected {c[k]}");
        Assert.Equal(1, fit.RSquared, 12);
    }

    [Fact]
    public void PontiusMatchesNistCertifiedValuesToNineDigits()
    {
        // NIST StRD Pontius (tests/data/nist/Pontius.json): degree 2, x up to 3·10⁶, B2 ≈ −3·10⁻¹⁵.
        var nist = TestData.LoadNist("Pontius");
        var x = Enumerable.Range(0, nist.Data.Rows).Select(i => nist.Data.Feature(i, 0)).ToArray();
        var fit = CurveFitter.Polynomial(x, nist.Data.Y, 2);
        for (int k = 0; k <= 2; k++)
        {
            NonlinearFitTest.AssertDigits(fit.Parameters[k], nist.Beta[k], 9);
            NonlinearFitTest.AssertDigits(fit.StandardErrors[k], nist.BetaSd[k], 9);
        }
        NonlinearFitTest.AssertDigits(fit.ResidualStandardDeviation, nist.ResidualSd, 9);
        NonlinearFitTest.AssertDigits(fit.RSquared, nist.RSquared, 9);
    }

    [Fact]
    public void HighDegreeOnFarFromZeroDataStaysWellConditioned()
    {
        // x in [1000, 1010] and y a degree-8 polynomial of u = x − 1005: the monomial design [1, x, …, x⁸] is
        // numerically singular there (ExactLeastSquares refuses it even centred and scaled: condition number
        // above 3e13), the Chebyshev one is not.
        var x = Enumerable.Range(0, 101).Select(i => 1000 + i * 0.1).ToArray();
        static double Truth(double v)
        {
            double u = v - 1005;
            return 1 + u - 0.3 * u * u + 0.01 * Math.Pow(u, 5) - 2e-5 * Math.Pow(u, 8);
        }
        var fit = CurveFitter.Polynomial(x, x.Select(Truth).ToArray(), 8);
        Assert.True(fit.ConditionNumber < 100, $"condition number {fit.ConditionNumber}");
        foreach (double v in new[] { 1000, 1002.35, 1007.5, 1010 })
            Assert.True(Math.Abs(fit.Predict(v) - Truth(v)) <= 1e-9 * Math.Max(1, Math.Abs(Truth(v))), $"at {v}: {fit.Predict(v):R} vs {Truth(v):R}");
    }

    [Fact]
    public void MonomialMapTakesChebyshevCoefficientsToPowersOfX()
    {
        // T2(t) = 2t² − 1 with t = (x − 5)/5: 2(x² − 10x + 25)/25 − 1 = 1 − 0.8x + 0.08x².
        var map = PolynomialFit.MonomialMap(2, 1 / 5.0, -1);
        Assert.Equal(1, map[0 * 3 + 2], 14);
        Assert.Equal(-0.8, map[1 * 3 + 2], 14);
        Assert.Equal(0.08, map[2 * 3 + 2], 14);
    }

    [Fact]
    public void ConstantXIsRefused()
    {
        var e = Assert.Throws<LsgdException>(() => CurveFitter.Polynomial([2, 2, 2], [1, 2, 3], 1));
        Assert.Equal("Every x is 2, so no curve in x is determined. Check that the right column was chosen as x.", e.Message);
    }

    [Fact]
    public void DegreeBelowOneIsRefused()
    {
        var e = Assert.Throws<InvalidOptionException>(() => CurveFitter.Polynomial([1, 2, 3], [1, 2, 3], 0));
        Assert.Equal("degree = 0 is not allowed: it must be an integer >= 1. Use 1 for a straight line, 2 for a parabola.", e.Message);
    }
}
