using Lsgd.Data;
using Lsgd.Engines;
using Lsgd.Estimators;
using Lsgd.IO;
using Parquet;
using Parquet.Schema;

namespace Lsgd.IO.Tests;

public class ParquetRowSourceTest
{
    /// <summary>Writes two row groups of (y, a, b, c, d, name): see <see cref="ParquetSample.Write"/>.</summary>
    internal static Task<string> WriteSample(TempFolder t, int[] groupRows, (int Row, double? A)? change = null) =>
        ParquetSample.Write(t, groupRows, change);

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(1000)]
    public async Task NumericColumnsRoundTripRowGroupByRowGroup(int chunkRows)
    {
        using var t = new TempFolder();
        string path = await WriteSample(t, [7, 5]);
        var source = new ParquetRowSource(path, ["y"]);
        Assert.Equal(["a", "b", "c", "d"], source.FeatureNames);
        Assert.Equal((4, 1, (long?)12, 2), (source.Features, source.Outputs, source.RowCount, source.RowGroups));

        var (x, y, firsts) = NpyDatasetTest.Collect(source, chunkRows);
        Assert.Equal(Enumerable.Range(0, 12).SelectMany(r => (double[])[r / 2.0, r + 0.5, -r, 1000.0 * r]), x);
        Assert.Equal(Enumerable.Range(0, 12).Select(r => (double)r), y);
        // Chunks restart at each row group: rows 0..6, then 7..11.
        var starts = Enumerable.Range(0, 7).Where(r => r % chunkRows == 0).Concat(Enumerable.Range(0, 5).Where(r => r % chunkRows == 0).Select(r => 7 + r));
        Assert.Equal(starts.Select(r => (long)r), firsts);
    }

    [Fact]
    public async Task DatasetLoadsTheChosenColumns()
    {
        using var t = new TempFolder();
        string path = await WriteSample(t, [3, 3]);
        var data = ParquetDataset.Load(path, ["y", "c"], ["d", "b"]);
        Assert.Equal((6, 2, 2), (data.Rows, data.Features, data.Outputs));
        Assert.Equal(["d", "b"], data.FeatureNames);
        Assert.Equal(["y", "c"], data.TargetNames);
        Assert.Equal([4000, 4.5], data.FeatureRow(4).ToArray());
        Assert.Equal([5.0, -5], data.TargetRow(5).ToArray());
    }

    [Fact]
    public async Task NullNamesRowGroupRowAndColumn()
    {
        using var t = new TempFolder();
        string path = await WriteSample(t, [3, 4], change: (4, null));
        var source = new ParquetRowSource(path, ["y"], ["a", "b"]);
        long delivered = 0;
        var e = Assert.Throws<LsgdException>(() =>
        {
            foreach (var chunk in source.ReadChunks(2)) delivered += chunk.Rows;
        });
        Assert.Equal($"{path}, row group 2, row 2 (row 5 of the file), column 'a': the value is null. Fill it in or remove the row.", e.Message);
        Assert.Equal(3, delivered);
    }

    [Fact]
    public async Task NaNNamesRowGroupRowAndColumn()
    {
        using var t = new TempFolder();
        string path = await WriteSample(t, [3, 4], change: (1, double.NaN));
        var e = Assert.Throws<LsgdException>(() => ParquetDataset.Load(path, ["y"], ["a"]));
        Assert.Equal($"{path}, row group 1, row 2 (row 2 of the file), column 'a': the value is NaN: every value must be a finite number. Remove or impute that row.", e.Message);
    }

    [Fact]
    public async Task TextColumnIsRefusedWithItsType()
    {
        using var t = new TempFolder();
        string path = await WriteSample(t, [2]);
        var e = Assert.Throws<LsgdException>(() => new ParquetRowSource(path, ["y"], ["a", "name"]));
        Assert.Equal($"{path}: column 'name' has type string; lsgd reads double, float, int32 and int64 columns. " +
            "Convert it to a number type, or leave it out of the features.", e.Message);
    }

    [Fact]
    public async Task UnknownColumnIsNamedWithTheColumnsThatExist()
    {
        using var t = new TempFolder();
        string path = await WriteSample(t, [2]);
        var e = Assert.Throws<LsgdException>(() => new ParquetRowSource(path, ["z"]));
        Assert.Equal($"{path} has no column 'z' to use as the target. Its columns are: y, a, b, c, d, name.", e.Message);
    }

    [Fact]
    public void FileThatIsNotParquetIsNamed()
    {
        using var t = new TempFolder();
        string path = t.File("data.parquet", "y,x\n1,2\n");
        var e = Assert.Throws<LsgdException>(() => new ParquetRowSource(path, ["y"]));
        Assert.StartsWith($"{path} could not be read as Parquet (not a Parquet file, or damaged): ", e.Message);
    }
}

