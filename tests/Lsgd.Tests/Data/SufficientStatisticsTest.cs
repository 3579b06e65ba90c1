using Lsgd.Data;

namespace Lsgd.Tests.Data;

/// <summary>Sufficient statistics on their own: accumulation, merging, centring, precision and threads.</summary>
public class SufficientStatisticsTest
{
    [Fact]
    public void MergingStatisticsOfPartsEqualsTheStatisticsOfTheWhole()
    {
        var (data, _) = TestData.Random(1000, 4, 2, seed: 5);
        var whole = SufficientStatistics.Compute(data);
        var merged = SufficientStatistics.Compute(new DatasetRowSource(data), chunkRows: 37);
        Assert.Equal(whole.Count, merged.Count);
        for (int i = 0; i < whole.FeatureScatter.Length; i++) Assert.Equal(whole.FeatureScatter[i], merged.FeatureScatter[i], 1e-10 * Math.Abs(whole.FeatureScatter[0]));
        for (int i = 0; i < whole.CrossScatter.Length; i++) Assert.Equal(whole.CrossScatter[i], merged.CrossScatter[i], 1e-9);
        for (int i = 0; i < 4; i++) Assert.Equal(whole.FeatureMeans[i], merged.FeatureMeans[i], 1e-13);
    }

    [Fact]
    public void CentringKeepsLargeOffsetsFromCancelling()
    {
        // x = 1e9 + small: uncentred sums would lose every digit of the small part.
        var rng = new Random(1);
        int n = 50_000;
        var x = Enumerable.Range(0, n).Select(_ => 1e9 + rng.NextDouble()).ToArray();
        var y = x.Select(v => 3 * (v - 1e9) + 2).ToArray();
        var stats = SufficientStatistics.Compute(new Dataset(x, y, n, 1));
        double mean = x.Average(v => v - 1e9) + 1e9;
        double sxx = x.Sum(v => (v - mean) * (v - mean));
        Assert.Equal(sxx, stats.FeatureScatter[0], 1e-9 * sxx);
        var theta = stats.SolveNormalEquations(fitIntercept: true);
        Assert.Equal(3.0, theta[0], 6);
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(300, 13, 2)]
    [InlineData(20_000, 37, 3)]
    [InlineData(500, 10, 1)]    // narrow: the triangle kernel; rows copied eight values at a time across row ends
    [InlineData(130, 3, 1)]     // a second panel of 2 rows; a last row shorter than a vector
    [InlineData(260, 17, 2)]
    [InlineData(150, 100, 1)]
    [InlineData(1000, 14, 1)]   // 16 columns: one whole strip, the 1 in the last column
    [InlineData(400, 8, 1)]     // one vector of features; y and the 1 in the second
    [InlineData(300, 1, 1)]
    [InlineData(300, 5, 3)]     // several outputs in the narrow copy
    [InlineData(300, 12, 3)]    // 16 columns with three outputs
    [InlineData(200, 768, 1)]   // the head's width: 49 strips, G beyond L2
    public void ScatterMatricesMatchATwoPassComputation(int n, int d, int k)
    {
        // Every block of the Gram update ([x − K, y − K_y, 1] tiles, the tails of 16 and of 4, several outputs)
        // against the textbook: means first, then sums of centred products.
        var (data, _) = TestData.Random(n, d, k, seed: n + 10 * d + k);
        var stats = SufficientStatistics.Compute(data);
        var x = data.X.ToArray();
        var y = data.Y.ToArray();
        var mx = Enumerable.Range(0, d).Select(j => Enumerable.Range(0, n).Average(i => x[i * d + j])).ToArray();
        var my = Enumerable.Range(0, k).Select(o => Enumerable.Range(0, n).Average(i => y[i * k + o])).ToArray();
        Assert.Equal(n, stats.Count);
        for (int a = 0; a < d; a++)
        {
            Assert.Equal(mx[a], stats.FeatureMeans[a], 1e-12);
            for (int b = 0; b < d; b++)
            {
                double expected = Enumerable.Range(0, n).Sum(i => (x[i * d + a] - mx[a]) * (x[i * d + b] - mx[b]));
                Assert.Equal(expected, stats.FeatureScatter[a * d + b], 1e-10 * Math.Max(1, Math.Abs(expected)));
            }
            for (int o = 0; o < k; o++)
            {
                double expected = Enumerable.Range(0, n).Sum(i => (x[i * d + a] - mx[a]) * (y[i * k + o] - my[o]));
                Assert.Equal(expected, stats.CrossScatter[a * k + o], 1e-10 * Math.Max(1, Math.Abs(expected)));
            }
        }
        for (int o = 0; o < k; o++)
        {
            Assert.Equal(my[o], stats.TargetMeans[o], 1e-12);
            double expected = Enumerable.Range(0, n).Sum(i => (y[i * k + o] - my[o]) * (y[i * k + o] - my[o]));
            Assert.Equal(expected, stats.TargetScatter[o], 1e-10 * Math.Max(1, expected));
        }
    }

