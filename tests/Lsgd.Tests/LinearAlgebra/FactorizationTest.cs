using Lsgd.LinearAlgebra;

namespace Lsgd.Tests.LinearAlgebra;

/// <summary>The one Cholesky, the one QR and the one eigensolver, each checked against the others.</summary>
public class FactorizationTest
{
    /// <summary>A = FᵀF for a random tall F (n × p), with F returned column-major for the QR.</summary>
    private static (double[] Gram, double[] ColumnMajor) Gram(int n, int p, int seed, double spread = 1)
    {
        var rng = new Random(seed);
        var f = new double[n * p];
        for (int j = 0; j < p; j++)
            for (int i = 0; i < n; i++)
                f[j * n + i] = TestData.Gaussian(rng) * Math.Pow(spread, (double)j / Math.Max(1, p - 1));
        var a = new double[p * p];
        for (int r = 0; r < p; r++)
            for (int c = 0; c < p; c++)
                for (int i = 0; i < n; i++) a[r * p + c] += f[r * n + i] * f[c * n + i];
        return (a, f);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(33)]
    public void CholeskySolveReturnsTheVectorThatWasMultiplied(int p)
    {
        var (a, _) = Gram(p + 10, p, seed: p);
        var x = Enumerable.Range(0, p).Select(i => Math.Cos(i + 1)).ToArray();
        var b = new double[p];
        for (int r = 0; r < p; r++)
            for (int c = 0; c < p; c++) b[r] += a[r * p + c] * x[c];
        var chol = Cholesky.Factor((double[])a.Clone(), p)!;
        chol.Solve(b);
        for (int i = 0; i < p; i++) Assert.Equal(x[i], b[i], 1e-10);
        // L·(Lᵀ·v) is A·v again.
        var v = Enumerable.Range(0, p).Select(i => 1.0 / (i + 1)).ToArray();
        var av = new double[p];
        for (int r = 0; r < p; r++)
            for (int c = 0; c < p; c++) av[r] += a[r * p + c] * v[c];
        chol.MultiplyUpper(v);
        chol.MultiplyLower(v);
        for (int i = 0; i < p; i++) Assert.Equal(av[i], v[i], 1e-9 * Math.Max(1, Math.Abs(av[i])));
    }

    [Fact]
    public void CholeskyNamesTheColumnThatDependsOnTheOnesBefore()
    {
        // Column 2 = column 0 + column 1: the third pivot is zero (up to rounding).
        double[] f = [1, 2, 3, 4, 0, 1, 0, 2, 1, 3, 3, 6];   // column-major 4 × 3
        var a = new double[9];
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 3; c++)
                for (int i = 0; i < 4; i++) a[r * 3 + c] += f[r * 4 + i] * f[c * 4 + i];
        Assert.False(Cholesky.TryFactor(a, 3, 1e-10, out var factor, out int column));
        Assert.Null(factor);
        Assert.Equal(2, column);
    }

    [Theory]
    [InlineData(3, 1.0)]
    [InlineData(12, 1e3)]
    public void CholeskyQrAndEigenvaluesGiveOneConditionNumber(int p, double spread)
    {
        var (a, f) = Gram(40, p, seed: 7 + p, spread);
        var eigen = SymmetricEigensolver.Decompose(a, p);
        double fromEigen = Math.Sqrt(eigen.Values[0] / eigen.Values[^1]);
        double fromCholesky = Cholesky.Factor((double[])a.Clone(), p)!.ConditionNumber(iterations: 2000);
        double fromQr = QrFactorization.Factor(f, 40, p).ConditionNumber(iterations: 2000);
        Assert.Equal(1, fromCholesky / fromEigen, 1e-6);
        Assert.Equal(1, fromQr / fromEigen, 1e-6);
    }
}
