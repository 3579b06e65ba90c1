using Lsgd.Data;
using Lsgd.Engines;
using Lsgd.Models;
using Lsgd.Training;
using Lsgd.Tests.Reference;

namespace Lsgd.Tests.Engines;

public class InMemoryEngineTest
{
    public static TheoryData<int, int, int, bool> Shapes()
    {
        var data = new TheoryData<int, int, int, bool>();
        foreach (int n in new[] { 1, 2, 3, 7, 17, 33, 4095, 4097, 9000 })
            foreach (int d in new[] { 1, 3, 4, 5, 8, 9, 17, 36, 71, 100 })
                foreach (int k in new[] { 1, 3 })
                    data.Add(n, d, k, (n + d) % 2 == 0);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void LossAndGradientMatchTheArticleScalarLoop(int n, int d, int k, bool intercept)
    {
        var (data, _) = TestData.Random(n, d, k, seed: n * 31 + d * 7 + k);
        var engine = new InMemoryEngine(data, intercept);
        var rng = new Random(n + d + k);
        var theta = new double[engine.Layout.Count];
        for (int i = 0; i < theta.Length; i++) theta[i] = rng.NextDouble() - 0.5;
        var gradient = new double[theta.Length];
        double loss = engine.Evaluate(theta, gradient);

        var expected = new double[theta.Length];
        double expectedLoss = ArticleGradientDescent.LossAndGradient(data.X.ToArray(), data.Y.ToArray(), n, d, k, intercept, theta, expected);
        Assert.Equal(expectedLoss, loss, 1e-10 * Math.Max(1, expectedLoss));
        double scale = Math.Max(1, expected.Max(Math.Abs));
        for (int i = 0; i < theta.Length; i++)
            Assert.Equal(expected[i], gradient[i], 1e-10 * scale);
    }

    [Theory]
    [InlineData(5, 3, 1, true)]
    [InlineData(33, 17, 2, false)]
    [InlineData(70, 36, 1, true)]
    [InlineData(4097, 100, 1, true)]
    [InlineData(300, 71, 3, false)]
    public void Float32DataGivesTheScalarLoopOnTheWidenedValues(int n, int d, int k, bool intercept)
    {
        var (data, _) = TestData.Random(n, d, k, seed: 5 * n + d);
        var singles = data.X.ToArray().Select(v => (float)v).ToArray();
        var single = Dataset.FromSingle(singles, data.Y.ToArray(), n, d, k);
        var engine = new InMemoryEngine(single, intercept);
        var rng = new Random(n * d);
        var theta = new double[engine.Layout.Count];
        for (int i = 0; i < theta.Length; i++) theta[i] = rng.NextDouble() - 0.5;
        var gradient = new double[theta.Length];
        double loss = engine.Evaluate(theta, gradient);

        var expected = new double[theta.Length];
        double expectedLoss = ArticleGradientDescent.LossAndGradient(singles.Select(v => (double)v).ToArray(), data.Y.ToArray(), n, d, k, intercept, theta, expected);
        Assert.Equal(expectedLoss, loss, 1e-10 * Math.Max(1, expectedLoss));
        double scale = Math.Max(1, expected.Max(Math.Abs));
        for (int i = 0; i < theta.Length; i++)
            Assert.Equal(expected[i], gradient[i], 1e-10 * scale);
    }

    [Theory]
    [InlineData(13, 2)]
    [InlineData(10, 1)]
    [InlineData(100, 1)]
    public void ResultIsBitIdenticalWithOneAndTwoThreads(int d, int k)
    {
        var (data, _) = TestData.Random(20_000, d, k, seed: 5);
        var theta = Enumerable.Range(0, k * (d + 1)).Select(i => Math.Sin(i)).ToArray();
        var g1 = new double[theta.Length];
        var g2 = new double[theta.Length];
        double l1 = new InMemoryEngine(data, true, maxThreads: 1).Evaluate(theta, g1);
        double l2 = new InMemoryEngine(data, true, maxThreads: 2).Evaluate(theta, g2);
        Assert.Equal(BitConverter.DoubleToInt64Bits(l1), BitConverter.DoubleToInt64Bits(l2));
        Assert.Equal(g1, g2);
    }

    /// <summary>
    /// A tall, narrow fit (30 000 × 10, one output: the fused pass on AVX-512 and AVX2 machines, float64 and float32 data, every
    /// core): conjugate gradients on the engine reach the solution of the normal equations formed here in plain loops.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ATallNarrowFitReachesTheLeastSquaresSolution(bool singlePrecision)
    {
        int n = 30_000, d = 10;
        var (data, _) = TestData.Random(n, d, 1, seed: 11);
        var x = data.X.ToArray();
        if (singlePrecision)
        {
            var singles = x.Select(v => (float)v).ToArray();
            data = Dataset.FromSingle(singles, data.Y.ToArray(), n, d);
            x = [.. singles.Select(v => (double)v)];
        }
        var y = data.Y.ToArray();
        // [X, 1]ᵀ[X, 1] β = [X, 1]ᵀy, solved by Gaussian elimination with partial pivoting.
        int p = d + 1;
        var a = new double[p, p + 1];
        for (int i = 0; i < n; i++)
            for (int r = 0; r < p; r++)
            {
                double xr = r < d ? x[i * d + r] : 1;
                for (int c = 0; c < p; c++) a[r, c] += xr * (c < d ? x[i * d + c] : 1);
                a[r, p] += xr * y[i];
            }
        for (int c = 0; c < p; c++)
        {
            int pivot = Enumerable.Range(c, p - c).MaxBy(r => Math.Abs(a[r, c]));
            for (int j = 0; j <= p; j++) (a[c, j], a[pivot, j]) = (a[pivot, j], a[c, j]);
            for (int r = c + 1; r < p; r++)
            {
                double f = a[r, c] / a[c, c];
                for (int j = c; j <= p; j++) a[r, j] -= f * a[c, j];
            }
        }
        var beta = new double[p];
        for (int r = p - 1; r >= 0; r--)
        {
            double v = a[r, p];
            for (int j = r + 1; j < p; j++) v -= a[r, j] * beta[j];
            beta[r] = v / a[r, r];
        }
        var objective = new LeastSquaresObjective(new InMemoryEngine(data, fitIntercept: true), LossScaling.Mean);
        var run = ConjugateGradient.Minimize(objective, new GradientDescentOptions { Tolerance = 0, GradientTolerance = 1e-12, MaxIterations = 200 });
        Assert.True(run.Converged, run.Message);
        for (int j = 0; j < p; j++)
            Assert.True(Math.Abs(run.Parameters[j] - beta[j]) <= 1e-9 * (1 + Math.Abs(beta[j])), $"β[{j}] {run.Parameters[j]} vs {beta[j]}");
    }

    [Fact]
    public void WrongParameterLengthIsRejectedWithBothLengths()
    {
        var engine = new InMemoryEngine(TestData.ArticlePoints(), true);
        var e = Assert.Throws<ArgumentException>(() => engine.Evaluate(new double[3], new double[2]));
        Assert.StartsWith("theta has length 3 but 2 was expected", e.Message);
    }

    [Fact]
    public void ZeroThreadsIsRejectedWithWhatToDo()
    {
        var e = Assert.Throws<InvalidOptionException>(() => new InMemoryEngine(TestData.ArticlePoints(), true, 0));
        Assert.StartsWith("MaxThreads = 0 is not allowed: it must be an integer >= 1. Use 1 for a single thread", e.Message);
    }
}