    [Theory]
    [InlineData(20_000, 37)]
    [InlineData(1_000, 10)]
    [InlineData(129, 3)]
    [InlineData(300, 13)]
    [InlineData(260, 8)]
    public void Float32FeaturesGiveTheStatisticsOfTheirWidenedValuesBitForBit(int n, int d)
    {
        var (data, _) = TestData.Random(n, d, 2, seed: 21);
        var singles = data.X.ToArray().Select(v => (float)v).ToArray();
        var single = SufficientStatistics.Compute(Dataset.FromSingle(singles, data.Y.ToArray(), n, d, 2));
        var widened = SufficientStatistics.Compute(new Dataset(singles.Select(v => (double)v).ToArray(), data.Y.ToArray(), n, d, 2));
        Assert.Equal(widened.FeatureScatter, single.FeatureScatter);
        Assert.Equal(widened.CrossScatter, single.CrossScatter);
        Assert.Equal(widened.FeatureMeans, single.FeatureMeans);
        Assert.Equal(widened.TargetScatter, single.TargetScatter);
    }

    [Theory]
    [InlineData(20, 1)]    // row-major panels of 64 rows (512-bit tiles)
    [InlineData(45, 2)]
    [InlineData(130, 1)]   // packed strips
    public void BlocksMergedInTheirLowerTriangleMatchWholeMergesBitForBitAndAreSymmetric(int d, int k)
    {
        // Compute(Dataset) reuses merged parts' arrays and merges Sxx's lower triangle only, mirroring at the end; the streamed
        // Compute takes the same blocks (chunks of the same rows) and merges whole matrices. A block of weight zero (a part of
        // count 0, whose reused arrays must be cleared) sits in the middle.
        const int n = 600, blockRows = 37;
        var (plain, _) = TestData.Random(n, d, k, seed: d + k);
        var weights = Enumerable.Range(0, n).Select(i => i is >= 74 and < 111 ? 0.0 : 0.5 + (i % 7) * 0.25).ToArray();
        var data = plain.WithWeights(weights);
        var streamed = SufficientStatistics.Compute(new DatasetRowSource(data), chunkRows: blockRows);
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var blocks = SufficientStatistics.Compute(data, threads, blockRows);
            Assert.Equal(streamed.Count, blocks.Count);
            Assert.Equal(streamed.WeightSum, blocks.WeightSum);
            Assert.Equal(streamed.FeatureMeans, blocks.FeatureMeans);
            Assert.Equal(streamed.CrossScatter, blocks.CrossScatter);
            Assert.Equal(streamed.TargetScatter, blocks.TargetScatter);
            for (int i = 0; i < d; i++)
                for (int j = 0; j <= i; j++)
                {
                    Assert.Equal(streamed.FeatureScatter[i * d + j], blocks.FeatureScatter[i * d + j]);
                    Assert.Equal(blocks.FeatureScatter[i * d + j], blocks.FeatureScatter[j * d + i]);
                }
        }
    }

    [Theory]
    [InlineData(20, 1, false, false)]   // row-major panels of 64 rows (512-bit tiles)
    [InlineData(100, 1, false, true)]
    [InlineData(100, 3, true, false)]
    [InlineData(200, 2, true, true)]    // packed strips of 128 rows: one panel either way
    public void CopyingTheNextPanelBetweenTheTilesGivesTheSameBitsAsCopyingItFirst(int d, int k, bool fourByteValues, bool weighted)
    {
        // 1000 rows: blocks of 256 and chunks of 333 rows end mid-panel, and the last panel of each is short.
        const int n = 1000;
        var (plain, _) = TestData.Random(n, d, k, seed: d * 7 + k);
        var data = fourByteValues ? Dataset.FromSingle([.. plain.X.ToArray().Select(v => (float)v)], plain.Y.ToArray(), n, d, k) : plain;
        if (weighted) data = data.WithWeights([.. Enumerable.Range(0, n).Select(i => i % 11 == 0 ? 0.0 : 0.25 + (i % 5) * 0.5)]);
        SufficientStatistics Run(bool overlapped, bool streamed)
        {
            // The switch is global: another test meanwhile gets the same bits either way (which is what this test asserts).
            bool was = SufficientStatistics.OverlappedCopy;
            SufficientStatistics.OverlappedCopy = overlapped;
            try
            {
                return streamed && !fourByteValues
                    ? SufficientStatistics.Compute(new DatasetRowSource(data), chunkRows: 333)
                    : SufficientStatistics.Compute(data, maxThreads: 2, blockRows: 256);
            }
            finally
            {
                SufficientStatistics.OverlappedCopy = was;
            }
        }
        foreach (bool streamed in new[] { false, true })
        {
            var apart = Run(overlapped: false, streamed);
            var overlapped = Run(overlapped: true, streamed);
            Assert.Equal(apart.Count, overlapped.Count);
            Assert.Equal(apart.WeightSum, overlapped.WeightSum);
            Assert.Equal(apart.SumOfLogWeights, overlapped.SumOfLogWeights);
            Assert.Equal(apart.FeatureMeans, overlapped.FeatureMeans);
            Assert.Equal(apart.TargetMeans, overlapped.TargetMeans);
            Assert.Equal(apart.FeatureScatter, overlapped.FeatureScatter);
            Assert.Equal(apart.CrossScatter, overlapped.CrossScatter);
            Assert.Equal(apart.TargetScatter, overlapped.TargetScatter);
            // And both are the statistics of the data (to the rounding of a sum of n products), not merely equal to each other.
            var exact = Reference(data);
            for (int i = 0; i < d * d; i++) Assert.Equal(exact[i], overlapped.FeatureScatter[i], 1e-10 * Math.Abs(exact[0]));
        }
    }

    /// <summary>Σ w (x − x̄)(x − x̄)ᵀ by plain loops over the widened values (two passes).</summary>
    private static double[] Reference(Dataset data)
    {
        int n = data.Rows, d = data.Features;
        double[] x = data.IsSinglePrecision ? [.. data.XSingle.ToArray().Select(v => (double)v)] : data.X.ToArray();
        double[] w = data.IsWeighted ? data.Weights.ToArray() : [.. Enumerable.Repeat(1.0, n)];
        var mean = new double[d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) mean[j] += w[i] * x[i * d + j];
        double total = w.Sum();
        for (int j = 0; j < d; j++) mean[j] /= total;
        var s = new double[d * d];
        var c = new double[d];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++) c[j] = x[i * d + j] - mean[j];
            for (int a = 0; a < d; a++)
                for (int b = 0; b < d; b++)
                    s[a * d + b] += w[i] * c[a] * c[b];
        }
        return s;
    }

    [Fact]
    public void ResultIsBitIdenticalWithOneAndTwoThreads()
    {
        var (data, _) = TestData.Random(70_000, 5, 1, seed: 9);
        var a = SufficientStatistics.Compute(data, maxThreads: 1);
        var b = SufficientStatistics.Compute(data, maxThreads: 2);
        Assert.Equal(a.FeatureScatter, b.FeatureScatter);
        Assert.Equal(a.CrossScatter, b.CrossScatter);
    }

    [Theory]
    [InlineData(6, 3, true)]
    [InlineData(40, 5, false)]
    public void ResidualSumsOfEveryOutputAtOnceMatchEachOutputAloneBitForBit(int d, int k, bool intercept)
    {
        // One sweep of Sxx for all outputs (the exact solution from the statistics) against one sweep an output: each
        // output's terms in the same order, so the same bits; and both against the residuals summed row by row.
        var (data, _) = TestData.Random(300, d, k, seed: d + k);
        var stats = SufficientStatistics.Compute(data);
        var layout = new Lsgd.Models.ParameterLayout(d, k, intercept);
        var rng = new Random(7);
        var theta = Enumerable.Range(0, k * layout.BlockSize).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var all = stats.ResidualSumsOfSquares(theta, layout);
        var x = data.X.ToArray();
        var y = data.Y.ToArray();
        for (int o = 0; o < k; o++)
        {
            var w = layout.Weights((ReadOnlySpan<double>)theta, o);
            double b = layout.Intercept(theta, o);
            Assert.Equal(stats.ResidualSumOfSquares(o, w, b), all[o]);
            double direct = 0;
            for (int i = 0; i < data.Rows; i++)
            {
                double r = y[i * k + o] - b;
                for (int j = 0; j < d; j++) r -= w[j] * x[i * d + j];
                direct += r * r;
            }
            Assert.Equal(direct, all[o], 1e-9 * direct);
        }
    }
}
