using Lsgd.Data;
using Lsgd.LinearAlgebra;

namespace Lsgd.Tests.LinearAlgebra;

/// <summary>
/// The one-row-against-many kernels on every vector width, and the Cholesky solves and inverse built on them,
/// pinned against the one-vector-at-a-time results they replace.
/// </summary>
public class MultiVectorKernelsTest
{
    private static double[] Values(int n, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => TestData.Gaussian(rng))];
    }

    [Theory]
    [InlineData(512)]
    [InlineData(256)]
    [InlineData(0)]
    public void DotsAndUpdatesEqualPlainLoopsOnEveryPath(int bits)
    {
        foreach (int n in new[] { 0, 1, 3, 4, 7, 8, 9, 16, 17, 33 })
            foreach (int count in new[] { 1, 3, 4, 5, 9 })
            {
                int stride = n + 3;
                var a = Values(n, n);
                var x = Values(count * stride, 100 + n);
                var sums = new double[count];
                MultiVectorKernels.Dots(a, x, stride, count, sums, bits);
                var alpha = Values(count, 7);
                var updated = (double[])x.Clone();
                MultiVectorKernels.SubtractScaled(a, alpha, updated, stride, count, bits);
                for (int k = 0; k < count; k++)
                {
                    double expected = 0, scale = 0;
                    for (int t = 0; t < n; t++)
                    {
                        expected += a[t] * x[k * stride + t];
                        scale += Math.Abs(a[t] * x[k * stride + t]);
                    }
                    Assert.True(Math.Abs(sums[k] - expected) <= 1e-14 * Math.Max(scale, 1e-300), $"n {n}, vector {k}: {sums[k]:R} vs {expected:R}");
                    for (int t = 0; t < stride; t++)
                    {
                        double want = t < n ? x[k * stride + t] - alpha[k] * a[t] : x[k * stride + t];   // the gap between vectors is left alone
                        Assert.Equal(want, updated[k * stride + t], 1e-14 * (Math.Abs(x[k * stride + t]) + Math.Abs(alpha[k] * (t < n ? a[t] : 0))));
                    }
                }
            }
    }

    /// <summary>A symmetric positive definite p × p matrix with condition number about <paramref name="spread"/>².</summary>
    private static double[] Spd(int p, int seed, double spread)
    {
        var rng = new Random(seed);
        int n = p + 10;
        var f = new double[n * p];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < p; j++) f[i * p + j] = TestData.Gaussian(rng) * Math.Pow(spread, (double)j / Math.Max(1, p - 1));
        var a = new double[p * p];
        for (int r = 0; r < p; r++)
            for (int c = 0; c < p; c++)
                for (int i = 0; i < n; i++) a[r * p + c] += f[i * p + r] * f[i * p + c];
        return a;
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(5, 3)]
    [InlineData(33, 20)]
    [InlineData(100, 7)]
    public void SolvingManyRightHandSidesAtOnceEqualsSolvingThemOneByOne(int p, int count)
    {
        var chol = Cholesky.Factor(Spd(p, p, 30), p)!;
        foreach (int stride in new[] { p, p + 1 })
        {
            var b = Values(count * stride, 3);
            var together = (double[])b.Clone();
            chol.Solve(together, count, stride);
            for (int k = 0; k < count; k++)
            {
                var alone = b.AsSpan(k * stride, p).ToArray();
                chol.Solve(alone);
                double norm = alone.Max(Math.Abs);
                for (int i = 0; i < p; i++)
                    Assert.True(Math.Abs(together[k * stride + i] - alone[i]) <= 1e-14 * norm * p, $"p {p}, vector {k}, entry {i}: {together[k * stride + i]:R} vs {alone[i]:R}");
                for (int i = p; i < stride && k < count - 1; i++)
                    Assert.Equal(b[k * stride + i], together[k * stride + i]);   // the entries between vectors are not touched
            }
        }
    }

    [Fact]
    public void TheRowWiseUpperSolveAndProductEqualTheColumnWiseOnes()
    {
        const int p = 40;
        var chol = Cholesky.Factor(Spd(p, 11, 100), p)!;
        var b = Values(p, 12);
        // Lᵀz = b by columns of L, as the solve was written before.
        var expected = (double[])b.Clone();
        for (int i = p - 1; i >= 0; i--)
        {
            double v = expected[i];
            for (int m = i + 1; m < p; m++) v -= chol.L(m, i) * expected[m];
            expected[i] = v / chol.L(i, i);
        }
        var z = (double[])b.Clone();
        chol.SolveUpper(z);
        for (int i = 0; i < p; i++) Assert.Equal(expected[i], z[i], 1e-12 * Math.Max(1, Math.Abs(expected[i])));
        var product = new double[p];
        for (int i = 0; i < p; i++)
            for (int m = i; m < p; m++) product[i] += chol.L(m, i) * b[m];
        var x = (double[])b.Clone();
        chol.MultiplyUpper(x);
        for (int i = 0; i < p; i++) Assert.Equal(product[i], x[i], 1e-13 * Math.Max(1, Math.Abs(product[i])));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(9)]
    [InlineData(50)]
    public void TheInverseIsTheSolveOfEachUnitVector(int p)
    {
        var a = Spd(p, p + 1, 50);
        var chol = Cholesky.Factor((double[])a.Clone(), p)!;
        var inverse = chol.Inverse();
        double largest = 0;
        for (int j = 0; j < p; j++)
        {
            var e = new double[p];
            e[j] = 1;
            chol.Solve(e);
            largest = Math.Max(largest, e.Max(Math.Abs));
            for (int i = 0; i < p; i++)
                Assert.True(Math.Abs(inverse[i * p + j] - e[i]) <= 1e-12 * Math.Max(Math.Abs(e[i]), Math.Sqrt(Math.Abs(e[i] * e[j]) + Math.Abs(inverse[j * p + j] * inverse[i * p + i]))),
                    $"[A⁻¹]{i},{j}: {inverse[i * p + j]:R} vs {e[i]:R}");
        }
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++) Assert.Equal(inverse[i * p + j], inverse[j * p + i]);   // symmetric by construction
    }

    [Fact]
    public void TheNormalEquationsCovarianceEqualsTheOneFromEachColumnOfTheInverseFactor()
    {
        // Several outputs and an intercept: θ and (DᵀD)⁻¹ from the shared solves against the per-output, per-column formulas they replace.
        var (data, _) = TestData.Random(400, 12, 5, seed: 9, noise: 0.5);
        var statistics = SufficientStatistics.Compute(data);
        var theta = statistics.SolveNormalEquations(true, out var inverse, out _, out var covariance, out _);
        int d = statistics.Features, k = statistics.Outputs, bs = d + 1;
        var scale = new double[d];
        var a = new double[d * d];
        for (int i = 0; i < d; i++) scale[i] = Math.Sqrt(statistics.FeatureScatter[i * d + i]);
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++) a[i * d + j] = statistics.FeatureScatter[i * d + j] / (scale[i] * scale[j]);
        var chol = Cholesky.Factor(a, d)!;
        for (int o = 0; o < k; o++)
        {
            var z = new double[d];
            for (int i = 0; i < d; i++) z[i] = statistics.CrossScatter[i * k + o] / scale[i];
            chol.Solve(z);
            for (int i = 0; i < d; i++) Assert.Equal(z[i] / scale[i], theta[o * bs + i], 1e-13 * Math.Abs(z[i] / scale[i]));
        }
        var columns = new double[d][];
        var v = new double[d];
        for (int j = 0; j < d; j++)
        {
            columns[j] = new double[d];
            columns[j][j] = 1;
            chol.SolveLower(columns[j]);
            v[j] = statistics.FeatureMeans[j] / scale[j];
        }
        chol.SolveLower(v);
        static double Dot(double[] x, double[] y) => x.Zip(y, (p, q) => p * q).Sum();
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                double expected = Dot(columns[i], columns[j]) / (scale[i] * scale[j]);
                double size = Math.Sqrt(covariance[i * bs + i] * covariance[j * bs + j]);
                Assert.True(Math.Abs(covariance[i * bs + j] - expected) <= 1e-13 * size, $"({i}, {j}): {covariance[i * bs + j]:R} vs {expected:R}");
            }
            Assert.Equal(covariance[i * bs + i], inverse[i]);
            double intercept = -Dot(v, columns[i]) / scale[i];
            Assert.True(Math.Abs(covariance[i * bs + d] - intercept) <= 1e-13 * Math.Sqrt(covariance[i * bs + i] * covariance[d * bs + d]), $"intercept, {i}");
            Assert.Equal(covariance[i * bs + d], covariance[d * bs + i]);
        }
        Assert.Equal(1.0 / statistics.WeightSum + Dot(v, v), inverse[d], 1e-15 * inverse[d]);
    }
}
