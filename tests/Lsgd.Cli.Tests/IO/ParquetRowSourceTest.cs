using Lsgd.IO;
using Parquet;
using Parquet.Schema;

namespace Lsgd.Cli.Tests.IO;

public class ParquetRowSourceTest
{
    private static readonly DataField<double> Y = new("y");
    private static readonly DataField<double?> A = new("a");
    private static readonly DataField<float> B = new("b");
    private static readonly DataField<int> C = new("c");
    private static readonly DataField<long?> D = new("d");
    private static readonly DataField<string> Name = new("name");

    /// <summary>Writes two row groups of (y, a, b, c, d, name); row r has y = r, a = r/2, b = r + 0.5, c = -r, d = 1000 r.</summary>
    private static async Task<string> WriteSample(TempFolder t, int[] groupRows, (int Row, double? A)? change = null)
    {
        string path = t.File("data.parquet");
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(Y, A, B, C, D, Name), stream);
        int first = 0;
        foreach (int n in groupRows)
        {
            var rows = Enumerable.Range(first, n).ToArray();
            var a = rows.Select(r => (double?)(r / 2.0)).ToArray();
            if (change is { } c && c.Row >= first && c.Row < first + n) a[c.Row - first] = c.A;
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<double>(Y, rows.Select(r => (double)r).ToArray());
            await group.WriteAsync<double>(A, a);
            await group.WriteAsync<float>(B, rows.Select(r => r + 0.5f).ToArray());
            await group.WriteAsync<int>(C, rows.Select(r => -r).ToArray());
            await group.WriteAsync<long>(D, rows.Select(r => (long?)(1000L * r)).ToArray());
            await group.WriteAsync(Name, rows.Select(r => $"row {r}").ToArray());
            first += n;
        }
        return path;
    }

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
        Assert.StartsWith($"{path} could not be read as Parquet: ", e.Message);
    }
}
