using Lsgd.Applications.Features;
using Lsgd.Data;
using Lsgd.Solvers;

namespace Lsgd.Tests.Applications;

public class RidgePathTest
{
    /// <summary>n rows of d correlated features (very different scales) and k outputs.</summary>
    private static Dataset Data(int n, int d, int k, int seed)
    {
        var rng = new Random(seed);
        var x = new double[n * d];
        var y = new double[n * k];
        for (int i = 0; i < n; i++)
        {
            double common = TestData.Gaussian(rng);
            for (int j = 0; j < d; j++) x[i * d + j] = (j + 1) * (0.7 * common + TestData.Gaussian(rng)) + 3 * j;
            for (int o = 0; o < k; o++)
            {
                double v = o + 0.1 * TestData.Gaussian(rng);
                for (int j = 0; j < d; j++) v += (o + 1.0) / (j + 1) * x[i * d + j] * (j % 2 == 0 ? 1 : -1);
                y[i * k + o] = v;
            }
        }
        return new Dataset(x, y, n, d, k);
    }

    /// <summary>
    /// The ridge solution by QR on augmented rows: with the features standardised (population σ) and centred, and
    /// the targets centred, minimising ½/n‖yc − Zw‖² + ½λ‖w‖² is least squares on [Z; √(nλ)·I] against [yc; 0].
    /// </summary>
    private static (double[] Weights, double Intercept) ByAugmentedQr(Dataset data, int output, double lambda)
    {
        int n = data.Rows, d = data.Features, k = data.Outputs;
        var standardizer = Standardizer.Fit(data, center: true);
        double ybar = Enumerable.Range(0, n).Average(i => data.Y[i * k + output]);
        var a = new double[(n + d) * d];
        var b = new double[n + d];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++) a[i * d + j] = (data.Feature(i, j) - standardizer.Means[j]) / standardizer.Scales[j];
            b[i] = data.Y[i * k + output] - ybar;
        }
        for (int j = 0; j < d; j++) a[(n + j) * d + j] = Math.Sqrt(n * lambda);
        var w = ExactLeastSquares.Solve(new Dataset(a, b, n + d, d), fitIntercept: false).Model.Coefficients().ToArray();
        var coefficients = new double[d];
        double intercept = ybar;
        for (int j = 0; j < d; j++)
        {
            coefficients[j] = w[j] / standardizer.Scales[j];
            intercept -= coefficients[j] * standardizer.Means[j];
        }
        return (coefficients, intercept);
    }

    [Fact]
    public void EachPenaltyGivesTheExactRidgeSolutionFromOneSetOfStatistics()
    {
        var data = Data(200, 5, 3, 1);
        double[] penalties = [0, 0.01, 0.1, 1, 10];
        var models = RidgePath.Solve(SufficientStatistics.Compute(data), penalties);
        Assert.Equal(penalties.Length, models.Length);
        for (int p = 0; p < penalties.Length; p++)
            for (int o = 0; o < data.Outputs; o++)
            {
                var (w, b) = ByAugmentedQr(data, o, penalties[p]);
                var model = models[p]!;
                for (int j = 0; j < data.Features; j++)
                    Assert.Equal(w[j], model.Coefficients(o)[j], 1e-9 * Math.Max(1, Math.Abs(w[j])));
                Assert.Equal(b, model.Intercept(o), 1e-8 * Math.Max(1, Math.Abs(b)));
            }
        // λ = 0 is ordinary least squares.
        var ols = ExactLeastSquares.Solve(data).Model;
        for (int i = 0; i < ols.Parameters.Length; i++)
            Assert.Equal(ols.Parameters[i], models[0]!.Parameters[i], 1e-8 * Math.Max(1, Math.Abs(ols.Parameters[i])));
    }

    [Fact]
    public void DependentFeaturesHaveNoSolutionWithoutAPenaltyOnly()
    {
        var rng = new Random(2);
        int n = 50;
        var x = new double[n * 2];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[2 * i] = TestData.Gaussian(rng);
            x[2 * i + 1] = 2 * x[2 * i];   // a multiple of the first
            y[i] = x[2 * i] + 0.1 * TestData.Gaussian(rng);
        }
        var models = RidgePath.Solve(SufficientStatistics.Compute(new Dataset(x, y, n, 2)), [0, 0.1]);
        Assert.Null(models[0]);
        // With a penalty the two copies share the weight equally in σ units, so the first coefficient is twice the second.
        var m = models[1]!;
        Assert.Equal(2 * m.Coefficients()[1], m.Coefficients()[0], 1e-9);
    }

    [Fact]
    public void ConstantFeatureGetsWeightZeroAtEveryPenalty()
    {
        var data = Data(100, 3, 2, 4);
        var x = data.X.ToArray();
        for (int i = 0; i < data.Rows; i++) x[i * 3 + 1] = 7;   // the middle feature is constant
        var constant = new Dataset(x, data.Y.ToArray(), data.Rows, 3, 2);
        var without = new Dataset([.. Enumerable.Range(0, data.Rows).SelectMany(i => new[] { x[i * 3], x[i * 3 + 2] })], data.Y.ToArray(), data.Rows, 2, 2);
        var models = RidgePath.Solve(SufficientStatistics.Compute(constant), [0, 1]);
        var reference = RidgePath.Solve(SufficientStatistics.Compute(without), [0, 1]);
        for (int p = 0; p < 2; p++)
            for (int o = 0; o < 2; o++)
            {
                Assert.Equal(0, models[p]!.Coefficients(o)[1]);
                Assert.Equal(reference[p]!.Coefficients(o)[0], models[p]!.Coefficients(o)[0], 1e-12);
                Assert.Equal(reference[p]!.Coefficients(o)[1], models[p]!.Coefficients(o)[2], 1e-12);
                Assert.Equal(reference[p]!.Intercept(o), models[p]!.Intercept(o), 1e-10);
            }
    }

    [Fact]
    public void NegativePenaltyIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RidgePath.Solve(SufficientStatistics.Compute(Data(20, 2, 1, 3)), [-1]));
}
