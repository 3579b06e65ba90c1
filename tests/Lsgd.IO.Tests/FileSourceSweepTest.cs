using System.Globalization;
using System.Text;
using Lsgd.Data;
using Lsgd.Engines;
using Lsgd.Models;
using Lsgd.Tests.Reference;

namespace Lsgd.IO.Tests;

/// <summary>
/// The article's scalar loop drives the file sources too: the same rows written as CSV, as float64 and float32
/// .npy and streamed back in chunks of a few rows give the scalar loop's loss and gradient (within the error
/// bound of a sum, <see cref="ScalarLoopCheck"/>), and the streamed pass over a file equals, bit for bit, the
/// pass over the rows in memory (a stream adds rows in file order, whatever the chunks).
/// </summary>
public class FileSourceSweepTest
{
    public static TheoryData<int, int, int, bool, int> Shapes()
    {
        var rng = new Random(77);
        var data = new TheoryData<int, int, int, bool, int> { { 1, 1, 1, true, 1 }, { 64, 33, 2, false, 2 } };
        for (int c = 0; c < 6; c++)
            data.Add(rng.Next(1, 65), rng.Next(1, 34), rng.Next(1, 3), rng.Next(2) == 0, 10 + c);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EveryFileSourceAgreesWithTheScalarLoop(int n, int d, int k, bool intercept, int seed)
    {
        using var t = new TempFolder();
        var rng = new Random(seed);
        var x = new double[n * d];
        for (int i = 0; i < x.Length; i++) x[i] = (rng.Next(3) - 1) * 50 + Math.Pow(10, 2 * rng.NextDouble() - 1) * (rng.NextDouble() - 0.5);
        var y = new double[n * k];
        for (int i = 0; i < y.Length; i++) y[i] = 3 + 10 * (rng.NextDouble() - 0.5);
        var singles = x.Select(v => (float)v).ToArray();
        var layout = new ParameterLayout(d, k, intercept);
        var theta = Enumerable.Range(0, layout.Count).Select(_ => 2 * rng.NextDouble() - 1).ToArray();
        var v = Enumerable.Range(0, layout.Count).Select(_ => 2 * rng.NextDouble() - 1).ToArray();
        int chunkRows = rng.Next(1, 10);

        string featuresPath = t.File("x.npy"), singlesPath = t.File("x32.npy"), targetsPath = t.File("y.npy");
        NpyFile.Write(featuresPath, x, n, d);
        NpyFile.Write(singlesPath, singles, n, d);
        NpyFile.Write(targetsPath, y, n, k);
        string[] featureNames = [.. Enumerable.Range(1, d).Select(j => $"x{j}")];
        string[] targetNames = [.. Enumerable.Range(1, k).Select(o => $"y{o}")];
        string csv = WriteCsv(t, x, y, n, d, k, featureNames, targetNames);

        var forDoubles = ScalarLoopCheck.Expected(x, y, n, d, k, intercept, theta, v);
        var forSingles = ScalarLoopCheck.Expected([.. singles.Select(f => (double)f)], y, n, d, k, intercept, theta, v);
        var inMemory = ScalarLoopCheck.Evaluate(
            new StreamingEngine(new DatasetRowSource(new Dataset(x, y, n, d, k)), intercept, n, chunkRows: chunkRows), theta, v);
        var sources = new (IRowSource Source, ScalarLoopCheck.ReferenceValues Expected, string Name)[]
        {
            (new CsvRowSource(csv, targetNames, featureNames), forDoubles, "CSV"),
            (new NpyRowSource(featuresPath, targetsPath), forDoubles, ".npy float64"),
            (new NpyRowSource(singlesPath, targetsPath), forSingles, ".npy float32"),
        };
        foreach (var (source, expected, name) in sources)
        {
            string where = $"{name}, chunks of {chunkRows}, n = {n}, d = {d}, k = {k}, intercept = {intercept}";
            var streamed = ScalarLoopCheck.Evaluate(new StreamingEngine(source, intercept, n, chunkRows: chunkRows), theta, v);
            expected.Check(streamed, 1, "streaming " + where);
            if (!ReferenceEquals(expected, forSingles))
                Assert.True(inMemory.SameBits(streamed), $"streaming {where} differs from streaming the same rows in memory");
            var statistics = SufficientStatistics.Compute(source, chunkRows);
            Assert.Equal(n, statistics.Count);
            expected.Check(ScalarLoopCheck.Evaluate(new SufficientStatisticsEngine(statistics, intercept), theta, v), 4, "statistics of " + where);
        }
    }

    /// <summary>Targets first, then features, every value written round-trippable ("R").</summary>
    private static string WriteCsv(TempFolder t, double[] x, double[] y, int n, int d, int k, string[] featureNames, string[] targetNames)
    {
        var sb = new StringBuilder(string.Join(",", targetNames.Concat(featureNames))).Append('\n');
        for (int i = 0; i < n; i++)
        {
            var cells = Enumerable.Range(0, k).Select(o => y[i * k + o]).Concat(Enumerable.Range(0, d).Select(j => x[i * d + j]));
            sb.AppendJoin(',', cells.Select(c => c.ToString("R", CultureInfo.InvariantCulture))).Append('\n');
        }
        return t.File("rows.csv", sb.ToString());
    }
}
