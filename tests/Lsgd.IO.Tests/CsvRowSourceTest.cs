using System.Globalization;
using System.Text;
using Lsgd.IO;

namespace Lsgd.IO.Tests;

public class CsvRowSourceTest
{
    /// <summary>A CSV with a text column, NIST number forms, padded and quoted cells, and blank lines.</summary>
    private static string Sample(TempFolder t, int rows) => CsvSample.Write(t, rows);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(64)]
    [InlineData(10_000)]
    public void ChunksGiveTheSameNumbersAsReadColumns(int chunkRows)
    {
        using var t = new TempFolder();
        string csv = Sample(t, 200);
        var source = new CsvRowSource(csv, ["y"]);
        Assert.Equal(["x1", "x 2"], source.FeatureNames);
        Assert.Equal(["y"], source.TargetNames);
        Assert.Null(source.RowCount);

        var table = CsvReader.ReadColumns(csv, ["x1", "x 2", "y"]);
        var (x, y, firsts) = NpyDatasetTest.Collect(source, chunkRows);
        Assert.Equal(table.Select(["x1", "x 2"]), x);
        Assert.Equal(table.Column("y"), y);
        Assert.Equal(Enumerable.Range(0, (200 + chunkRows - 1) / chunkRows).Select(c => (long)c * chunkRows), firsts);
    }

    [Fact]
    public void SecondPassReadsTheFileAgain()
    {
        using var t = new TempFolder();
        string csv = Sample(t, 30);
        var source = new CsvRowSource(csv, ["y"], ["x1"]);
        var first = NpyDatasetTest.Collect(source, 4);
        var second = NpyDatasetTest.Collect(source, 7);
        Assert.Equal(first.X, second.X);
        Assert.Equal(first.Y, second.Y);
        Assert.Equal(30, first.X.Length);
    }

    [Fact]
    public void BadCellInALateChunkIsReportedWithItsLineAfterTheRowsBeforeIt()
    {
        using var t = new TempFolder();
        var sb = new StringBuilder("y,x\n");
        for (int i = 0; i < 20_000; i++)
            sb.Append(i == 17_000 ? "1,oops\n" : $"{i},{2 * i}\n");
        string csv = t.File("late.csv", sb.ToString());
        var source = new CsvRowSource(csv, ["y"]);

        long delivered = 0;
        var e = Assert.Throws<CsvFormatException>(() =>
        {
            foreach (var chunk in source.ReadChunks(100)) delivered += chunk.Rows;
        });
        Assert.Equal(17_002, e.Line);
        Assert.Equal(2, e.Column);
        Assert.Equal($"{csv}, line 17002, column 2 ('x'): 'oops' is not a number. Use digits with '.' as the decimal point, e.g. 3.25 or 1e-3.", e.Message);
        Assert.Equal(17_000, delivered);
    }

    [Theory]
    [InlineData("y,x\n1,2\n3\n5,6\n")]
    [InlineData("y,x\n1,2\n3,4,5\n")]
    [InlineData("y,x\n1,2\n3,\n")]
    [InlineData("y,x\n1,2\n3,abc\n")]
    [InlineData("y,x\n1,2\nNaN,4\n")]
    [InlineData("y,x\n1,2\n3,-Infinity\n")]
    [InlineData("y,x\n1,2\n3,1e999\n")]
    [InlineData("y,x\n1,2\n3,inf\n")]
    [InlineData("y,x\n1,2\n\"1,5\",2\n")]
    [InlineData("y,x\n1,2\n3,12abc\n")]
    [InlineData("y,x\n")]
    public void ErrorsAreThoseOfReadColumns(string content)
    {
        using var t = new TempFolder();
        string csv = t.File("bad.csv", content);
        var expected = Assert.ThrowsAny<LsgdException>(() => CsvReader.ReadColumns(csv, ["x", "y"]));
        var actual = Assert.ThrowsAny<LsgdException>(() => NpyDatasetTest.Collect(new CsvRowSource(csv, ["y"], ["x"]), 1));
        Assert.Equal(expected.GetType(), actual.GetType());
        Assert.Equal(expected.Message, actual.Message);
    }

    [Fact]
    public void UnknownColumnIsNamedWithTheColumnsThatExist()
    {
        using var t = new TempFolder();
        string csv = t.File("c.csv", "y,x\n1,2\n");
        var e = Assert.Throws<LsgdException>(() => new CsvRowSource(csv, ["y"], ["z"]));
        Assert.Equal($"{csv} has no column 'z' to use as a feature. Its columns are: y, x.", e.Message);
    }

    [Fact]
    public void CancellationStopsTheReaderAndWorkerThreads()
    {
        using var t = new TempFolder();
        string csv = t.File("long.csv", "y,x\n" + string.Concat(Enumerable.Range(0, 100_000).Select(i => $"{i},{i}\n")));
        var source = new CsvRowSource(csv, ["y"]);
        using var cts = new CancellationTokenSource();
        int chunks = 0;
        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            foreach (var chunk in source.ReadChunks(10, cts.Token))
                if (++chunks == 2) cts.Cancel();
        });
        Assert.Equal(2, chunks);
        AllStopped(source);
        using var exclusive = new FileStream(csv, FileMode.Open, FileAccess.ReadWrite, FileShare.None); // the reader closed the file
    }

    [Fact]
    public void LeavingThePassEarlyStopsTheReaderAndWorkerThreads()
    {
        using var t = new TempFolder();
        string csv = t.File("long.csv", "y,x\n" + string.Concat(Enumerable.Range(0, 100_000).Select(i => $"{i},{i}\n")));
        var source = new CsvRowSource(csv, ["y"]);
        var chunk = source.ReadChunks(5).First();
        Assert.Equal([0.0, 1, 2, 3, 4], chunk.X[..5]);
        AllStopped(source);
        using var exclusive = new FileStream(csv, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
    }

    /// <summary>The reader and every worker thread of the latest pass have ended.</summary>
    private static void AllStopped(CsvRowSource source)
    {
        Assert.Equal(source.WorkerThreads + 1, source.LastPassThreads.Count);
        Assert.All(source.LastPassThreads, thread => Assert.False(thread.IsAlive));
    }

    [Fact]
    public void ReaderRunsAheadOfTheConsumerByABoundedNumberOfChunks()
    {
        using var t = new TempFolder();
        string csv = t.File("long.csv", "y,x\n" + string.Concat(Enumerable.Range(0, 10_000).Select(i => $"{i},{i}\n")));
        var source = new CsvRowSource(csv, ["y"]);
        var arrays = new HashSet<double[]>(ReferenceEqualityComparer.Instance);
        foreach (var chunk in source.ReadChunks(10))
        {
            arrays.Add(chunk.X);
            Thread.Yield();
        }
        Assert.InRange(arrays.Count, 1, CsvRowSource.ReadAhead + 2);
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 2, 7)]
    [InlineData(4, 3, 10)]
    [InlineData(3, 1000, 64)]
    [InlineData(8, 5, 5)]
    public void ManyWorkersAndSmallBatchesGiveTheRowsInFileOrder(int workers, int batchRows, int chunkRows)
    {
        using var t = new TempFolder();
        string csv = Sample(t, 500);
        var table = CsvReader.ReadColumns(csv, ["x1", "x 2", "y"]);
        for (int pass = 0; pass < 3; pass++)
        {
            var source = new CsvRowSource(csv, ["y"]) { WorkerThreads = workers, RowsPerBatch = batchRows };
            var (x, y, firsts) = NpyDatasetTest.Collect(source, chunkRows);
            Assert.Equal(table.Select(["x1", "x 2"]), x);
            Assert.Equal(table.Column("y"), y);
            Assert.Equal(Enumerable.Range(0, (500 + chunkRows - 1) / chunkRows).Select(c => (long)c * chunkRows), firsts);
            AllStopped(source);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void TheFirstBadRowIsReportedWhateverTheWorkerThatMeetsIt(int workers)
    {
        // Bad cells at rows 1 234 (line 1 236) and 1 240, then a ragged row at 1 300: the first one is reported,
        // after the 12 whole chunks of 100 rows before it, whichever worker parses which batch first.
        using var t = new TempFolder();
        var sb = new StringBuilder("y,x\n");
        for (int i = 0; i < 2_000; i++)
            sb.Append(i switch { 1_234 => "1,x1234\n", 1_240 => "oops,1\n", 1_300 => "1\n", _ => $"{i},{2 * i}\n" });
        string csv = t.File("bad.csv", sb.ToString());
        for (int pass = 0; pass < 5; pass++)
        {
            var source = new CsvRowSource(csv, ["y"]) { WorkerThreads = workers, RowsPerBatch = 3 };
            long delivered = 0;
            var e = Assert.Throws<CsvFormatException>(() =>
            {
                foreach (var chunk in source.ReadChunks(100)) delivered += chunk.Rows;
            });
            Assert.Equal($"{csv}, line 1236, column 2 ('x'): 'x1234' is not a number. Use digits with '.' as the decimal point, e.g. 3.25 or 1e-3.", e.Message);
            Assert.Equal(1_200, delivered);
            AllStopped(source);
        }
    }

    [Fact]
    public void ARaggedRowComesAfterTheBadCellsBeforeItInTheSameChunk()
    {
        using var t = new TempFolder();
        string csv = t.File("bad.csv", "y,x\n1,2\n3,four\n5,6\n7\n");
        var source = new CsvRowSource(csv, ["y"]) { WorkerThreads = 3, RowsPerBatch = 1 };
        var e = Assert.Throws<CsvFormatException>(() => NpyDatasetTest.Collect(source, 10));
        Assert.Equal(3, e.Line);
        var ragged = Assert.Throws<CsvFormatException>(() => NpyDatasetTest.Collect(
            new CsvRowSource(t.File("ragged.csv", "y,x\n1,2\n3,4\n5,6\n7\n8,x\n"), ["y"]) { WorkerThreads = 3, RowsPerBatch = 1 }, 2));
        Assert.Equal(5, ragged.Line);
        Assert.Equal(2, ragged.Column);
    }
}
