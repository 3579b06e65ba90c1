using Lsgd.Data;
using Lsgd.Estimators;
using Lsgd.Internals;
using Lsgd.Models;
using Lsgd.Solvers;

namespace Lsgd.Tests.Estimators;

/// <summary>
/// Student-t and F distributions, and the regression report built on them.
/// </summary>
/// <remarks>
/// Reference values marked "mpmath" were computed with mpmath 1.3 at 50 significant digits (betainc with
/// regularized=True, findroot on it); the others are closed forms: for 1 degree of freedom the t CDF is
/// ½ + atan(t)/π, for 2 it is ½ + t/(2√(2 + t²)), and P(F &gt; f; 2, d₂) = (1 + 2f/d₂)^(−d₂/2).
/// NIST's certified F statistics are from the StRD pages of Longley (330.285339234588) and NoInt1 (15750.2500000000).
/// </remarks>
public class InferenceTest
{
    private static void AssertRelative(double expected, double actual, double tolerance)
    {
        double error = Math.Abs(actual - expected) / Math.Abs(expected);
        Assert.True(error <= tolerance, $"expected {expected:R}, got {actual:R} (relative error {error:E2} > {tolerance:E0})");
    }

    private static void AssertDigits(double certified, double actual, double digits, string what) =>
        Assert.True(TestData.Lre(actual, certified) >= digits,
            $"{what}: {actual:R} vs certified {certified:R} ({TestData.Lre(actual, certified):F1} digits < {digits})");

    [Theory]
    [InlineData(0.975, 10, 2.228138851986274748)]    // mpmath; R qt(0.975, 10) = 2.228139
    [InlineData(0.975, 1, 12.706204736174704646)]    // = cot(π/40)
    [InlineData(0.975, 2, 4.302652729749463852)]     // mpmath
    [InlineData(0.975, 3.5, 2.940088637982729794)]   // mpmath, non-integer dof
    [InlineData(0.975, 30, 2.042272456301238310)]    // mpmath
    [InlineData(0.975, 1e6, 1.959966356814107035)]   // mpmath; the normal's 1.959963984540054 + (z³ + z)/(4ν) + …
    [InlineData(0.025, 10, -2.228138851986274748)]   // symmetry
    [InlineData(0.5, 7, 0.0)]
    public void StudentTQuantileMatchesReferenceValuesToTwelveDigits(double p, double dof, double expected)
    {
        double t = SpecialFunctions.StudentTQuantile(p, dof);
        if (expected == 0) Assert.Equal(0, t);
        else AssertRelative(expected, t, 1e-12);
    }

    [Theory]
    [InlineData(1e-3)]
    [InlineData(1e-10)]
    [InlineData(1e-200)]
    public void StudentTQuantileFollowsTheClosedFormsFarIntoTheTail(double p)
    {
        // dof 1: t_p = tan(π(p − ½)) = −1/tan(πp). dof 2: t_p = (2p − 1)/√(2p(1 − p)).
        AssertRelative(-1 / Math.Tan(Math.PI * p), SpecialFunctions.StudentTQuantile(p, 1), 1e-12);
        AssertRelative((2 * p - 1) / Math.Sqrt(2 * p * (1 - p)), SpecialFunctions.StudentTQuantile(p, 2), 1e-12);
    }

    [Fact]
    public void TwoSidedPValueAtTheCriticalValueIsFivePercent()
    {
        // mpmath: P(|T₁₀| ≥ 2.228138851986274) = 0.0500000000000000634 (the argument is t₀.₉₇₅ rounded to 16 digits).
        AssertRelative(0.0500000000000000634, SpecialFunctions.StudentTTwoSidedP(2.228138851986274, 10), 1e-13);
        AssertRelative(0.0500000000000000634, SpecialFunctions.StudentTTwoSidedP(-2.228138851986274, 10), 1e-13);
        Assert.Equal(1.0, SpecialFunctions.StudentTTwoSidedP(0, 10));
    }

