using Lsgd.IO;

namespace Lsgd.Cli.Tests;

public class NpyFitTest
{
    private static (string X, string Y) Write(TempFolder t, int n, int d, bool singlePrecision)
    {
        var rng = new Random(5);
        var x = new double[n * d];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double v = 2;
            for (int j = 0; j < d; j++) { x[i * d + j] = rng.NextDouble(); v += (j + 1) * x[i * d + j]; }
            y[i] = v;
        }
        string xp = t.File("X.npy"), yp = t.File("Y.npy");
        if (singlePrecision) NpyFile.Write(xp, x.Select(v => (float)v).ToArray(), n, d);
        else NpyFile.Write(xp, x, n, d);
        NpyFile.Write(yp, y, n, 1);
        return (xp, yp);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FitsFeaturesAndTargetsFromNpyFilesWithTheSameJson(bool singlePrecision)
    {
        using var t = new TempFolder();
        var (x, y) = Write(t, 200, 3, singlePrecision);
        var r = CliRunner.Run("fit", "--features", x, "--targets", y, "--method", "cg", "--json");
        Assert.Equal(0, r.ExitCode);
        var j = r.Json;
        Assert.Equal(["x1", "x2", "x3"], j.GetProperty("features").EnumerateArray().Select(e => e.GetString()!).ToArray());
        double tolerance = singlePrecision ? 1e-5 : 1e-9;   // float32 features carry 7 digits
        Assert.Equal(1.0, j.GetProperty("coefficients")[0].GetDouble(), tolerance);
        Assert.Equal(3.0, j.GetProperty("coefficients")[2].GetDouble(), tolerance);
        Assert.Equal(2.0, j.GetProperty("intercept").GetDouble(), tolerance);
        Assert.True(j.TryGetProperty("r_squared", out _));
    }

    [Fact]
    public void NpyFilesLargerThanTheMemoryBudgetAreStreamed()
    {
        using var t = new TempFolder();
        var (x, y) = Write(t, 3000, 4, singlePrecision: false);
        var j = CliRunner.Run("fit", "--features", x, "--targets", y, "--memory", "10KB", "--method", "cg", "--json").Json;
        Assert.EndsWith("(streamed)", j.GetProperty("data").GetString());
        Assert.Equal("statistics", j.GetProperty("engine").GetString());
        Assert.Equal(4.0, j.GetProperty("coefficients")[3].GetDouble(), 8);
    }

    [Fact]
    public void CsvLargerThanTheMemoryBudgetIsStreamedWithMiniBatches()
    {
        using var t = new TempFolder();
        var lines = new List<string> { "a,b,y" };
        var rng = new Random(2);
        for (int i = 0; i < 2000; i++)
        {
            double a = rng.NextDouble(), b = rng.NextDouble();
            lines.Add(FormattableString.Invariant($"{a},{b},{1 + 2 * a - 3 * b}"));
        }
        string csv = t.File("big.csv", string.Join("\n", lines) + "\n");
        var j = CliRunner.Run("fit", csv, "--target", "y", "--memory", "1KB", "--batch-size", "16", "--optimizer", "momentum",
            "--max-iterations", "40", "--json").Json;
        Assert.Equal("stream", j.GetProperty("engine").GetString());
        Assert.Equal(2.0, j.GetProperty("coefficients")[0].GetDouble(), 2);
        Assert.Equal(-3.0, j.GetProperty("coefficients")[1].GetDouble(), 2);
    }

    [Fact]
    public void DataFileAndNpyTogetherAreRefused()
    {
        using var t = new TempFolder();
        var (x, y) = Write(t, 10, 1, false);
        var r = CliRunner.Run("fit", CliRunner.Nist("Norris"), "--features", x, "--targets", y);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("lsgd: error: Give either a data file", r.Error);
    }
}

