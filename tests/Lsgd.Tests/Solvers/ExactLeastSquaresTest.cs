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

    [Theory]
    [InlineData(60, 4, 3)]
    [InlineData(300, 240, 40)]   // wide: vector tails in the refinement's double-double sums, R⁻¹ of order 241
    public void EachOutputOfAMultiOutputProblemEqualsItsSingleOutputFit(int n, int d, int k)
    {
        var (data, _) = TestData.Random(n, d, k, seed: 11);
        var joint = ExactLeastSquares.Solve(data);
        foreach (int o in new[] { 0, k / 2, k - 1 }.Distinct())
        {
            var y = Enumerable.Range(0, data.Rows).Select(i => data.Y[i * k + o]).ToArray();
            var single = ExactLeastSquares.Solve(new Dataset(data.X.ToArray(), y, data.Rows, data.Features));
            Assert.Equal(single.Model.Coefficients().ToArray(), joint.Model.Coefficients(o).ToArray());
            Assert.Equal(single.Model.Intercept(), joint.Model.Intercept(o));
            Assert.Equal(single.ResidualSumOfSquares[0], joint.ResidualSumOfSquares[o]);
        }
    }

    private static Dataset Noisy(int n, Func<double, double[]> features, string[] names, int seed = 5)
    {
        var rng = new Random(seed);
        var x = new List<double>();
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double a = rng.NextDouble() * 10;
            x.AddRange(features(a));
            y[i] = 1 + 3 * a + 0.1 * TestData.Gaussian(rng);
        }
        return new Dataset([.. x], y, n, names.Length, featureNames: names);
    }

    [Fact]
    public void DuplicatedFeatureGivesTheMinimumNormSolutionAndNamesBothAliasedColumns()
    {
        var reduced = ExactLeastSquares.Solve(Noisy(30, a => [a], ["a"]));
        var s = ExactLeastSquares.Solve(Noisy(30, a => [a, 2 * a], ["a", "twice_a"]));
        Assert.Equal(2, s.Rank);
        Assert.Equal(["a", "twice_a"], s.Aliased);
        // Every solution has w_a + 2·w_twice_a = β of the reduced fit; the shortest splits it as 1 : 2.
        double beta = reduced.Model.Coefficients()[0];
        Assert.Equal(beta / 5, s.Model.Coefficients()[0], 12);
        Assert.Equal(2 * beta / 5, s.Model.Coefficients()[1], 12);
        Assert.Equal(reduced.Model.Intercept(), s.Model.Intercept(), 12);
        Assert.Equal(reduced.ResidualSumOfSquares[0], s.ResidualSumOfSquares[0], 10);
        Assert.Equal(reduced.DegreesOfFreedom, s.DegreesOfFreedom);
        Assert.True(double.IsNaN(s.StandardErrors[0][0]) && double.IsNaN(s.StandardErrors[0][1]));
        Assert.Equal(reduced.InterceptStandardErrors[0], s.InterceptStandardErrors[0], 12);
    }

    [Fact]
    public void ConstantFeatureWithInterceptIsAliasedWithTheIntercept()
    {
        var reduced = ExactLeastSquares.Solve(Noisy(25, a => [a], ["a"]));
        var s = ExactLeastSquares.Solve(Noisy(25, a => [a, 5], ["a", "c"]));
        Assert.Equal(2, s.Rank);
        Assert.Equal(["c", ExactLeastSquares.InterceptName], s.Aliased);
        // b + 5·w_c = the reduced intercept; the shortest (b, w_c) is (1, 5)·b₀/26.
        double b0 = reduced.Model.Intercept();
        Assert.Equal(5 * b0 / 26, s.Model.Coefficients()[1], 12);
        Assert.Equal(b0 / 26, s.Model.Intercept(), 12);
        Assert.Equal(reduced.Model.Coefficients()[0], s.Model.Coefficients()[0], 12);
        Assert.Equal(reduced.StandardErrors[0][0], s.StandardErrors[0][0], 12);
        Assert.True(double.IsNaN(s.StandardErrors[0][1]) && double.IsNaN(s.InterceptStandardErrors[0]));
    }

    [Fact]
    public void ZeroColumnWithoutInterceptIsAliasedAndLeftAtZero()
    {
        var reduced = ExactLeastSquares.Solve(Noisy(20, a => [a], ["a"]), fitIntercept: false);
        var s = ExactLeastSquares.Solve(Noisy(20, a => [0, a], ["zero", "a"]), fitIntercept: false);
        Assert.Equal(1, s.Rank);
        Assert.Equal(["zero"], s.Aliased);
        Assert.Equal(0, s.Model.Coefficients()[0]);
        Assert.Equal(reduced.Model.Coefficients()[0], s.Model.Coefficients()[1], 12);
        Assert.Equal(reduced.StandardErrors[0][0], s.StandardErrors[0][1], 12);
    }

    [Fact]
    public void CollinearColumnsLeaveTheOthersEstimable()
    {
        // x3 = x1 + x2: x1, x2, x3 are aliased; x4 and the intercept keep their coefficients and standard errors.
        var rng = new Random(3);
        int n = 40;
        var x = new double[n * 4];
        var y = new double[n];
        var xr = new double[n * 3];
        for (int i = 0; i < n; i++)
        {
            double a = rng.NextDouble(), b = rng.NextDouble(), c = rng.NextDouble();
            x[i * 4] = a; x[i * 4 + 1] = b; x[i * 4 + 2] = a + b; x[i * 4 + 3] = c;
            xr[i * 3] = a; xr[i * 3 + 1] = b; xr[i * 3 + 2] = c;
            y[i] = 2 + a - b + 4 * c + 0.05 * TestData.Gaussian(rng);
        }
        var s = ExactLeastSquares.Solve(new Dataset(x, y, n, 4, featureNames: ["x1", "x2", "x3", "x4"]));
        var reduced = ExactLeastSquares.Solve(new Dataset(xr, y, n, 3));
        Assert.Equal(4, s.Rank);
        Assert.Equal(["x1", "x2", "x3"], s.Aliased);
        Assert.Equal(reduced.Model.Coefficients()[2], s.Model.Coefficients()[3], 11);
        Assert.Equal(reduced.StandardErrors[0][2], s.StandardErrors[0][3], 11);
        Assert.Equal(reduced.Model.Intercept(), s.Model.Intercept(), 11);
        Assert.Equal(reduced.InterceptStandardErrors[0], s.InterceptStandardErrors[0], 11);
        // Minimum norm: orthogonal to the null direction (1, 1, −1, 0, 0).
        var w = s.Model.Coefficients();
        Assert.Equal(0, w[0] + w[1] - w[2], 12);
        Assert.Empty(ExactLeastSquares.Solve(new Dataset(xr, y, n, 3)).Aliased);
    }

    [Fact]
    public void FewerRowsThanParametersGiveTheMinimumNormSolutionWithoutIntercept()
    {
        // numpy 1.24.2: np.linalg.pinv(X) @ y for the 3 × 4 design below.
        var data = new Dataset([2, 3, 4, 5, 1, 0, 3, 1, 5, 2, 2, 0], [1, 2, 3], 3, 4);
        var solution = ExactLeastSquares.Solve(data, fitIntercept: false);
        double[] pinv = [0.4487734487734488, -0.24963924963924966, 0.6277056277056284, -0.3318903318903324];
        for (int j = 0; j < 4; j++)
            Assert.Equal(pinv[j], solution.Model.Coefficients()[j], 1e-12);
        Assert.Equal(3, solution.Rank);
        Assert.NotEmpty(solution.Aliased);
    }

    internal static double[] Estimates(Lsgd.Models.LinearModel model, bool intercept) =>
        intercept ? [model.Intercept(), .. model.Coefficients().ToArray()] : model.Coefficients().ToArray();
}