    [Fact]
    public void TinyTwoSidedPValuesKeepTheirRelativeAccuracy()
    {
        // 1 − CDF would give 0 or noise for all of these.
        AssertRelative(2.474310329302679975e-13, SpecialFunctions.StudentTTwoSidedP(50, 10), 1e-12);        // mpmath
        AssertRelative(2.561224111374078857e-12, SpecialFunctions.StudentTTwoSidedP(7, 1e6), 1e-10);        // mpmath
        AssertRelative(2 * Math.Atan(1e-10) / Math.PI, SpecialFunctions.StudentTTwoSidedP(1e10, 1), 1e-13); // dof 1
        double t = 1e6, root = Math.Sqrt(2 + t * t);
        // dof 2: 1 − t/√(2 + t²) = 2/((√(2 + t²) + t)·√(2 + t²)), free of cancellation.
        AssertRelative(2 / ((root + t) * root), SpecialFunctions.StudentTTwoSidedP(t, 2), 1e-13);
    }

    [Theory]
    [InlineData(-1e8)]
    [InlineData(-30)]
    [InlineData(-1.5)]
    [InlineData(-0.01)]
    [InlineData(0.3)]
    [InlineData(4)]
    public void StudentTCdfMatchesTheClosedFormsForOneAndTwoDegreesOfFreedom(double t)
    {
        // Lower tails (t < 0) in cancellation-free form: atan(1/|t|)/π and 1/(√(2 + t²)·(√(2 + t²) + |t|)).
        double root = Math.Sqrt(2 + t * t);
        double one = t < 0 ? Math.Atan(-1 / t) / Math.PI : 0.5 + Math.Atan(t) / Math.PI;
        double two = t < 0 ? 1 / (root * (root - t)) : 0.5 + t / (2 * root);
        AssertRelative(one, SpecialFunctions.StudentTCdf(t, 1), 1e-13);
        AssertRelative(two, SpecialFunctions.StudentTCdf(t, 2), 1e-13);
    }

    [Theory]
    [InlineData(0.1, 1)]
    [InlineData(3.7, 7.5)]
    [InlineData(2.5, 30)]
    [InlineData(1e3, 30)]
    [InlineData(0.02, 1000)]
    [InlineData(9, 5000)]
    public void FUpperTailWithTwoNumeratorDegreesOfFreedomIsExact(double f, double d2)
    {
        // P(F > f; 2, d₂) = I_x(d₂/2, 1) with x = d₂/(d₂ + 2f), which is x^(d₂/2) = (1 + 2f/d₂)^(−d₂/2).
        AssertRelative(Math.Pow(1 + 2 * f / d2, -d2 / 2), SpecialFunctions.FUpperTail(f, 2, d2), 1e-12);
    }

    [Fact]
    public void FUpperTailMatchesReferenceValuesIncludingTinyOnes()
    {
        AssertRelative(4.984030528724809126e-10, SpecialFunctions.FUpperTail(330.285339234588, 6, 9), 1e-12); // mpmath
        AssertRelative(2.531628186582947774e-17, SpecialFunctions.FUpperTail(15750.25, 1, 10), 1e-12);        // mpmath
        AssertRelative(1.577993104486531533e-9, SpecialFunctions.FUpperTail(1e6, 5, 3), 1e-12);               // mpmath
        Assert.Equal(1.0, SpecialFunctions.FUpperTail(0, 3, 4));
        Assert.Equal(0.0, SpecialFunctions.FUpperTail(double.PositiveInfinity, 3, 4));
    }

