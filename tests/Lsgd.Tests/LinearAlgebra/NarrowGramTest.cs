using Lsgd.Data;
using Lsgd.LinearAlgebra;

namespace Lsgd.Tests.LinearAlgebra;

/// <summary>
/// The fused narrow Gram kernel against plain loops, at every width it takes (d = 1 … 14, k = 1 … 3, d + k + 1 ≤ 16),
/// row counts that are not multiples of its lag or ring, weights and float32 features; and the statistics pass with
/// it against the pass that copies the panel first, bit for bit.
/// </summary>
public class NarrowGramTest
{
    private static readonly int[] Widths = [512, 256];

    public static IEnumerable<object[]> Shapes()
    {
        foreach (int k in new[] { 1, 2, 3 })
            for (int d = 1; d + k + 1 <= 16; d++)
                yield return [d, k];
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void UpdateEqualsAScalarLoopOfTheSameFusedMultiplyAddsBitForBit(int d, int k)
    {
        // Both widths where the CPU has them (AVX-512F for 512, AVX2 with FMA for 256); the statistics tests cover the scalar path.
        foreach (int bits in Widths.Where(NarrowGram.IsSupportedAt))
            foreach (int rows in new[] { 0, 1, 2, 3, 4, 5, 7, 8, 9, 31, 128, 300 })
                foreach (bool weighted in new[] { false, true })
                    foreach (bool single in new[] { false, true })
                        Check(d, k, rows, weighted, single, bits);
    }

    /// <summary>
    /// One call against the rows formed in scalar code, zₜ = [xₜ − K, yₜ − K_y, 1]·√wₜ, and accumulated with
    /// Math.FusedMultiplyAdd row after row from zero: the kernel makes the same operations, so every entry on and above
    /// the diagonal is the same bits; against a plain multiply-and-add loop in turn to within the rounding of the sums.
    /// The features past the rows (which whole-vector loads read) are NaN: none may reach a result. 300 rows span
    /// three of the 256-bit kernel's blocks of 128, whose accumulators wait in memory between blocks.
    /// </summary>
    private static void Check(int d, int k, int rows, bool weighted, bool single, int bits)
    {
        int cols = d + k + 1;
        var (x, y, w, shiftX, shiftY) = Inputs(d, k, rows, weighted, single, bits, seed: 1000 * d + 100 * k + rows);
        var g = new double[256];
        if (single)
            NarrowGram.Update<float>([.. x.Select(v => (float)v)], d, y, k, w, rows, shiftX, shiftY, g, 64, bits);
        else
            NarrowGram.Update<double>(x, d, y, k, w, rows, shiftX, shiftY, g, 64, bits);

        var fused = new double[cols, cols];
        var plain = new double[cols, cols];
        var magnitude = new double[cols, cols];
        var z = new double[cols];
        for (int t = 0; t < rows; t++)
        {
            double root = weighted ? Math.Sqrt(w[t]) : 1;
            for (int j = 0; j < d; j++) z[j] = (x[t * d + j] - shiftX[j]) * root;
            for (int o = 0; o < k; o++) z[d + o] = (y[t * k + o] - shiftY[o]) * root;
            z[d + k] = root;
            for (int j = 0; j < cols; j++)
                for (int i = 0; i <= j; i++)
                {
                    fused[i, j] = Math.FusedMultiplyAdd(z[i], z[j], fused[i, j]);
                    plain[i, j] += z[i] * z[j];
                    magnitude[i, j] += Math.Abs(z[i] * z[j]);
                }
        }
        string where = $"{bits} bits, d = {d}, k = {k}, {rows} rows{(weighted ? ", weighted" : "")}{(single ? ", float32" : "")}";
        for (int j = 0; j < cols; j++)
            for (int i = 0; i <= j; i++)
            {
                double got = g[j * 16 + i];
                Assert.True(BitConverter.DoubleToInt64Bits(fused[i, j]) == BitConverter.DoubleToInt64Bits(got), $"{where}: ({i}, {j}) is {got}, the scalar fused loop {fused[i, j]}");
                Assert.True(Math.Abs(plain[i, j] - got) <= 2 * (rows + 1) * 1.1e-16 * magnitude[i, j], $"{where}: ({i}, {j}) is {got}, the plain loop {plain[i, j]}");
            }
    }

    [Fact]
    public void UpdateRefusesFeaturesThatDoNotReachTheLastRowsVectors()
    {
        var g = new double[256];
        foreach (int bits in Widths.Where(NarrowGram.IsSupportedAt))
        {
            // 4 rows of 10 and 5 values: short of the last row's whole vectors (16 values at 512 bits, 12 at 256).
            Assert.ThrowsAny<ArgumentException>(() => NarrowGram.Update<double>(new double[4 * 10 + 5], 10, new double[5], 1, default, 5, new double[10], new double[1], g, 0, bits));
            Assert.ThrowsAny<ArgumentException>(() => NarrowGram.Update<double>(new double[100], 10, new double[5], 6, default, 5, new double[10], new double[6], g, 0, bits));
        }
    }

    public static IEnumerable<object[]> Passes()
    {
        foreach (var (d, k) in new[] { (1, 1), (3, 1), (6, 1), (7, 1), (8, 1), (9, 1), (10, 1), (14, 1), (5, 3), (8, 3), (12, 3), (2, 2), (13, 2) })
            foreach (int n in new[] { 1, 5, 129, 300, 16_500 })
                yield return [d, k, n];
    }

    /// <summary>
    /// The statistics pass over narrow data with the fused kernel and with the panel copied first (the other path, and the
    /// one a data set's last panel takes when its rows' whole vectors would run past the data): the same bits, float64
    /// and float32, weighted and not, streamed in chunks of 37 rows and in memory.
    /// </summary>
    [Theory]
    [MemberData(nameof(Passes))]
    public void StatisticsAreTheSameBitsWithAndWithoutTheFusedKernel(int d, int k, int n)
    {
        var (data, _) = TestData.Random(n, d, k, seed: 7 * n + d + k);
        var rng = new Random(n);
        var weights = Enumerable.Range(0, n).Select(t => t % 7 == 2 ? 0 : 0.5 + rng.NextDouble()).ToArray();
        var single = Dataset.FromSingle([.. data.X.ToArray().Select(v => (float)v)], data.Y.ToArray(), n, d, k);
        foreach (var set in new[] { data, data.WithWeights(weights), single, single.WithWeights(weights) })
        {
            var fused = Pass(set, fusedKernel: true);
            var copied = Pass(set, fusedKernel: false);
            for (int p = 0; p < fused.Length; p++)
                Assert.Equal(copied[p], fused[p]);
        }
        var streamedFused = Stream(data, true);
        var streamedCopied = Stream(data, false);
        Assert.Equal(streamedCopied, streamedFused);
    }

    /// <summary>
    /// The kernel's inputs for <paramref name="rows"/> rows: features far from 0 (so the shift matters; rounded to float32
    /// values with <paramref name="floats"/>) and NaN past the rows, up to what whole-vector loads read; targets; weights
    /// (every fifth 0) or none; the shifts K and K_y.
    /// </summary>
    private static (double[] X, double[] Y, double[] W, double[] ShiftX, double[] ShiftY) Inputs(int d, int k, int rows, bool weighted, bool floats, int bits, int seed)
    {
        var rng = new Random(seed);
        var x = new double[NarrowGram.Reach(rows, d, bits)];
        Array.Fill(x, double.NaN);
        for (int i = 0; i < rows * d; i++) x[i] = 1e3 + 10 * rng.NextDouble();
        if (floats)
            for (int i = 0; i < rows * d; i++) x[i] = (float)x[i];
        var y = Enumerable.Range(0, rows * k).Select(_ => -50 + rng.NextDouble()).ToArray();
        var w = weighted ? Enumerable.Range(0, rows).Select(t => t % 5 == 3 ? 0 : 2 * rng.NextDouble()).ToArray() : [];
        var shiftX = Enumerable.Range(0, d).Select(j => 1e3 + 5 + 0.1 * j).ToArray();
        var shiftY = Enumerable.Range(0, k).Select(o => -49.5 + 0.01 * o).ToArray();
        return (x, y, w, shiftX, shiftY);
    }

    /// <summary>RowsWithin inverts Reach: the rows it gives read inside the length, one more would not (or all the rows fit).</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(9)]
    [InlineData(14)]
    public void RowsWithinIsTheMostRowsWhoseReadsStayInside(int d)
    {
        foreach (int bits in Widths)
            foreach (long length in new long[] { 0, 3, 8, 15, 16, 17, 100, 1000, 1001 })
            {
                int rows = NarrowGram.RowsWithin(length, 500, d, bits);
                Assert.True(NarrowGram.Reach(rows, d, bits) <= length);
                Assert.True(rows == 500 || NarrowGram.Reach(rows + 1, d, bits) > length);
            }
    }

    /// <summary>
    /// One call over many panels (<c>panelRows</c>, as the statistics pass makes it for a block) against one call per panel: the
    /// same bits in G, at both widths, weighted or not, float32 or float64, the last panel short; and the default (every row at once)
    /// differs, so the grouping is what the parameter sets.
    /// </summary>
    [Theory]
    [InlineData(10, 1, false, false)]
    [InlineData(10, 1, true, true)]
    [InlineData(5, 3, true, false)]
    [InlineData(13, 2, false, true)]
    public void OneCallOverPanelsGivesTheBitsOfOneCallPerPanel(int d, int k, bool weighted, bool floats)
    {
        const int rows = 1000, panel = 128;
        foreach (int bits in Widths.Where(NarrowGram.IsSupportedAt))
        {
            var (x, y, w, shiftX, shiftY) = Inputs(d, k, rows, weighted, floats, bits, seed: 7 * d + k);
            var xs = x.Select(v => (float)v).ToArray();

            void Call(double[] g, int first, int count, int panelRows)
            {
                var wt = weighted ? w.AsSpan(first, count) : default;
                if (floats)
                    NarrowGram.Update<float>(xs.AsSpan(first * d), d, y.AsSpan(first * k, count * k), k, wt, count, shiftX, shiftY, g, 64, bits, panelRows);
                else
                    NarrowGram.Update<double>(x.AsSpan(first * d), d, y.AsSpan(first * k, count * k), k, wt, count, shiftX, shiftY, g, 64, bits, panelRows);
            }

            var together = new double[256];
            Call(together, 0, rows, panel);
            var apart = new double[256];
            for (int first = 0; first < rows; first += panel) Call(apart, first, Math.Min(panel, rows - first), int.MaxValue);
            var whole = new double[256];
            Call(whole, 0, rows, int.MaxValue);
            Assert.Equal(apart, together);
            Assert.NotEqual(apart, whole);
        }
    }

    /// <summary>
    /// Narrow data (d = 10 and 13, one and three targets, weighted, float32) on one and on two threads, with the fused kernel
    /// and with the panel copied first: the same bits all four ways (blocks and panels fix the grouping of the sums, not the threads).
    /// </summary>
    [Theory]
    [InlineData(10, 1, false, false)]
    [InlineData(10, 1, true, true)]
    [InlineData(13, 2, true, false)]
    [InlineData(9, 3, false, true)]
    public void NarrowStatisticsAreTheSameBitsOnOneAndTwoThreads(int d, int k, bool weighted, bool narrowFloats)
    {
        const int n = 70_000;
        var (data, _) = TestData.Random(n, d, k, seed: 11 * d + k);
        if (narrowFloats) data = Dataset.FromSingle([.. data.X.ToArray().Select(v => (float)v)], data.Y.ToArray(), n, d, k);
        if (weighted)
        {
            var rng = new Random(5);
            data = data.WithWeights([.. Enumerable.Range(0, n).Select(t => t % 7 == 2 ? 0 : 0.5 + rng.NextDouble())]);
        }
        var one = Flatten(WithKernel(true, () => SufficientStatistics.Compute(data, maxThreads: 1)));
        Assert.Equal(one, Flatten(WithKernel(true, () => SufficientStatistics.Compute(data, maxThreads: 2))));
        Assert.Equal(one, Flatten(WithKernel(false, () => SufficientStatistics.Compute(data, maxThreads: 2))));
        Assert.Equal(one, Flatten(WithKernel(false, () => SufficientStatistics.Compute(data, maxThreads: 1))));
    }

    private static double[] Pass(Dataset data, bool fusedKernel) => Flatten(WithKernel(fusedKernel, () => SufficientStatistics.Compute(data, maxThreads: 1)));

    private static double[] Stream(Dataset data, bool fusedKernel) => Flatten(WithKernel(fusedKernel, () => SufficientStatistics.Compute(new DatasetRowSource(data), chunkRows: 37)));

    private static SufficientStatistics WithKernel(bool fusedKernel, Func<SufficientStatistics> compute)
    {
        // The switch is global: another test computing narrow statistics meanwhile gets the same bits either way (which is what this test asserts).
        bool was = SufficientStatistics.NarrowFused;
        SufficientStatistics.NarrowFused = fusedKernel;
        try
        {
            return compute();
        }
        finally
        {
            SufficientStatistics.NarrowFused = was;
        }
    }

    private static double[] Flatten(SufficientStatistics s) =>
        [s.Count, s.WeightSum, s.SumOfLogWeights, .. s.FeatureMeans, .. s.TargetMeans, .. s.FeatureScatter, .. s.CrossScatter, .. s.TargetScatter];
}
