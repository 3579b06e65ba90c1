using Lsgd.Data;
using Lsgd.Solvers;

namespace Lsgd.Tests.Solvers;

public class ExactLeastSquaresTest
{
    /// <summary>Correct significant digits required of the exact solver on NIST's certified values.</summary>
    private const double RequiredDigits = 12;

    [Theory]
    [InlineData("Norris")]
    [InlineData("Pontius")]
    [InlineData("NoInt1")]
    [InlineData("Longley")]
    public void MatchesNistCertifiedCoefficientsToTwelveDigits(string name)
    {
        var nist = TestData.LoadNist(name);
        var solution = ExactLeastSquares.Solve(nist.Data, nist.Intercept);
        var estimates = Estimates(solution.Model, nist.Intercept);
        Assert.Equal(nist.Beta.Length, estimates.Length);
        for (int j = 0; j < estimates.Length; j++)
            Assert.True(TestData.Lre(estimates[j], nist.Beta[j]) >= RequiredDigits,
                $"{name} B{j}: {estimates[j]:R} vs certified {nist.Beta[j]:R} ({TestData.Lre(estimates[j], nist.Beta[j]):F1} digits)");
    }

    [Theory]
    [InlineData("Norris")]
    [InlineData("Pontius")]
    [InlineData("NoInt1")]
    [InlineData("Longley")]
    public void MatchesNistStandardErrorsResidualSdAndRSquared(string name)
    {
        var nist = TestData.LoadNist(name);
        var s = ExactLeastSquares.Solve(nist.Data, nist.Intercept);
        var se = nist.Intercept ? [s.InterceptStandardErrors[0], .. s.StandardErrors[0]] : s.StandardErrors[0];
        for (int j = 0; j < se.Length; j++)
            Assert.True(TestData.Lre(se[j], nist.BetaSd[j]) >= RequiredDigits,
                $"{name} SE(B{j}): {se[j]:R} vs {nist.BetaSd[j]:R}");
        Assert.True(TestData.Lre(s.ResidualStandardDeviation(), nist.ResidualSd) >= RequiredDigits,
            $"{name} residual SD {s.ResidualStandardDeviation():R} vs {nist.ResidualSd:R}");
        Assert.True(TestData.Lre(s.RSquared[0], nist.RSquared) >= RequiredDigits,
            $"{name} R² {s.RSquared[0]:R} vs {nist.RSquared:R}");
    }

    [Fact]
    public void RecoversAnExactLineToMachinePrecision()
    {
        var s = ExactLeastSquares.Solve(TestData.ArticlePoints());
        Assert.Equal(2.0, s.Model.Coefficients()[0], 14);
        Assert.Equal(1.0, s.Model.Intercept(), 14);
        Assert.Equal(1.0, s.RSquared[0], 14);
    }

    [Fact]
    public void EachOutputOfAMultiOutputProblemEqualsItsSingleOutputFit()
    {
        var (data, _) = TestData.Random(60, 4, 3, seed: 11);
        var joint = ExactLeastSquares.Solve(data);
        for (int o = 0; o < 3; o++)
        {
            var y = Enumerable.Range(0, data.Rows).Select(i => data.Y[i * 3 + o]).ToArray();
            var single = ExactLeastSquares.Solve(new Dataset(data.X.ToArray(), y, data.Rows, data.Features));
            Assert.Equal(single.Model.Coefficients().ToArray(), joint.Model.Coefficients(o).ToArray());
            Assert.Equal(single.Model.Intercept(), joint.Model.Intercept(o));
        }
    }

    [Fact]
    public void ConstantFeatureWithInterceptIsReportedByName()
    {
        var data = new Dataset([1, 5, 2, 5, 3, 5, 4, 5], [1, 2, 3, 4], 4, 2, featureNames: ["a", "c"]);
        var e = Assert.Throws<LsgdException>(() => ExactLeastSquares.Solve(data));
        Assert.Equal("The feature 'c' is constant, so its coefficient cannot be told apart from the intercept. Remove that column.", e.Message);
    }

    [Fact]
    public void DuplicatedFeatureIsReportedAsLinearlyDependent()
    {
        var data = new Dataset([1, 2, 2, 4, 3, 6, 4, 8.0], [1, 2, 3, 5], 4, 2, featureNames: ["a", "twice_a"]);
        var e = Assert.Throws<LsgdException>(() => ExactLeastSquares.Solve(data));
        Assert.StartsWith("The features are linearly dependent", e.Message);
        Assert.Contains("'twice_a'", e.Message);
    }

    [Fact]
    public void FewerRowsThanParametersIsRejected()
    {
        var data = new Dataset([1, 2, 3, 4], [1, 2], 2, 2);
        var e = Assert.Throws<LsgdException>(() => ExactLeastSquares.Solve(data));
        Assert.Equal("The data has 2 rows but the model has 3 parameters (2 features and an intercept): at least 3 rows are needed. Add rows, use fewer features or a lower --degree.", e.Message);
    }

    internal static double[] Estimates(Lsgd.Models.LinearModel model, bool intercept) =>
        intercept ? [model.Intercept(), .. model.Coefficients().ToArray()] : model.Coefficients().ToArray();
}