public class NpyPredictTest
{
    [Fact]
    public void ModelFittedOnNpyPredictsAnNpyFile()
    {
        using var t = new TempFolder();
        double[] x = [0, 1, 2, 3, 4, 5];
        double[] y = [1, 3, 5, 7, 9, 11];
        string xp = t.File("X.npy"), yp = t.File("Y.npy"), model = t.File("m.json");
        NpyFile.Write(xp, x, 6, 1);
        NpyFile.Write(yp, y, 6, 1);
        Assert.Equal(0, CliRunner.Run("fit", "--features", xp, "--targets", yp, "--method", "exact", "--output", model).ExitCode);
        string newX = t.File("new.npy");
        NpyFile.Write(newX, [10.0, 20.0], 2, 1);
        var r = CliRunner.Run("predict", model, newX);
        Assert.Equal(0, r.ExitCode);
        var lines = r.Output.Trim().Split('\n');
        Assert.Equal("y", lines[0]);
        Assert.Equal(21.0, double.Parse(lines[1], System.Globalization.CultureInfo.InvariantCulture), 10);
        Assert.Equal(41.0, double.Parse(lines[2], System.Globalization.CultureInfo.InvariantCulture), 10);
    }
}

public class NpyChunkOrderTest
{
    [Fact]
    public void ChunksReadInAnyOrderHoldTheSameRowsAsASequentialPass()
    {
        using var t = new TempFolder();
        int n = 23, d = 3;
        var x = Enumerable.Range(0, n * d).Select(i => (double)i).ToArray();
        var y = Enumerable.Range(0, n).Select(i => 1000.0 + i).ToArray();
        string xp = t.File("X.npy"), yp = t.File("Y.npy");
        NpyFile.Write(xp, x, n, d);
        NpyFile.Write(yp, y);
        var source = new NpyRowSource(xp, yp);
        var sequential = source.ReadChunks(5).Select(c => (c.FirstRow, c.X.Take(c.Rows * d).ToArray(), c.Y.Take(c.Rows).ToArray())).ToList();
        var shuffled = source.ReadChunks(5, [4, 0, 3, 1, 2]).Select(c => (c.FirstRow, c.X.Take(c.Rows * d).ToArray(), c.Y.Take(c.Rows).ToArray())).ToList();
        Assert.Equal([20L, 0, 15, 5, 10], shuffled.Select(c => c.FirstRow));
        foreach (var chunk in shuffled)
        {
            var match = sequential.Single(s => s.FirstRow == chunk.FirstRow);
            Assert.Equal(match.Item2, chunk.Item2);
            Assert.Equal(match.Item3, chunk.Item3);
        }
        Assert.Equal(3, shuffled[0].Item3.Length);   // the last chunk, rows 20..22
    }

    [Fact]
    public void StreamedMiniBatchEpochsVisitNpyChunksInASeededOrder()
    {
        using var t = new TempFolder();
        int n = 400, d = 2;
        var rng = new Random(3);
        var x = Enumerable.Range(0, n * d).Select(_ => rng.NextDouble()).ToArray();
        var y = Enumerable.Range(0, n).Select(i => 1 + 2 * x[i * d] - x[i * d + 1]).ToArray();
        string xp = t.File("X.npy"), yp = t.File("Y.npy");
        NpyFile.Write(xp, x, n, d);
        NpyFile.Write(yp, y);
        var engine = new Lsgd.Engines.StreamingEngine(new NpyRowSource(xp, yp), true, n, chunkRows: 50);
        // Every row is visited once per epoch, and the seed decides where the epoch starts.
        var firstRows = new HashSet<double>();
        for (int seed = 0; seed < 6; seed++)
        {
            var batches = engine.Batches(50, seed).ToList();
            Assert.Equal(n, batches.Sum(b => b.Rows));
            var g = new double[d + 1];
            firstRows.Add(batches[0].Evaluate(new double[d + 1], g));
        }
        Assert.True(firstRows.Count > 1, "different seeds should start the epoch in different chunks");
    }
}
