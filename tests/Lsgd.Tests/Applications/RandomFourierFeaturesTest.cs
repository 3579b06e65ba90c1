using Lsgd.Applications.Features;
using Lsgd.Data;
using Lsgd.LinearAlgebra;
using Lsgd.Solvers;

namespace Lsgd.Tests.Applications;

public class RandomFourierFeaturesTest
{
    /// <summary>y = sin(2x₁)cos(x₂) + 0.1·noise at 200 Gaussian points, and 100 more points to predict at.</summary>
    private static (Dataset Train, Dataset Test) Wave()
    {
        var rng = new Random(5);
        int n = 200, m = 100;
        var x = new double[2 * n];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[2 * i] = TestData.Gaussian(rng);
            x[2 * i + 1] = TestData.Gaussian(rng);
            y[i] = Math.Sin(2 * x[2 * i]) * Math.Cos(x[2 * i + 1]) + 0.1 * TestData.Gaussian(rng);
        }
        var xt = new double[2 * m];
        for (int i = 0; i < xt.Length; i++) xt[i] = TestData.Gaussian(rng);
        return (new Dataset(x, y, n, 2), new Dataset(xt, new double[m], m, 2));
    }

    private static double Rms(double[] a, double[] b) => Math.Sqrt(a.Zip(b, (p, q) => (p - q) * (p - q)).Average());

    [Fact]
    public void InnerProductsOfTheFeaturesApproximateTheRbfKernel()
    {
        // Each z(x)ᵀz(x′) averages D terms 2cos(wᵀx + b)cos(wᵀx′ + b) of variance at most 1/2: its SD is at most 1/√(2D) = 0.005
        // for D = 20 000, so 0.03 is six SDs.
        var rff = new RandomFourierFeatures(2, new RandomFourierFeaturesOptions { Features = 20_000, LengthScale = 0.7, Seed = 1 });
        double[][] points = [[0, 0], [0.5, -0.2], [1, 1], [-1.5, 0.3]];
        var z = points.Select(p => { var v = new double[rff.Count]; rff.Transform(p, v); return v; }).ToArray();
        foreach (var i in Enumerable.Range(0, 4))
            foreach (var j in Enumerable.Range(0, 4))
            {
                double approx = z[i].Zip(z[j], (a, b) => a * b).Sum();
                Assert.True(Math.Abs(approx - rff.Kernel.Evaluate(points[i], points[j])) < 0.03, $"({i}, {j}): {approx}");
            }
    }

    [Fact]
    public void RidgeOnTheFeaturesIsSolvedExactlyByConjugateGradient()
    {
        // With D > n, w = Zᵀ(ZZᵀ + λI)⁻¹y (the dual form, by Cholesky) is the unique ridge solution; CG must land on it.
        var (train, test) = Wave();
        var options = new RandomFourierRegressorOptions { Map = new() { Features = 400, Seed = 3 }, Lambda = 0.1 };
        var fit = new RandomFourierRegressor(options).Fit(train);
        var z = fit.Map.Transform(train);
        int n = train.Rows, d = z.Features;
        var gram = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int c = 0; c < d; c++) s += z.X[i * d + c] * z.X[j * d + c];
                gram[i * n + j] = s + (i == j ? 0.1 : 0);
            }
        var a = train.Y.ToArray();
        Cholesky.Factor(gram, n)!.Solve(a);
        var w = new double[d];
        for (int i = 0; i < n; i++)
            for (int c = 0; c < d; c++) w[c] += z.X[i * d + c] * a[i];
        Assert.Equal(w, fit.Model.Coefficients().ToArray(), (p, q) => Math.Abs(p - q) < 1e-8);
        Assert.True(fit.Training.Converged, fit.Training.Message);
        Assert.Equal(test.Rows, fit.Predict(test).Length);
    }

    [Fact]
    public void PredictionsApproachExactKernelRidgeAsFeaturesGrow()
    {
        // The kernel error shrinks like 1/√D, and the predictions with it: averaged over three seeds the RMS gap to exact
        // kernel ridge falls as D goes 50 → 200 → 2000. At D = 2000 the kernel SD is ≤ 1/√4000 ≈ 0.016; the predictions
        // (RMS 0.48) move by about as much, so 0.05 — three times that — is the bound (observed: 0.014–0.021).
        var (train, test) = Wave();
        var exact = new KernelRidge(new KernelRidgeOptions { LengthScale = 1, Lambda = 0.1 }).Fit(train).Predict(test);
        double Gap(int features, int seed) => Rms(exact,
            new RandomFourierRegressor(new RandomFourierRegressorOptions { Map = new() { Features = features, LengthScale = 1, Seed = seed }, Lambda = 0.1 })
                .Fit(train).Predict(test));
        int[] sizes = [50, 200, 2000];
        var gaps = sizes.Select(D => Enumerable.Range(0, 3).Select(s => Gap(D, s)).Average()).ToArray();
        Assert.True(gaps[0] > gaps[1] && gaps[1] > gaps[2], string.Join(", ", gaps));
        Assert.True(gaps[2] < 0.05, $"D = 2000: RMS gap {gaps[2]}");
        Assert.True(Gap(2000, 7) < 0.05);
    }

    [Fact]
    public void KernelRidgeSatisfiesItsNormalEquations()
    {
        // (K + λI)α = y means the fitted values Kα equal y − λα.
        var (train, _) = Wave();
        var model = new KernelRidge(new KernelRidgeOptions { Lambda = 0.5 }).Fit(train);
        var fitted = model.Predict(train);
        for (int i = 0; i < train.Rows; i++)
            Assert.Equal(train.Y[i] - 0.5 * model.DualCoefficients[i], fitted[i], 1e-10);
    }

    [Fact]
    public void TheKernelMachineFitsWhatAStraightPlaneCannot()
    {
        var (train, _) = Wave();
        double linear = ExactLeastSquares.Solve(train).RSquared[0];
        var fit = new RandomFourierRegressor(new RandomFourierRegressorOptions { Map = new() { Features = 300 }, Lambda = 0.1 }).Fit(train);
        var p = fit.Predict(train);
        double mean = train.Y.ToArray().Average();
        double r2 = 1 - p.Select((v, i) => (train.Y[i] - v) * (train.Y[i] - v)).Sum() / train.Y.ToArray().Sum(v => (v - mean) * (v - mean));
        Assert.True(linear < 0.1, $"linear R² = {linear}");
        Assert.True(r2 > 0.9, $"random-feature ridge R² = {r2}");
    }

    [Fact]
    public void KernelRidgeRefusesMoreRowsThanItsLimit()
    {
        var (train, _) = Wave();
        var e = Assert.Throws<LsgdException>(() => new KernelRidge(new KernelRidgeOptions { MaxRows = 100 }).Fit(train));
        Assert.Equal("Exact kernel ridge needs an n × n matrix, and the data has 200 rows (more than MaxRows = 100). " +
            "Use RandomFourierFeatures with a linear fit instead, or raise MaxRows.", e.Message);
    }
}
