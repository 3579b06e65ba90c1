using Lsgd.Data;
using Lsgd.Engines;
using Lsgd.Models;
using Lsgd.Tests.Reference;
using static Lsgd.Tests.Reference.ScalarLoopCheck;

namespace Lsgd.Tests.Engines;

/// <summary>
/// The article's scalar loop (<see cref="ArticleGradientDescent.LossAndGradient"/>) against every engine and
/// source — rows in float64 and float32, sufficient statistics from memory and from a row source, streaming,
/// mini-batches and Hessian products — on shapes sampled with a seed from 0–64 rows × 1–33 features, with the
/// rows split into small blocks across 1, 2, 3 and 7 threads.
/// </summary>
/// <remarks>
/// Agreement is judged by the forward error bound of a sum: a sum of m terms computed in floating point is within
/// m·u·Σ|tᵢ| of the exact one (u = ε/2, to first order). So every gradient entry must agree within
/// c·(n + d + 2)·ε·Sⱼ, where Sⱼ is the same sum taken over the absolute values of every product it expands into
/// (|xᵢⱼ|·(|yᵢ| + Σₘ|wₘxᵢₘ| + |b|)), the loss within that bound on ½Σ(|y| + Σ|wx| + |b|)², and H·v likewise.
/// c = 1 for the row engines (the textbook bound, with a factor 2 to spare) and c = 4 for the statistics, which
/// centre, merge blocks and add n·x̄x̄ᵀ back (a few more roundings per term). Columns are offset and scaled
/// differently, so centring is exercised. Measured worst cases: 0.04 of the bound for rows, 0.23 for statistics;
/// an engine that rounded features to float32, dropped or repeated a row, would miss it by orders of magnitude.
/// </remarks>
public class EngineSweepTest
{
    private static readonly int[] Threads = [1, 2, 3, 7];

