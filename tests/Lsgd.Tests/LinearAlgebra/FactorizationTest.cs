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

    [Theory]
    [InlineData(512, 16, 8)]
    [InlineData(512, 37, 20)]
    [InlineData(512, 101, 25)]
    [InlineData(512, 40, 48)]
    [InlineData(256, 16, 4)]
    [InlineData(256, 37, 20)]
    [InlineData(256, 101, 13)]
    [InlineData(0, 37, 20)]
    public void CholeskySolvesManyRightHandSidesAsOneByOne(int bits, int p, int count)
    {
        // The blocked solve (TriangularPanels: 8 or 4 rows of the factor a tile, full and partial blocks, padded
        // column groups) against the row-by-row one, right-hand sides at a stride wider than the order.
        if (bits == 512 && !System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated) bits = 256;
        if (bits == 256 && !System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated) bits = 0;
        var (a, _) = Gram(p + 10, p, seed: 3 * p + count, spread: 10);
        var chol = Cholesky.Factor((double[])a.Clone(), p)!;
        int stride = p + 3;
        var rng = new Random(count);
        var b = new double[count * stride];
        for (int i = 0; i < b.Length; i++) b[i] = TestData.Gaussian(rng);
        var expected = (double[])b.Clone();
        for (int k = 0; k < count; k++) chol.Solve(expected.AsSpan(k * stride, p));
        chol.Solve(b, count, stride, bits);
        for (int k = 0; k < count; k++)
        {
            double scale = expected.AsSpan(k * stride, p).ToArray().Max(Math.Abs);
            for (int i = 0; i < p; i++) Assert.Equal(expected[k * stride + i], b[k * stride + i], 1e-11 * scale);
            for (int i = p; i < stride; i++) Assert.Equal(expected[k * stride + i], b[k * stride + i]);   // the gaps untouched
        }
    }

    [Theory]
    [InlineData(512, 16, 8)]
    [InlineData(512, 37, 20)]
    [InlineData(256, 37, 20)]
    [InlineData(256, 19, 4)]
    public void PanelProductIsTheMatrixTimesEachVector(int bits, int p, int count)
    {
        // TriangularPanels.Multiply (the statistics engine's Sxx·θ for every output): full and partial row blocks.
        if (bits == 512 && !System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated) bits = 256;
        if (bits == 256 && !System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated) return;
        var (a, _) = Gram(p + 10, p, seed: p + count);
        int stride = p + 2;
        var rng = new Random(p);
        var x = new double[count * stride];
        for (int i = 0; i < x.Length; i++) x[i] = TestData.Gaussian(rng);
        var result = new double[count * stride];
        TriangularPanels.Multiply(a, p, x, count, stride, result, bits);
        for (int k = 0; k < count; k++)
            for (int i = 0; i < p; i++)
            {
                double expected = 0, size = 0;
                for (int j = 0; j < p; j++)
                {
                    expected += a[i * p + j] * x[k * stride + j];
                    size += Math.Abs(a[i * p + j] * x[k * stride + j]);
                }
                Assert.Equal(expected, result[k * stride + i], 1e-14 * size);
            }
    }

    public static TheoryData<int> InverseOrders() => [.. Enumerable.Range(1, 40), 127, 128, 129, 130, 769];

    [Theory]
    [MemberData(nameof(InverseOrders))]
    public void BlockedInverseIsTheRowByRowInverse(int p)
    {
        // TriangularPanels.Inverse (groups of 24 or 12 columns of the identity, trailing triangles from each group's
        // first column, partial row blocks and groups, one thread or several) against the inverse formed eight columns
        // of L⁻¹ at a time: a Kac–Murdock–Szegő matrix ρ^|i−j| (condition ≈ 16) with columns scaled over four decades.
        var a = new double[p * p];
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++)
                a[i * p + j] = Math.Pow(0.6, Math.Abs(i - j)) * Math.Pow(10, 2.0 * i / Math.Max(1, p - 1) + 2.0 * j / Math.Max(1, p - 1));
        var chol = Cholesky.Factor(a, p)!;
        var expected = chol.InverseByRows();
        double largest = expected.Max(Math.Abs);
        foreach (int bits in new[] { 512, 256 })
        {
            if (bits == 512 && !System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated) continue;
            if (!System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated) continue;
            foreach (int threads in new[] { 1, 2 })
            {
                var inverse = p >= 16 ? TriangularPanels.Inverse(GetFactor(chol, p), p, bits, threads) : chol.Inverse(bits);
                for (int i = 0; i < p; i++)
                    for (int j = 0; j < p; j++)
                    {
                        Assert.True(Math.Abs(inverse[i * p + j] - expected[i * p + j]) <= 1e-12 * largest,
                            $"p {p}, bits {bits}, threads {threads}, ({i}, {j}): {inverse[i * p + j]:R} against {expected[i * p + j]:R}");
                        Assert.Equal(inverse[j * p + i], inverse[i * p + j]);   // exactly symmetric
                    }
            }
        }
    }

    [Theory]
    [MemberData(nameof(InverseOrders))]
    public void PanelCholeskyIsTheColumnByColumnOne(int p)
    {
        // TriangularPanels.Factor (panels of 24 or 12 columns, the tile over the columns before, partial row blocks and
        // a partial last panel) against the column-by-column factorisation, on a scaled Kac–Murdock–Szegő matrix; the
        // upper triangle as given must not matter (it is overwritten with garbage first).
        var a = new double[p * p];
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++)
                a[i * p + j] = j > i ? double.NaN : Math.Pow(0.7, Math.Abs(i - j)) * Math.Pow(10, 1.5 * (i + j) / Math.Max(1, p - 1));
        Assert.True(Cholesky.TryFactor((double[])a.Clone(), p, 0, 0, out var expected, out _));
        foreach (int bits in new[] { 512, 256 })
        {
            if (bits == 512 && !System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated) continue;
            if (!System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated) continue;
            var l = (double[])a.Clone();
            Assert.True(TriangularPanels.Factor(l, p, 0, bits, out int failed));
            Assert.Equal(-1, failed);
            for (int i = 0; i < p; i++)
                for (int j = 0; j <= i; j++)
                    Assert.True(Math.Abs(l[i * p + j] - expected!.L(i, j)) <= 1e-13 * Math.Sqrt(a[i * p + i]),
                        $"p {p}, bits {bits}, L({i}, {j}): {l[i * p + j]:R} against {expected.L(i, j):R}");
        }
    }

    [Theory]
    [InlineData(64, 0)]
    [InlineData(130, 100)]
    [InlineData(130, 24)]
    [InlineData(769, 700)]
    public void PanelCholeskyNamesTheDependentColumnAsTheColumnByColumnOne(int p, int dependent)
    {
        // Column `dependent` of F is the sum of the two before it (or zero): its pivot is rounding alone, in either order of the sums.
        var rng = new Random(p + dependent);
        int n = p + 5;
        var f = new double[p * n];
        for (int j = 0; j < p; j++)
            for (int i = 0; i < n; i++)
                f[j * n + i] = j == dependent ? (j >= 2 ? f[(j - 1) * n + i] + f[(j - 2) * n + i] : 0) : TestData.Gaussian(rng);
        var a = new double[p * p];
        for (int r = 0; r < p; r++)
            for (int c = 0; c <= r; c++)
            {
                double sum = 0;
                for (int i = 0; i < n; i++) sum += f[r * n + i] * f[c * n + i];
                a[r * p + c] = a[c * p + r] = sum;
            }
        Assert.False(Cholesky.TryFactor((double[])a.Clone(), p, 1e-10, 0, out _, out int expected));
        Assert.Equal(dependent, expected);
        foreach (int bits in new[] { 512, 256 })
        {
            if (bits == 512 && !System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated) continue;
            if (!System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated) continue;
            Assert.False(Cholesky.TryFactor((double[])a.Clone(), p, 1e-10, bits, out var factor, out int column));
            Assert.Null(factor);
            Assert.Equal(dependent, column);
        }
    }

    /// <summary>L as the n × n row-major array the panels read.</summary>
    private static double[] GetFactor(Cholesky chol, int p)
    {
        var l = new double[p * p];
        for (int i = 0; i < p; i++)
            for (int j = 0; j <= i; j++) l[i * p + j] = chol.L(i, j);
        return l;
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

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(37)]
    [InlineData(101)]
    [InlineData(QrFactorization.ParallelOrder + 21)]   // R⁻¹'s columns on every core
    public void QrSolvesAndInverseAgreeWithTheTriangleWrittenOut(int p)
    {
        // SolveR, SolveRt and InverseR (vectorised by rows of R) against R and Rᵀ multiplied out entry by entry, at
        // orders that leave vector tails; R⁻¹ is upper triangular with exact zeros below its diagonal.
        var (_, f) = Gram(p + 9, p, seed: 40 + p, spread: 1e2);
        var qr = QrFactorization.Factor(f, p + 9, p);
        var x = Enumerable.Range(0, p).Select(i => Math.Sin(i + 2)).ToArray();
        double[] Times(bool transpose, double[] v) => [.. Enumerable.Range(0, p).Select(i =>
            Enumerable.Range(0, p).Sum(j => (transpose ? (j <= i ? qr.R(j, i) : 0) : (j >= i ? qr.R(i, j) : 0)) * v[j]))];
        var b = Times(false, x);
        qr.SolveR(b);
        var bt = Times(true, x);
        // SolveRt goes by rows of R, yet each entry takes its terms in the entry-by-entry order: the same bits.
        var byEntries = (double[])bt.Clone();
        for (int i = 0; i < p; i++)
        {
            double s = byEntries[i];
            for (int j = 0; j < i; j++) s -= qr.R(j, i) * byEntries[j];
            byEntries[i] = s / qr.R(i, i);
        }
        qr.SolveRt(bt);
        Assert.Equal(byEntries, bt);
        for (int i = 0; i < p; i++)
        {
            Assert.Equal(x[i], b[i], 1e-9);
            Assert.Equal(x[i], bt[i], 1e-9);
        }
        var inverse = qr.InverseR();
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++)
            {
                double rRinv = 0;
                for (int m = i; m <= j; m++) rRinv += qr.R(i, m) * inverse[m * p + j];
                Assert.Equal(i == j ? 1 : 0, j < i ? 0 : rRinv, 1e-9);
                if (j < i) Assert.Equal(0.0, inverse[i * p + j]);
            }
    }

    [Fact]
    public void PairedEigenvalueSearchesGiveTheFiguresOfOneAfterTheOther()
    {
        // From ConditionEstimate.ParallelOrder on, the two Lanczos searches run side by side: the same numbers, bit for
        // bit, as each alone, since neither reads what the other writes.
        int p = ConditionEstimate.ParallelOrder + 3;
        var (a, _) = Gram(p + 20, p, seed: 11, spread: 1e2);
        var chol = Cholesky.Factor((double[])a.Clone(), p)!;
        Action<double[]> gram = w => { chol.MultiplyUpper(w); chol.MultiplyLower(w); };
        Action<double[]> inverse = w => chol.Solve(w);
        var (max, invMin) = ConditionEstimate.LargestEigenvalues(p, gram, inverse);
        Assert.Equal(ConditionEstimate.LargestEigenvalue(p, gram), max);
        Assert.Equal(ConditionEstimate.LargestEigenvalue(p, inverse), invMin);
        Assert.Equal(Math.Sqrt(max * invMin), chol.ConditionNumber());
        var eigen = SymmetricEigensolver.Decompose(a, p);
        Assert.Equal(1, max / eigen.Values[0], 1e-6);
    }

    [Theory]
    [InlineData(40)]
    [InlineData(ConditionEstimate.ParallelOrder + 45)]
    public void ConditionNumberIsExactWhereTheLargestEigenvaluesCrowd(int p)
    {
        // The spectrum of the head's 768 standardised embedding features at its top (3.675, 3.654, 3.595: within 2 %), the
        // rest spread down to 1e-6. Power iteration, which the estimate used before, had reached λmax there only to 0.6 %
        // after its 60 steps (κ 0.3 % low, printed to 17 digits); Lanczos reaches it to rounding.
        var values = new double[p];
        values[0] = 3.675; values[1] = 3.654; values[2] = 3.595;
        for (int i = 3; i < p; i++) values[i] = 3.5 * Math.Pow(1e-6 / 3.5, (i - 2.0) / (p - 3));
        var a = Rotated(values, seed: p);
        var chol = Cholesky.Factor((double[])a.Clone(), p)!;
        double expected = Math.Sqrt(values[0] / values[^1]);
        Assert.Equal(1, chol.ConditionNumber() / expected, 1e-9);
        Assert.Equal(1, ConditionEstimate.LargestEigenvalue(p, w => { chol.MultiplyUpper(w); chol.MultiplyLower(w); }) / values[0], 1e-12);
        // Never above λmax (interlacing): an underestimate by rounding at most.
        Assert.True(ConditionEstimate.LargestEigenvalue(p, w => Multiply(a, p, w)) <= values[0] * (1 + 1e-14));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void SmallOrdersTakeTheirLargestEigenvalueExactly(int p)
    {
        // At most p steps span the whole space: the Ritz value is then the eigenvalue itself.
        var values = Enumerable.Range(0, p).Select(i => 2.0 / (i + 1)).ToArray();
        var a = Rotated(values, seed: 3);
        Assert.Equal(values[0], ConditionEstimate.LargestEigenvalue(p, w => Multiply(a, p, w)), 1e-13);
    }

    [Fact]
    public void AnOperatorThatGivesNotANumberGivesNotANumberAndReturns()
    {
        // A broken factor's products: the estimate says NaN (callers test it) instead of bisecting NaN forever.
        Assert.True(double.IsNaN(ConditionEstimate.LargestEigenvalue(30, w => w[3] = double.NaN)));
        Assert.True(double.IsNaN(ConditionEstimate.FromGram(30, w => { }, w => Array.Fill(w, double.PositiveInfinity))));
    }

    [Fact]
    public void TridiagonalLargestEigenvalueAgreesWithJacobi()
    {
        var rng = new Random(5);
        for (int n = 1; n <= 30; n++)
        {
            var alpha = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 4 - 1).ToArray();
            var beta = Enumerable.Range(0, n).Select(_ => rng.NextDouble() - 0.5).ToArray();
            var dense = new double[n * n];
            for (int i = 0; i < n; i++)
            {
                dense[i * n + i] = alpha[i];
                if (i + 1 < n) dense[i * n + i + 1] = dense[(i + 1) * n + i] = beta[i];
            }
            // Jacobi's eigenvalues come largest first, each eigenvector a row.
            var eigen = SymmetricEigensolver.Decompose(dense, n);
            double largest = eigen.Values[0];
            var (value, upper) = ConditionEstimate.LargestTridiagonal(alpha, beta, n);
            Assert.Equal(largest, value, 1e-13);
            // The Sturm counts are exact for a matrix within a few units in the last place of T: so is the bracket.
            Assert.True(upper >= largest - 1e-14 * Math.Abs(largest), $"n = {n}: the upper bracket {upper} is below the eigenvalue {largest}");
            // The eigenvector's last entry (up to sign), which the residual of the Ritz value is measured by.
            Assert.Equal(Math.Abs(eigen.Vectors[n - 1]), Math.Abs(ConditionEstimate.LastEntry(alpha, beta, n, upper)), 1e-8);
        }
    }

    /// <summary>Q·diag(values)·Qᵀ, Q the product of three Householder reflections of random unit vectors (dense and orthogonal).</summary>
    private static double[] Rotated(double[] values, int seed)
    {
        int p = values.Length;
        var rng = new Random(seed);
        var a = new double[p * p];
        for (int i = 0; i < p; i++) a[i * p + i] = values[i];
        for (int r = 0; r < 3; r++)
        {
            var u = Enumerable.Range(0, p).Select(_ => rng.NextDouble() - 0.5).ToArray();
            double norm = Math.Sqrt(u.Sum(x => x * x));
            for (int i = 0; i < p; i++) u[i] /= norm;
            // A ← H A H with H = I − 2uuᵀ: A − 2u(uᵀA) − 2(Au)uᵀ + 4(uᵀAu)uuᵀ.
            var au = new double[p];
            for (int i = 0; i < p; i++)
                for (int j = 0; j < p; j++) au[i] += a[i * p + j] * u[j];
            double uau = Enumerable.Range(0, p).Sum(i => u[i] * au[i]);
            for (int i = 0; i < p; i++)
                for (int j = 0; j < p; j++) a[i * p + j] += -2 * u[i] * au[j] - 2 * au[i] * u[j] + 4 * uau * u[i] * u[j];
        }
        return a;
    }

    /// <summary>w ← A w for a dense p × p matrix.</summary>
    private static void Multiply(double[] a, int p, double[] w)
    {
        var result = new double[p];
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++) result[i] += a[i * p + j] * w[j];
        result.CopyTo(w, 0);
    }
}