    [Fact]
    public void LogGammaAndIncompleteBetaMatchReferenceValues()
    {
        AssertRelative(0.5 * Math.Log(Math.PI), SpecialFunctions.LogGamma(0.5), 1e-14);
        AssertRelative(359.1342053695753987760, SpecialFunctions.LogGamma(100), 1e-14);   // mpmath
        AssertRelative(11.51291969289582570742, SpecialFunctions.LogGamma(1e-5), 1e-14);  // mpmath
        AssertRelative(1.428072326665387921872, SpecialFunctions.LogGamma(3.7), 1e-14);   // mpmath
        AssertRelative(Math.Log(362880), SpecialFunctions.LogGamma(10), 1e-14);           // 9!
        Assert.True(Math.Abs(SpecialFunctions.LogGamma(1)) < 1e-15 && Math.Abs(SpecialFunctions.LogGamma(2)) < 1e-15);
        // I_x(a, 1) = x^a, I_x(1, b) = 1 − (1 − x)^b, I_x(a, b) + I_{1−x}(b, a) = 1.
        AssertRelative(Math.Pow(0.3, 2.5), SpecialFunctions.RegularizedBeta(0.3, 2.5, 1), 1e-13);
        AssertRelative(1 - Math.Pow(0.6, 4), SpecialFunctions.RegularizedBeta(0.4, 1, 4), 1e-13);
        Assert.Equal(1.0, SpecialFunctions.RegularizedBeta(0.3, 2.5, 4) + SpecialFunctions.RegularizedBeta(0.7, 4, 2.5), 14);
    }

    [Fact]
    public void InvalidArgumentsGiveNaNRatherThanExceptions()
    {
        Assert.True(double.IsNaN(SpecialFunctions.StudentTTwoSidedP(1, 0)));
        Assert.True(double.IsNaN(SpecialFunctions.StudentTTwoSidedP(double.NaN, 5)));
        Assert.True(double.IsNaN(SpecialFunctions.StudentTQuantile(0.975, 0)));
        Assert.True(double.IsNaN(SpecialFunctions.StudentTQuantile(1.5, 3)));
        Assert.True(double.IsNaN(SpecialFunctions.FUpperTail(double.NaN, 1, 2)));
        Assert.True(double.IsNaN(SpecialFunctions.FUpperTail(2, 0, 2)));
    }

    [Fact]
    public void LongleyReportMatchesNistCertifiedValues()
    {
        var nist = TestData.LoadNist("Longley");
        var exact = ExactLeastSquares.Solve(nist.Data, nist.Intercept);
        var report = Assert.Single(RegressionReport.Compute(exact.Model, nist.Data, exact));

        Assert.Equal((16, 7, 9), (report.Observations, report.Parameters, report.DegreesOfFreedom));
        AssertDigits(nist.RSquared, report.RSquared, 10, "R²");
        AssertDigits(nist.ResidualSd, report.ResidualStandardDeviation, 10, "residual SD");
        AssertDigits(330.285339234588, report.FStatistic, 9, "F");
        AssertDigits(1 - (1 - nist.RSquared) * 15 / 9, report.AdjustedRSquared, 10, "adjusted R²");
        AssertRelative(4.984030528724809126e-10, report.FPValue, 1e-8); // mpmath at the certified F

        var terms = new[] { report.Intercept! }.Concat(report.Coefficients).ToArray();
        string[] names = ["(intercept)", .. nist.Data.FeatureNames];
        Assert.Equal(names, terms.Select(c => c.Term));
        double tCritical = SpecialFunctions.StudentTQuantile(0.975, 9);
        for (int j = 0; j < terms.Length; j++)
        {
            var c = terms[j];
            AssertDigits(nist.Beta[j], c.Estimate, 9, $"B{j}");
            AssertDigits(nist.BetaSd[j], c.StandardError, 9, $"SE(B{j})");
            Assert.Equal(c.Estimate / c.StandardError, c.T);
            Assert.Equal(SpecialFunctions.StudentTTwoSidedP(c.T, 9), c.P);
            AssertRelative(c.Estimate - tCritical * c.StandardError, c.Lower95, 1e-15);
            AssertRelative(c.Estimate + tCritical * c.StandardError, c.Upper95, 1e-15);
        }
    }

