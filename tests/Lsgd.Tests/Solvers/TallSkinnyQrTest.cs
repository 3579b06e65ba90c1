using Lsgd.Data;
using Lsgd.Estimators;
using Lsgd.LinearAlgebra;
using Lsgd.Solvers;

namespace Lsgd.Tests.Solvers;

/// <summary>
/// The tall-skinny QR behind the exact solver: the R factor of rows folded block by block (blocked Householder),
/// merged across parts, and the least-squares solutions read from it, in memory and streamed.
/// </summary>
public class TallSkinnyQrTest
{
    private static double[] RandomMatrix(int n, int m, int seed, double offset = 0)
    {
        var rng = new Random(seed);
        var a = new double[n * m];
        for (int i = 0; i < a.Length; i++) a[i] = offset + rng.NextDouble() * 2 - 1;
        return a;
    }

    /// <summary>R of the unblocked Householder QR (QrFactorization) of the row-major n × m matrix, rows signed so the diagonal is positive.</summary>
    private static double[] ReferenceR(double[] rowMajor, int n, int m)
    {
        var columns = new double[n * m];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++) columns[j * n + i] = rowMajor[i * m + j];
        var qr = QrFactorization.Factor(columns, n, m);
        var r = new double[m * m];
        for (int i = 0; i < m; i++)
            for (int j = i; j < m; j++) r[i * m + j] = qr.R(i, j);
        return Signed(r, m);
    }

    private static double[] Signed(double[] r, int m)
    {
        var s = (double[])r.Clone();
        for (int i = 0; i < m; i++)
            if (s[i * m + i] < 0)
                for (int j = i; j < m; j++) s[i * m + j] = -s[i * m + j];
        return s;
    }

    private static void AssertSameFactor(double[] expected, double[] actual, int m, double tolerance = 1e-12)
    {
        double scale = expected.Max(Math.Abs);
        for (int i = 0; i < m * m; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * scale, $"R[{i / m},{i % m}]: {actual[i]:R} vs {expected[i]:R}");
    }

    [Theory]
    [InlineData(1000, 7, 1000)]      // one Add, blocks of 256 and a short last one
    [InlineData(1000, 7, 1)]         // row by row
    [InlineData(1001, 13, 333)]      // pieces that do not divide n
    [InlineData(700, 300, 256)]      // more columns than rows per block
    [InlineData(517, 40, 257)]
    public void FactorEqualsUnblockedHouseholderWhateverTheBlocking(int n, int m, int piece)
    {
        var a = RandomMatrix(n, m, seed: n + m);
        var qr = new TallSkinnyQr(m);
        for (int start = 0; start < n; start += piece)
        {
            int rows = Math.Min(piece, n - start);
            qr.Add(a.AsSpan(start * m, rows * m), rows);
        }
        Assert.Equal(n, qr.Rows);
        AssertSameFactor(ReferenceR(a, n, m), Signed(qr.ToArray(), m), m);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(16)]
    public void FactorsOfPartsMergeIntoTheFactorOfAllRows(int parts)
    {
        int n = 900, m = 11;
        var a = RandomMatrix(n, m, seed: parts);
        var total = new TallSkinnyQr(m);
        int size = (n + parts - 1) / parts;
        for (int start = 0; start < n; start += size)
        {
            int rows = Math.Min(size, n - start);
            var part = new TallSkinnyQr(m);
            part.Add(a.AsSpan(start * m, rows * m), rows);
            // Through an array, as a factor sent from another machine would arrive.
            total.Merge(new TallSkinnyQr(part.ToArray(), m, part.Rows));
        }
        Assert.Equal(n, total.Rows);
        AssertSameFactor(ReferenceR(a, n, m), Signed(total.ToArray(), m), m);
    }

    [Theory]
    [InlineData(300, 37)]
    [InlineData(64, 9)]
    [InlineData(5, 20)]    // fewer rows than columns in the block
    public void BlockedReductionEqualsOneReflectorAtATime(int rows, int m)
    {
        var r1 = Signed(Upper(RandomMatrix(m, m, seed: 3), m), m);
        var r2 = (double[])r1.Clone();
        var b = RandomMatrix(rows, m, seed: 4);
        var b2 = (double[])b.Clone();
        StackedQr.Reduce(r1, m, b, rows);
        StackedQr.Reduce(r2, m, b2, rows, panel: 1);
        AssertSameFactor(Signed(r2, m), Signed(r1, m), m);
    }

    [Theory]
    [InlineData(300, 37)]
    [InlineData(67, 101)]   // more columns than rows in the block, rows not a multiple of 8
    [InlineData(13, 6)]
    public void The512BitAndPortableTilesGiveTheSameFactor(int rows, int m)
    {
        // Where the hardware has no 512-bit vectors both calls take the portable tiles, and the test still holds.
        var r1 = Signed(Upper(RandomMatrix(m, m, seed: 5), m), m);
        var r2 = (double[])r1.Clone();
        var b = RandomMatrix(rows, m, seed: 6);
        var b2 = (double[])b.Clone();
        StackedQr.Reduce(r1, m, b, rows, vectorBits: 512);
        StackedQr.Reduce(r2, m, b2, rows, vectorBits: 256);
        AssertSameFactor(Signed(r2, m), Signed(r1, m), m);
    }

    [Theory]
    [InlineData(256, 301, 512)]
    [InlineData(256, 301, 256)]
    [InlineData(203, 342, 512)]   // rows not a multiple of 8, trailing columns not of 4
    public void TheTrailingColumnsSplitBetweenThreadsGiveTheBitsOfOneThread(int rows, int m, int bits)
    {
        // Wide enough that the first panels' updates split their trailing columns between two threads
        // (StackedQr.SplitWork): R and the reflectors left in the block are those of the unsplit update, bit for bit.
        Assert.True((m - 8.0) * rows >= StackedQr.SplitWork);
        var r1 = Signed(Upper(RandomMatrix(m, m, seed: 7), m), m);
        var r2 = (double[])r1.Clone();
        var b1 = RandomMatrix(rows, m, seed: 8);
        var b2 = (double[])b1.Clone();
        StackedQr.Reduce(r1, m, b1, rows, vectorBits: bits);
        double split = StackedQr.SplitWork;
        try
        {
            StackedQr.SplitWork = double.PositiveInfinity;   // one thread (other tests may take either path meanwhile: same bits)
            StackedQr.Reduce(r2, m, b2, rows, vectorBits: bits);
        }
        finally
        {
            StackedQr.SplitWork = split;
        }
        Assert.Equal(r2, r1);
        Assert.Equal(b2, b1);
    }

    private static double[] Upper(double[] a, int m)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < i; j++) a[i * m + j] = 0;
        return a;
    }

    [Fact]
    public void ZeroColumnsLeaveTheFactorFinite()
    {
        int n = 50, m = 4;
        var a = RandomMatrix(n, m, seed: 9);
        for (int i = 0; i < n; i++) a[i * m + 2] = 0;
        var qr = new TallSkinnyQr(m);
        qr.Add(a, n);
        Assert.All(qr.ToArray(), v => Assert.True(double.IsFinite(v)));
        Assert.Equal(0, qr[2, 2]);
    }

    /// <summary>θ of the plain unblocked Householder solve of [X, 1]θ = y (well-conditioned data, so it is accurate to about 1e-15).</summary>
    private static double[] HouseholderSolution(Dataset data)
    {
        int n = data.Rows, d = data.Features, p = d + 1;
        var a = new double[n * p];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++) a[j * n + i] = data.Feature(i, j);
            a[d * n + i] = 1;
        }
        var qr = QrFactorization.Factor(a, n, p);
        var c = data.Y.ToArray();
        qr.ApplyQt(c);
        var theta = c.AsSpan(0, p).ToArray();
        qr.SolveR(theta);
        return theta;
    }

    private static void AssertClose(double expected, double actual, double relative, string what) =>
        Assert.True(Math.Abs(expected - actual) <= relative * Math.Max(1, Math.Abs(expected)), $"{what}: {actual:R} vs {expected:R}");

    [Theory]
    [InlineData(40_000, 6)]    // several parallel pieces of 16 384 rows, the last one short
    [InlineData(301, 30)]
    public void ExactSolutionEqualsTheUnblockedQrSolution(int n, int d)
    {
        var (data, _) = TestData.Random(n, d, 1, seed: n);
        var expected = HouseholderSolution(data);
        var solution = ExactLeastSquares.Solve(data);
        var theta = solution.Model.Parameters.ToArray();
        for (int j = 0; j < theta.Length; j++) AssertClose(expected[j], theta[j], 1e-12, $"θ{j}");
    }

    public static TheoryData<int> Caps => [1000, 4097, 65536];

    [Theory]
    [MemberData(nameof(Caps))]
    public void StreamedSolutionAgreesWithTheInMemoryOne(int cap)
    {
        var (data, _) = TestData.Random(20_000, 8, 2, seed: 5, noise: 0.5);
        var memory = ExactLeastSquares.Solve(data);
        var source = new CappedChunks(data, cap);
        var streamed = ExactLeastSquares.Solve(source, SufficientStatistics.Compute(source));
        AssertSameSolution(memory, streamed);
    }

    [Fact]
    public void StreamedWeightedSolutionAgreesWithTheInMemoryOne()
    {
        var (plain, _) = TestData.Random(5000, 5, 1, seed: 8, noise: 0.5);
        var rng = new Random(2);
        var data = plain.WithWeights([.. Enumerable.Range(0, plain.Rows).Select(i => i % 10 == 0 ? 0 : rng.NextDouble() * 3)]);
        var memory = ExactLeastSquares.Solve(data);
        var source = new CappedChunks(data, 777);
        var streamed = ExactLeastSquares.Solve(source, SufficientStatistics.Compute(source));
        AssertSameSolution(memory, streamed);
    }

    private static void AssertSameSolution(ExactSolution expected, ExactSolution actual)
    {
        var a = expected.Model.Parameters.ToArray();
        var b = actual.Model.Parameters.ToArray();
        for (int j = 0; j < a.Length; j++) AssertClose(a[j], b[j], 1e-12, $"θ{j}");
        for (int o = 0; o < expected.ResidualSumOfSquares.Count; o++)
        {
            AssertClose(expected.ResidualSumOfSquares[o], actual.ResidualSumOfSquares[o], 1e-12, "SSE");
            AssertClose(expected.RSquared[o], actual.RSquared[o], 1e-12, "R²");
            AssertClose(expected.InterceptStandardErrors[o], actual.InterceptStandardErrors[o], 1e-11, "SE(b)");
            for (int j = 0; j < expected.StandardErrors[o].Length; j++)
                AssertClose(expected.StandardErrors[o][j], actual.StandardErrors[o][j], 1e-11, $"SE(β{j})");
        }
        Assert.Equal(expected.DegreesOfFreedom, actual.DegreesOfFreedom);
        Assert.Equal(expected.ConditionNumber, actual.ConditionNumber, 6);
    }

    [Fact]
    public void StreamedRankDeficientDesignNamesTheAliasedColumn()
    {
        var (plain, _) = TestData.Random(3000, 3, 1, seed: 4);
        int n = plain.Rows;
        var x = new double[n * 4];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < 3; j++) x[i * 4 + j] = plain.Feature(i, j);
            x[i * 4 + 3] = 2 * plain.Feature(i, 1);    // a copy of x2, rescaled
        }
        var data = new Dataset(x, plain.Y.ToArray(), n, 4, featureNames: ["a", "b", "c", "b2"]);
        var memory = ExactLeastSquares.Solve(data);
        var source = new CappedChunks(data, 1000);
        var streamed = ExactLeastSquares.Solve(source, SufficientStatistics.Compute(source));
        Assert.Equal(4, memory.Rank);
        Assert.Equal(4, streamed.Rank);
        Assert.Equal(["b", "b2"], streamed.Aliased.OrderBy(s => s));
        Assert.Equal(memory.Aliased.OrderBy(s => s), streamed.Aliased.OrderBy(s => s));
        var a = memory.Model.Parameters.ToArray();
        var b = streamed.Model.Parameters.ToArray();
        for (int j = 0; j < a.Length; j++) AssertClose(a[j], b[j], 1e-10, $"θ{j}");
        Assert.True(double.IsNaN(streamed.StandardErrors[0][1]));
        Assert.False(double.IsNaN(streamed.StandardErrors[0][0]));
    }

    [Fact]
    public void ExactFitOfAStreamedSourceUsesTheQrOfTheRows()
    {
        var (data, _) = TestData.Random(5000, 4, 1, seed: 12);
        var options = new LinearRegressorOptions { Method = SolverMethod.Exact };
        var memory = new LinearRegressor(options).Fit(data);
        var streamed = new LinearRegressor(options).Fit(new CappedChunks(data, 999));
        Assert.Equal(EngineKind.Stream, streamed.Engine);
        Assert.Contains("tall-skinny QR", streamed.MethodChoice);
        var a = memory.Model.Parameters.ToArray();
        var b = streamed.Model.Parameters.ToArray();
        for (int j = 0; j < a.Length; j++) AssertClose(a[j], b[j], 1e-12, $"θ{j}");
        AssertClose(memory.Statistics[0].SumOfSquaredResiduals, streamed.Statistics[0].SumOfSquaredResiduals, 1e-12, "SSE");
    }
}
