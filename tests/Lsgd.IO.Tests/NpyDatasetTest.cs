using Lsgd.Data;
using Lsgd.IO;

namespace Lsgd.IO.Tests;

public class NpyDatasetTest
{
    [Fact]
    public void MatrixOfFeaturesAndVectorOfTargetsLoadAsDoubles()
    {
        using var t = new TempFolder();
        string x = t.File("x.npy"), y = t.File("y.npy");
        NpyFile.Write(x, [1f, 2, 3, 4, 5, 6], 3, 2);
        NpyFile.Write(y, [10.0, 20, 30]);

        var data = NpyDataset.Load(x, y);
        Assert.False(data.IsSinglePrecision);
        Assert.Equal((3, 2, 1), (data.Rows, data.Features, data.Outputs));
        Assert.Equal([1.0, 2, 3, 4, 5, 6], data.X.ToArray());
        Assert.Equal([10.0, 20, 30], data.Y.ToArray());
        Assert.Equal(["x1", "x2"], data.FeatureNames);
        Assert.Equal(["y"], data.TargetNames);
    }

    [Fact]
    public void Float32FeaturesStayFloatInSinglePrecision()
    {
        using var t = new TempFolder();
        string x = t.File("x.npy"), y = t.File("y.npy");
        NpyFile.Write(x, [0.1f, 0.2f, 0.3f, 0.4f], 2, 2);
        NpyFile.Write(y, [1f, 2f]);

        var data = NpyDataset.Load(x, y, singlePrecision: true);
        Assert.True(data.IsSinglePrecision);
        Assert.Equal([0.1f, 0.2f, 0.3f, 0.4f], data.XSingle.ToArray());
        Assert.Equal([1.0, 2.0], data.Y.ToArray());
    }

    [Fact]
    public void Float64FeaturesAreRoundedInSinglePrecision()
    {
        using var t = new TempFolder();
        string x = t.File("x.npy"), y = t.File("y.npy");
        NpyFile.Write(x, [0.1, 0.2]);
        NpyFile.Write(y, [1.0, 2.0]);
        var data = NpyDataset.Load(x, y, singlePrecision: true);
        Assert.Equal([0.1f, 0.2f], data.XSingle.ToArray());
    }

    [Fact]
    public void Float64BeyondTheFloat32RangeIsRefusedInSinglePrecision()
    {
        using var t = new TempFolder();
        string x = t.File("x.npy"), y = t.File("y.npy");
        NpyFile.Write(x, [1.0, 1e300]);
        NpyFile.Write(y, [1.0, 2.0]);
        var e = Assert.Throws<LsgdException>(() => NpyDataset.Load(x, y, singlePrecision: true));
        Assert.Equal($"{x}: the value in row 2, column 1 is 1E+300, beyond the float32 range (±3.4e38): load it in double precision.", e.Message);
    }

    [Fact]
    public void VectorOfFeaturesIsOneFeatureAndMatrixOfTargetsIsSeveral()
    {
        using var t = new TempFolder();
        string x = t.File("x.npy"), y = t.File("y.npy");
        NpyFile.Write(x, [1.0, 2, 3]);
        NpyFile.Write(y, [1.0, -1, 2, -2, 3, -3], 3, 2);

        var data = NpyDataset.Load(x, y);
        Assert.Equal((3, 1, 2), (data.Rows, data.Features, data.Outputs));
        Assert.Equal(["x1"], data.FeatureNames);
        Assert.Equal(["y1", "y2"], data.TargetNames);
        Assert.Equal([2.0, -2], data.TargetRow(1).ToArray());
    }

    [Fact]
    public void DifferentRowCountsNameBothFiles()
    {
        using var t = new TempFolder();
        string x = t.File("x.npy"), y = t.File("y.npy");
        NpyFile.Write(x, [1.0, 2, 3, 4], 2, 2);
        NpyFile.Write(y, [1.0, 2, 3]);
        var e = Assert.Throws<LsgdException>(() => NpyDataset.Load(x, y));
        Assert.Equal($"{x} has 2 rows but {y} has 3: features and targets need one row per observation, in the same order.", e.Message);
        Assert.Equal(e.Message, Assert.Throws<LsgdException>(() => new NpyRowSource(x, y)).Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(50)]
    public void RowSourceChunksEqualTheInMemoryLoad(int chunkRows)
    {
        using var t = new TempFolder();
        const int n = 23, d = 3;
        var rng = new Random(chunkRows);
        var xs = Enumerable.Range(0, n * d).Select(_ => (float)rng.NextDouble()).ToArray();
        var ys = Enumerable.Range(0, n * 2).Select(_ => rng.NextDouble()).ToArray();
        string x = t.File("x.npy"), y = t.File("y.npy");
        NpyFile.Write(x, xs, n, d);
        NpyFile.Write(y, ys, n, 2);

        var data = NpyDataset.Load(x, y);
        var source = new NpyRowSource(x, y);
        Assert.Equal((d, 2, (long?)n), (source.Features, source.Outputs, source.RowCount));
        Assert.Equal(data.FeatureNames, source.FeatureNames);
        Assert.Equal(data.TargetNames, source.TargetNames);

        var (gotX, gotY, firsts) = Collect(source, chunkRows);
        Assert.Equal(data.X.ToArray(), gotX);
        Assert.Equal(data.Y.ToArray(), gotY);
        Assert.Equal(Enumerable.Range(0, (n + chunkRows - 1) / chunkRows).Select(c => (long)c * chunkRows), firsts);
    }

    [Fact]
    public void RowSourceNamesANonFiniteValueInALateChunkByItsRow()
    {
        using var t = new TempFolder();
        var xs = new double[100];
        xs[97] = double.PositiveInfinity;
        string x = t.File("x.npy"), y = t.File("y.npy");
        NpyFile.Write(x, xs, 50, 2);
        NpyFile.Write(y, new double[50]);
        var source = new NpyRowSource(x, y);
        int delivered = 0;
        var e = Assert.Throws<LsgdException>(() =>
        {
            foreach (var chunk in source.ReadChunks(8)) delivered += chunk.Rows;
        });
        Assert.Equal($"{x}: the value in row 49, column 2 is Infinity: every value must be a finite number. Remove or impute that row.", e.Message);
        Assert.Equal(48, delivered);
    }

    [Fact]
    public void RowSourceStopsWhenCancelled()
    {
        using var t = new TempFolder();
        string x = t.File("x.npy"), y = t.File("y.npy");
        NpyFile.Write(x, new double[100]);
        NpyFile.Write(y, new double[100]);
        using var cts = new CancellationTokenSource();
        int chunks = 0;
        Assert.Throws<OperationCanceledException>(() =>
        {
            foreach (var chunk in new NpyRowSource(x, y).ReadChunks(10, cts.Token))
                if (++chunks == 3) cts.Cancel();
        });
        Assert.Equal(3, chunks);
    }

    /// <summary>Copies every chunk of a pass (the source reuses its arrays).</summary>
    internal static (double[] X, double[] Y, List<long> FirstRows) Collect(IRowSource source, int chunkRows)
    {
        var x = new List<double>();
        var y = new List<double>();
        var firsts = new List<long>();
        foreach (var chunk in source.ReadChunks(chunkRows))
        {
            Assert.InRange(chunk.Rows, 1, chunkRows);
            x.AddRange(chunk.X.AsSpan(0, chunk.Rows * source.Features));
            y.AddRange(chunk.Y.AsSpan(0, chunk.Rows * source.Outputs));
            firsts.Add(chunk.FirstRow);
        }
        return ([.. x], [.. y], firsts);
    }
}