public class ParquetChunkOrderTest
{
    [Theory]
    [InlineData(1)]
    [InlineData(5)]    // chunks 1 and 2 span two row groups, chunk 4 is short (3 rows)
    [InlineData(10)]   // chunk 1 spans three row groups
    [InlineData(23)]   // one chunk, the whole file
    [InlineData(100)]  // one chunk, shorter than asked
    public async Task ChunksReadInAnyOrderHoldTheSameRowsAsTheInOrderRead(int chunkRows)
    {
        using var t = new TempFolder();
        string path = await ParquetRowSourceTest.WriteSample(t, [7, 5, 3, 8]);   // rows 0–6, 7–11, 12–14, 15–22
        var source = new ParquetRowSource(path, ["y"], ["a", "c", "d"]);
        Assert.IsAssignableFrom<IRandomAccessRowSource>(source);
        int d = source.Features, n = 23, chunks = (n + chunkRows - 1) / chunkRows;
        var (x, y, _) = NpyDatasetTest.Collect(source, chunkRows);   // the in-order read, restarting at each group

        // Back to front, then a seeded shuffle with the first chunk repeated at the end.
        var shuffled = Enumerable.Range(0, chunks).ToArray();
        new Random(7).Shuffle(shuffled);
        int[] order = [.. Enumerable.Range(0, chunks).Reverse(), .. shuffled, shuffled[0]];
        int seen = 0;
        foreach (var chunk in source.ReadChunks(chunkRows, order))
        {
            int c = order[seen++];
            long first = (long)c * chunkRows;
            Assert.Equal(first, chunk.FirstRow);
            Assert.Equal((int)Math.Min(chunkRows, n - first), chunk.Rows);
            Assert.Equal(x.AsSpan((int)first * d, chunk.Rows * d).ToArray(), chunk.X.AsSpan(0, chunk.Rows * d).ToArray());
            Assert.Equal(y.AsSpan((int)first, chunk.Rows).ToArray(), chunk.Y.AsSpan(0, chunk.Rows).ToArray());
        }
        Assert.Equal(order.Length, seen);
        Assert.Equal(Enumerable.Range(0, n).Select(r => (double)r), y);   // and the in-order read is the file
    }

    [Fact]
    public async Task ChunkIndexOutsideTheFileIsRefused()
    {
        using var t = new TempFolder();
        string path = await ParquetRowSourceTest.WriteSample(t, [7, 5]);
        var source = new ParquetRowSource(path, ["y"]);
        Assert.Throws<ArgumentOutOfRangeException>(() => source.ReadChunks(5, [0, 3]));   // 12 rows: chunks 0, 1, 2
        Assert.Throws<ArgumentOutOfRangeException>(() => source.ReadChunks(5, [-1]));
    }

    [Fact]
    public async Task NullInAChunkReadOutOfOrderNamesItsRowGroupRowAndColumn()
    {
        using var t = new TempFolder();
        string path = await ParquetRowSourceTest.WriteSample(t, [3, 4], change: (4, null));
        var source = new ParquetRowSource(path, ["y"], ["a", "b"]);
        var e = Assert.Throws<LsgdException>(() => source.ReadChunks(2, [2, 0]).ToList());   // chunk 2 = rows 4–5
        Assert.Equal($"{path}, row group 2, row 2 (row 5 of the file), column 'a': the value is null. Fill it in or remove the row.", e.Message);
        // A chunk decodes only the row groups it overlaps: chunk 0 (rows 0–1) lies in group 1 and reads.
        Assert.Equal(2, Assert.Single(source.ReadChunks(2, [0])).Rows);
    }

    /// <summary>
    /// 400 rows in row groups of 64 (not a multiple of the 50-row chunks, so chunks span groups) with y = the
    /// row's index. With batches of one whole chunk, a batch's loss at θ = 0, ½Σy², names the chunk it came from.
    /// </summary>
    private static async Task<ParquetRowSource> Numbered(TempFolder t)
    {
        string path = t.File("numbered.parquet");
        DataField<double> a = new("a"), y = new("y");
        await using (var stream = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(a, y), stream))
            for (int first = 0; first < 400; first += 64)
            {
                var rows = Enumerable.Range(first, Math.Min(64, 400 - first)).ToArray();
                using var group = writer.CreateRowGroup();
                await group.WriteAsync<double>(a, rows.Select(r => Math.Sin(r)).ToArray());
                await group.WriteAsync<double>(y, rows.Select(r => (double)r).ToArray());
            }
        return new ParquetRowSource(path, ["y"]);
    }

    private static int[] ChunkOrder(StreamingEngine engine, int seed)
    {
        var loss = Enumerable.Range(0, 8).ToDictionary(c => Enumerable.Range(50 * c, 50).Sum(r => 0.5 * r * r), c => c);
        return [.. engine.Batches(50, seed).Select(b => loss[b.Evaluate(new double[2], new double[2])])];
    }

    [Fact]
    public async Task StreamedMiniBatchEpochsVisitParquetChunksInASeededOrder()
    {
        using var t = new TempFolder();
        var engine = new StreamingEngine(await Numbered(t), true, 400, chunkRows: 50);
        var orders = Enumerable.Range(0, 6).Select(seed => ChunkOrder(engine, seed)).ToList();
        foreach (var order in orders)
            Assert.Equal(Enumerable.Range(0, 8), order.Order());                     // every chunk once per epoch
        Assert.Equal(orders[3], ChunkOrder(engine, 3));                              // the seed decides the order
        Assert.All(orders, order => Assert.NotEqual(Enumerable.Range(0, 8), order)); // not front to back
        Assert.True(orders.Select(o => string.Join(",", o)).Distinct().Count() > 1, "different seeds should give different orders");
    }

    [Fact]
    public async Task MiniBatchFitOfAParquetFileIsReproducibleForItsSeed()
    {
        using var t = new TempFolder();
        string path = await ParquetRowSourceTest.WriteSample(t, [60, 60, 60, 20]);
        var source = new ParquetRowSource(path, ["b"], ["a", "c"]);   // b = r + 0.5 = 2a + 0.5 exactly
        LinearFit Fit(int seed) => new LinearRegressor(new LinearRegressorOptions
        {
            Engine = EngineKind.Stream,
            GradientDescent = new() { BatchSize = 8, LearningRate = 0.05, MaxIterations = 3, Tolerance = 0, Seed = seed },
        }).Fit(source);
        var first = Fit(11);
        Assert.Equal(EngineKind.Stream, first.Engine);
        Assert.Equal(first.Model.Parameters.ToArray(), Fit(11).Model.Parameters.ToArray());
        Assert.NotEqual(first.Model.Parameters.ToArray(), Fit(12).Model.Parameters.ToArray());
    }
}