    [Fact]
    public void NoInterceptReportUsesUncentredRSquaredAndF()
    {
        var nist = TestData.LoadNist("NoInt1");
        var exact = ExactLeastSquares.Solve(nist.Data, nist.Intercept);
        var report = Assert.Single(RegressionReport.Compute(exact.Model, nist.Data, exact));

        Assert.Null(report.Intercept);
        Assert.Equal((11, 1, 10), (report.Observations, report.Parameters, report.DegreesOfFreedom));
        AssertDigits(nist.RSquared, report.RSquared, 10, "R²");
        AssertDigits(15750.25, report.FStatistic, 9, "F");
        AssertDigits(1 - (1 - nist.RSquared) * 11 / 10, report.AdjustedRSquared, 10, "adjusted R²");
        AssertRelative(2.531628186582947774e-17, report.FPValue, 1e-8); // mpmath at the certified F
        var slope = Assert.Single(report.Coefficients);
        AssertDigits(nist.BetaSd[0], slope.StandardError, 9, "SE(B1)");
        // With one parameter and no intercept, F = t².
        AssertRelative(slope.T * slope.T, report.FStatistic, 1e-12);
        AssertRelative(report.FPValue, slope.P, 1e-10);
    }

    [Fact]
    public void AsManyRowsAsParametersGivesNaNInferenceWithoutThrowing()
    {
        var data = Dataset.FromRows([[0, 0], [1, 0], [0, 1]], [1, 2, 4]);
        var exact = ExactLeastSquares.Solve(data);
        var report = Assert.Single(RegressionReport.Compute(exact.Model, data, exact));

        Assert.Equal(0, report.DegreesOfFreedom);
        Assert.Equal(1.0, report.RSquared, 12);
        double[] undefined = [report.AdjustedRSquared, report.ResidualStandardDeviation, report.FStatistic, report.FPValue];
        Assert.All(undefined, v => Assert.True(double.IsNaN(v)));
        foreach (var c in report.Coefficients.Append(report.Intercept!))
        {
            Assert.True(double.IsFinite(c.Estimate));
            Assert.All(new[] { c.StandardError, c.T, c.P, c.Lower95, c.Upper95 }, v => Assert.True(double.IsNaN(v)));
        }
    }

    [Fact]
    public void ReportsAnotherModelAtItsOwnEstimatesWithTheExactStandardErrors()
    {
        var (data, _) = TestData.Random(40, 3, 2, seed: 5);
        var exact = ExactLeastSquares.Solve(data);
        var theta = exact.Model.Parameters.ToArray();
        for (int i = 0; i < theta.Length; i++) theta[i] += 1e-3 * (i + 1);
        var model = new LinearModel(exact.Model.Layout, theta, data.FeatureNames, data.TargetNames);

        var reports = RegressionReport.Compute(model, data, exact);
        var statistics = FitStatistics.Compute(model, data);
        Assert.Equal(2, reports.Count);
        for (int o = 0; o < 2; o++)
        {
            Assert.Equal(data.TargetNames[o], reports[o].Target);
            Assert.Equal(statistics[o].RSquared, reports[o].RSquared);
            Assert.Equal(statistics[o].RootMeanSquaredError, reports[o].Rmse);
            Assert.Equal(statistics[o].MeanAbsoluteError, reports[o].Mae);
            Assert.Equal(model.Intercept(o), reports[o].Intercept!.Estimate);
            Assert.Equal(exact.InterceptStandardErrors[o], reports[o].Intercept!.StandardError);
            for (int j = 0; j < 3; j++)
            {
                Assert.Equal(model.Coefficients(o)[j], reports[o].Coefficients[j].Estimate);
                Assert.Equal(exact.StandardErrors[o][j], reports[o].Coefficients[j].StandardError);
            }
        }
    }

    [Fact]
    public void AnExactSolutionForAnotherInterceptSettingIsRejected()
    {
        var nist = TestData.LoadNist("NoInt1");
        var withIntercept = ExactLeastSquares.Solve(nist.Data, fitIntercept: true);
        var without = ExactLeastSquares.Solve(nist.Data, fitIntercept: false);
        Assert.Throws<LsgdException>(() => RegressionReport.Compute(without.Model, nist.Data, withIntercept));
    }
}
