using System.Buffers.Binary;
using Lsgd.IO;

namespace Lsgd.IO.Tests;

/// <summary>
/// <c>lsgd fit</c>'s load of .npy arrays: little-endian float64 files are mapped (used where they lie), other files read;
/// either way every value is checked once, with the same messages, and the largest magnitude comes back for the overflow check.
/// </summary>
public class NpyMappingTest
{
    [Fact]
    public void MappedLoadEqualsTheReadLoad()
    {
        using var t = new TempFolder();
        const int n = 1000, d = 3;
        var rng = new Random(5);
        var xs = Enumerable.Range(0, n * d).Select(_ => rng.NextDouble() * 4 - 2).ToArray();
        xs[1234] = -7.5;
        var ys = Enumerable.Range(0, n * 2).Select(_ => rng.NextDouble()).ToArray();
        string x = t.File("x.npy"), y = t.File("y.npy");
        NpyFile.Write(x, xs, n, d);
        NpyFile.Write(y, ys, n, 2);

        var read = NpyDataset.Load(x, y, false, null, map: false, out double readLargest);
        var mapped = NpyDataset.Load(x, y, false, null, map: true, out double mappedLargest);
        Assert.True(NpyMapping.CanMap(NpyFile.ReadHeader(x)));
        Assert.Equal(xs, mapped.X.ToArray());
        Assert.Equal(ys, mapped.Y.ToArray());
        Assert.Equal(ys.AsSpan(2 * 17, 2).ToArray(), mapped.TargetRow(17).ToArray());
        Assert.Equal(xs[3 * 17 + 2], mapped.Feature(17, 2));
        Assert.Equal((read.Rows, read.Features, read.Outputs), (mapped.Rows, mapped.Features, mapped.Outputs));
        Assert.Equal(read.FeatureNames, mapped.FeatureNames);
        Assert.Equal(read.TargetNames, mapped.TargetNames);
        Assert.Equal(7.5, readLargest);
        Assert.Equal(7.5, mappedLargest);
        // Views of the mapped dataset share the mapping.
        Assert.Equal(xs, mapped.WithWeights(Enumerable.Repeat(1.0, n).ToArray()).X.ToArray());
        Assert.Equal(ys, mapped.ToDoublePrecision().Y.ToArray());
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 0)]
    [InlineData(false, 299_999)]
    [InlineData(true, 299_999)]
    [InlineData(true, 600_000)]
    public void ANonFiniteValueIsNamedByFileRowAndColumnWhetherMappedOrRead(bool map, int at)
    {
        using var t = new TempFolder();
        const int n = 400_000, d = 2;   // several blocks of the parallel check
        var xs = new double[n * d];
        xs[at] = double.NaN;
        xs[at + 3] = double.PositiveInfinity;   // a later one in the same block: the first is named
        string x = t.File("x.npy"), y = t.File("y.npy");
        NpyFile.Write(x, xs, n, d);
        NpyFile.Write(y, new double[n]);
        var e = Assert.Throws<LsgdException>(() => NpyDataset.Load(x, y, false, null, map, out _));
        Assert.Equal($"{x}: the value in row {at / d + 1}, column {at % d + 1} is NaN: every value must be a finite number. Remove or impute that row.", e.Message);
    }

    [Fact]
    public void ANonFiniteTargetIsNamedWhenMapped()
    {
        using var t = new TempFolder();
        string x = t.File("x.npy"), y = t.File("y.npy");
        NpyFile.Write(x, [1.0, 2, 3]);
        NpyFile.Write(y, [1.0, double.NegativeInfinity, 3]);
        var e = Assert.Throws<LsgdException>(() => NpyDataset.Load(x, y, false, null, map: true, out _));
        Assert.Equal($"{y}: the value in row 2, column 1 is -Infinity: every value must be a finite number. Remove or impute that row.", e.Message);
    }

    [Fact]
    public void BigEndianFilesAndFloat32TargetsAreReadNotMapped()
    {
        using var t = new TempFolder();
        var be = new byte[24];
        BinaryPrimitives.WriteDoubleBigEndian(be, 1.25);
        BinaryPrimitives.WriteDoubleBigEndian(be.AsSpan(8), -3e10);
        BinaryPrimitives.WriteDoubleBigEndian(be.AsSpan(16), 2);
        string x = t.File("x.npy"), y = t.File("y.npy");
        File.WriteAllBytes(x, NpyFileTest.NpyBytes("{'descr': '>f8', 'fortran_order': False, 'shape': (3,), }", be));
        NpyFile.Write(y, [1f, 2f, 3f]);
        Assert.False(NpyMapping.CanMap(NpyFile.ReadHeader(x)));
        var data = NpyDataset.Load(x, y, false, null, map: true, out double largest);
        Assert.False(data.IsSinglePrecision);
        Assert.Equal([1.25, -3e10, 2], data.X.ToArray());
        Assert.Equal([1.0, 2, 3], data.Y.ToArray());
        Assert.Equal(float.MaxValue, largest);   // float32 targets: a bound, not measured
    }

    [Fact]
    public void Float32FeaturesAreMappedAndStaySinglePrecisionWithTheReadValues()
    {
        using var t = new TempFolder();
        const int n = 300_000, d = 3;   // several blocks of the parallel check
        var rng = new Random(9);
        var xs = Enumerable.Range(0, n * d).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        string x = t.File("x.npy"), y = t.File("y.npy");
        NpyFile.Write(x, xs, n, d);
        NpyFile.Write(y, Enumerable.Range(0, n).Select(i => (double)i).ToArray());
        Assert.True(NpyMapping.CanMap(NpyFile.ReadHeader(x)));

        var read = NpyDataset.Load(x, y, false, null, map: false, out _);
        var mapped = NpyDataset.Load(x, y, false, null, map: true, out double largest);
        Assert.False(read.IsSinglePrecision);   // the library's load widens a float32 file unless asked to keep it
        Assert.True(mapped.IsSinglePrecision);  // the command's mapped load keeps it: the same values, half the bytes
        Assert.Equal(xs, mapped.XSingle.ToArray());
        Assert.Equal(read.X.ToArray(), mapped.ToDoublePrecision().X.ToArray());
        Assert.Equal(read.Feature(12_345, 2), mapped.Feature(12_345, 2));
        Assert.Equal(float.MaxValue, largest);   // float32 features: a bound, not measured

        xs[2 * d * 100_000 + 4] = float.NaN;
        NpyFile.Write(x, xs, n, d);
        var e = Assert.Throws<LsgdException>(() => NpyDataset.Load(x, y, false, null, map: true, out _));
        Assert.Equal($"{x}: the value in row 200002, column 2 is NaN: every value must be a finite number. Remove or impute that row.", e.Message);
    }

    [Fact]
    public void SinglePrecisionIsReadNotMapped()
    {
        using var t = new TempFolder();
        string x = t.File("x.npy"), y = t.File("y.npy");
        NpyFile.Write(x, [0.5, 1.5], 1, 2);
        NpyFile.Write(y, [2.0]);
        var data = NpyDataset.Load(x, y, singlePrecision: true, null, map: true, out double largest);
        Assert.True(data.IsSinglePrecision);
        Assert.Equal([0.5f, 1.5f], data.XSingle.ToArray());
        Assert.Equal(float.MaxValue, largest);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(40)]
    [InlineData(41)]
    public void ScanFindsTheFirstNonFiniteValueAndTheLargestMagnitude(int length)
    {
        var values = Enumerable.Range(0, length).Select(i => Math.Sin(i) * i).ToArray();
        double largest = values.Length == 0 ? 0 : values.Max(Math.Abs);
        Assert.Equal((-1, largest), NpyValueReader.Scan(values));
        if (length == 0) return;
        values[length - 1] = double.NegativeInfinity;
        if (length > 3) values[length / 2] = double.NaN;
        Assert.Equal(length > 3 ? length / 2 : length - 1, NpyValueReader.Scan(values).FirstBad);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(17)]
    [InlineData(33)]
    public void FirstNonFiniteNamesTheFirstBadValueWhereverItLies(int length)
    {
        // Every position of a NaN or infinity, in the vector body and in the tail, for doubles and floats; and none.
        var doubles = Enumerable.Range(0, length).Select(i => Math.Cos(i) * 1e300).ToArray();
        var floats = doubles.Select(v => (float)(v * 1e-262)).ToArray();
        Assert.Equal(-1, NpyValueReader.FirstNonFinite(doubles));
        Assert.Equal(-1, NpyValueReader.FirstNonFinite(floats));
        for (int bad = 0; bad < length; bad++)
        {
            var d = (double[])doubles.Clone();
            var f = (float[])floats.Clone();
            d[bad] = bad % 2 == 0 ? double.NaN : double.PositiveInfinity;
            f[bad] = bad % 2 == 0 ? float.NegativeInfinity : float.NaN;
            if (bad + 2 < length) { d[bad + 2] = double.NaN; f[bad + 2] = float.NaN; }   // a later one is not the first
            Assert.Equal(bad, NpyValueReader.FirstNonFinite(d));
            Assert.Equal(bad, NpyValueReader.FirstNonFinite(f));
        }
    }
}