    public static TheoryData<int, int, int, bool, int> Shapes()
    {
        // 40 shapes from the 65 × 33 grid (and 1–3 outputs, with and without intercept), always with the corners.
        var rng = new Random(20240611);
        var data = new TheoryData<int, int, int, bool, int>
        {
            { 1, 1, 1, true, 1 }, { 64, 33, 1, true, 2 }, { 1, 33, 2, false, 3 }, { 64, 1, 3, false, 4 }, { 2, 1, 1, true, 5 },
        };
        for (int c = 0; c < 35; c++)
            data.Add(rng.Next(1, 65), rng.Next(1, 34), rng.Next(1, 4), rng.Next(2) == 0, 100 + c);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EveryEngineAgreesWithTheScalarLoop(int n, int d, int k, bool intercept, int seed)
    {
        var rng = new Random(seed);
        var (x, xSingle, y) = Sample(rng, n, d, k);
        var layout = new ParameterLayout(d, k, intercept);
        var theta = Enumerable.Range(0, layout.Count).Select(_ => 2 * rng.NextDouble() - 1).ToArray();
        var v = Enumerable.Range(0, layout.Count).Select(_ => 2 * rng.NextDouble() - 1).ToArray();
        int blockRows = rng.Next(1, 8), chunkRows = rng.Next(1, 10);

        var doubles = new Dataset(x, y, n, d, k);
        var singles = Dataset.FromSingle(xSingle, y, n, d, k);
        var widened = xSingle.Select(f => (double)f).ToArray();
        var forDoubles = Expected(x, y, n, d, k, intercept, theta, v);
        var forSingles = Expected(widened, y, n, d, k, intercept, theta, v);

        foreach (var (data, reference, precision) in new[] { (doubles, forDoubles, "float64"), (singles, forSingles, "float32") })
        {
            string where = $"n = {n}, d = {d}, k = {k}, intercept = {intercept}, {precision}";
            EvaluationOf? firstRows = null, firstStatistics = null;
            foreach (int threads in Threads)
            {
                // Rows in memory, in blocks of a few rows spread over the threads (parallel from any size).
                var rows = Evaluate(new InMemoryEngine(data, intercept, threads, blockRows, parallelWork: 0), theta, v);
                reference.Check(rows, 1, $"rows, {threads} threads, blocks of {blockRows}, {where}");
                firstRows ??= rows;
                Assert.True(firstRows.SameBits(rows), $"rows on {threads} threads differ from 1 thread, {where}");

                var statistics = SufficientStatistics.Compute(data, threads, blockRows);
                var fromStatistics = Evaluate(new SufficientStatisticsEngine(statistics, intercept), theta, v);
                reference.Check(fromStatistics, 4, $"statistics, {threads} threads, blocks of {blockRows}, {where}");
                firstStatistics ??= fromStatistics;
                Assert.True(firstStatistics.SameBits(fromStatistics), $"statistics on {threads} threads differ from 1 thread, {where}");
            }

            var source = new DatasetRowSource(data);
            var streamed = new StreamingEngine(source, intercept, n, chunkRows: chunkRows);
            reference.Check(Evaluate(streamed, theta, v), 1, $"streaming, chunks of {chunkRows}, {where}");
            var statisticsOfSource = new SufficientStatisticsEngine(SufficientStatistics.Compute(source, chunkRows), intercept);
            reference.Check(Evaluate(statisticsOfSource, theta, v), 4, $"statistics of a source, chunks of {chunkRows}, {where}");

            // Mini-batches: one epoch visits every row once, so the batch sums add up to the full pass.
            int batchSize = rng.Next(1, 12);
            var engines = new IGradientEngine[] { new InMemoryEngine(data, intercept, 3, blockRows, parallelWork: 0), streamed };
            foreach (var engine in engines)
            {
                var total = new double[layout.Count];
                var part = new double[layout.Count];
                double loss = 0;
                int seen = 0;
                foreach (var batch in engine.Batches(batchSize, seed))
                {
                    loss += batch.Evaluate(theta, part);
                    seen += batch.Rows;
                    for (int j = 0; j < part.Length; j++) total[j] += part[j];
                }
                Assert.Equal(n, seen);
                reference.Check(new EvaluationOf(loss, total, []), 1, $"{engine.GetType().Name} batches of {batchSize}, {where}", withHessian: false);
            }
        }
    }

    [Fact]
    public void ZeroRowsGiveAZeroLossStreamedAndAOneLineErrorElsewhere()
    {
        var empty = new EmptySource(3, 2);
        var streamed = new StreamingEngine(empty, fitIntercept: true, rows: 0, chunkRows: 4);
        var gradient = Enumerable.Repeat(double.NaN, streamed.Layout.Count).ToArray();
        Assert.Equal(0.0, streamed.Evaluate(new double[streamed.Layout.Count], gradient));
        Assert.All(gradient, g => Assert.Equal(0.0, g));
        Assert.Empty(streamed.Batches(5, seed: 1));

        var statistics = Assert.Throws<LsgdException>(() => SufficientStatistics.Compute(empty));
        Assert.Contains("no rows", statistics.Message, StringComparison.Ordinal);
        var dataset = Assert.Throws<LsgdException>(() => new Dataset([], [], 0, 3));
        Assert.Contains("no rows", dataset.Message, StringComparison.Ordinal);
    }

    /// <summary>Columns with their own offset and scale (so centring matters), targets likewise; float32 copies.</summary>
    private static (double[] X, float[] XSingle, double[] Y) Sample(Random rng, int n, int d, int k)
    {
        var offset = Enumerable.Range(0, d).Select(_ => rng.Next(4) == 0 ? 100 * (rng.NextDouble() - 0.5) : 0).ToArray();
        var scale = Enumerable.Range(0, d).Select(_ => Math.Pow(10, 2 * rng.NextDouble() - 1)).ToArray();
        var x = new double[n * d];
        var xSingle = new float[n * d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++)
            {
                x[i * d + j] = offset[j] + scale[j] * TestData.Gaussian(rng);
                xSingle[i * d + j] = (float)x[i * d + j];
            }
        var y = new double[n * k];
        for (int i = 0; i < y.Length; i++) y[i] = 3 + 5 * TestData.Gaussian(rng);
        return (x, xSingle, y);
    }

    private sealed class EmptySource(int features, int outputs) : IRowSource
    {
        public int Features => features;
        public int Outputs => outputs;
        public IReadOnlyList<string> FeatureNames => [.. Enumerable.Range(1, features).Select(j => $"x{j}")];
        public IReadOnlyList<string> TargetNames => [.. Enumerable.Range(1, outputs).Select(j => $"y{j}")];
        public long? RowCount => 0;
        public IEnumerable<RowChunk> ReadChunks(int chunkRows, CancellationToken cancellationToken = default) => [];
    }
}
