using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Lsgd.IO;

namespace Lsgd.IO.Tests;

public class NpyFileTest
{
    /// <summary>The bytes of a .npy file: signature, version, header length, the dict padded to 64 bytes, the values.</summary>
    internal static byte[] NpyBytes(string dict, ReadOnlySpan<byte> data, int major = 1)
    {
        int lengthSize = major == 1 ? 2 : 4;
        var header = Encoding.UTF8.GetBytes(dict);
        int total = (8 + lengthSize + header.Length + 1 + 63) / 64 * 64;
        var bytes = new byte[total + data.Length];
        bytes[0] = 0x93;
        "NUMPY"u8.CopyTo(bytes.AsSpan(1));
        bytes[6] = (byte)major;
        bytes[7] = 0;
        if (major == 1) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)(total - 10));
        else BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)(total - 12));
        header.CopyTo(bytes, 8 + lengthSize);
        bytes.AsSpan(8 + lengthSize + header.Length, total - 8 - lengthSize - header.Length - 1).Fill((byte)' ');
        bytes[total - 1] = (byte)'\n';
        data.CopyTo(bytes.AsSpan(total));
        return bytes;
    }

    private static byte[] Bytes(params double[] values) => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    private static string WriteBytes(TempFolder t, string name, byte[] bytes)
    {
        string path = t.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string ErrorOf(Action read) => Assert.Throws<LsgdException>(read).Message;

    [Fact]
    public void Float64MatrixRoundTripsBitForBit()
    {
        using var t = new TempFolder();
        double[] values = [0.1, -2e-300, double.MaxValue, 1.0 / 3, -0.0, double.Epsilon];
        string path = t.File("x.npy");
        NpyFile.Write(path, values, 3, 2);

        var header = NpyFile.ReadHeader(path);
        Assert.Equal((3L, 2, 2, false, "(3, 2)"), (header.Rows, header.Columns, header.Dimensions, header.IsSinglePrecision, header.Shape));
        Assert.Equal(0, header.DataOffset % 64);
        Assert.Equal(header.DataOffset + 6 * 8, new FileInfo(path).Length);
        Assert.Equal(values.Select(BitConverter.DoubleToInt64Bits), NpyFile.ReadDoubles(path).Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void Float32VectorRoundTripsAndWidensExactly()
    {
        using var t = new TempFolder();
        float[] values = [0.1f, -3.5f, float.MaxValue, 1e-40f];
        string path = t.File("y.npy");
        NpyFile.Write(path, values);

        var header = NpyFile.ReadHeader(path);
        Assert.Equal((4L, 1, 1, true, "(4,)"), (header.Rows, header.Columns, header.Dimensions, header.IsSinglePrecision, header.Shape));
        Assert.Equal(values, NpyFile.ReadSingles(header));
        Assert.Equal(values.Select(v => (double)v), NpyFile.ReadDoubles(header));
    }

    [Fact]
    public void Float64VectorAndFloat32MatrixRoundTrip()
    {
        using var t = new TempFolder();
        string vector = t.File("v.npy"), matrix = t.File("m.npy");
        NpyFile.Write(vector, [1.5, 2.5, 3.5]);
        NpyFile.Write(matrix, [1f, 2, 3, 4, 5, 6], 2, 3);
        Assert.Equal("(3,)", NpyFile.ReadHeader(vector).Shape);
        Assert.Equal([1.5, 2.5, 3.5], NpyFile.ReadDoubles(vector));
        Assert.Equal("(2, 3)", NpyFile.ReadHeader(matrix).Shape);
        Assert.Equal([1f, 2, 3, 4, 5, 6], NpyFile.ReadSingles(NpyFile.ReadHeader(matrix)));
    }

    [Fact]
    public void WrittenHeaderIsTheDictNumpyWritesPaddedTo64Bytes()
    {
        using var t = new TempFolder();
        string path = t.File("h.npy");
        NpyFile.Write(path, [1.0, 2, 3, 4, 5, 6], 2, 3);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0], bytes[..8]);
        int length = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        Assert.Equal(0, (10 + length) % 64);
        string header = Encoding.Latin1.GetString(bytes, 10, length);
        Assert.Equal("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", header.TrimEnd(' ', '\n'));
        Assert.EndsWith(" \n", header);
    }

    [Fact]
    public void WriteRefusesAShapeThatDoesNotMatchTheValues()
    {
        using var t = new TempFolder();
        var e = Assert.Throws<ArgumentException>(() => NpyFile.Write(t.File("bad.npy"), [1.0, 2, 3], 2, 2));
        Assert.StartsWith("3 values were given for a 2 × 2 array.", e.Message);
        Assert.Empty(Directory.GetFiles(t.Path));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void FormatVersions2And3AreRead(int major)
    {
        using var t = new TempFolder();
        string path = WriteBytes(t, "v.npy", NpyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", Bytes(1, 2, 3, 4), major));
        var header = NpyFile.ReadHeader(path);
        Assert.Equal(0, header.DataOffset % 64);
        Assert.Equal([1.0, 2, 3, 4], NpyFile.ReadDoubles(header));
    }

    [Fact]
    public void HeaderVariantsOfOtherWritersAreRead()
    {
        using var t = new TempFolder();
        // Keys in another order, double quotes, Python 2 longs, no trailing comma, '|' byte order.
        string path = WriteBytes(t, "odd.npy", NpyBytes("{\"shape\": (2L, 1L), \"fortran_order\": False, \"descr\": \"|f4\"}",
            MemoryMarshal.AsBytes<float>([7f, 8f]).ToArray()));
        Assert.Equal([7.0, 8.0], NpyFile.ReadDoubles(path));
    }

    [Fact]
    public void BigEndianValuesAreSwapped()
    {
        using var t = new TempFolder();
        var data = new byte[16];
        BinaryPrimitives.WriteDoubleBigEndian(data, 1.25);
        BinaryPrimitives.WriteDoubleBigEndian(data.AsSpan(8), -3e10);
        string path = WriteBytes(t, "be.npy", NpyBytes("{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", data));
        Assert.Equal([1.25, -3e10], NpyFile.ReadDoubles(path));
    }

    [Fact]
    public void FortranOrderOfAVectorIsTheSameLayoutAndIsRead()
    {
        using var t = new TempFolder();
        string path = WriteBytes(t, "fv.npy", NpyBytes("{'descr': '<f8', 'fortran_order': True, 'shape': (3,), }", Bytes(1, 2, 3)));
        Assert.Equal([1.0, 2, 3], NpyFile.ReadDoubles(path));
    }

    [Fact]
    public void FileWithoutTheSignatureIsNotNpy()
    {
        using var t = new TempFolder();
        string path = t.File("x.npy", "y,x\n1,2\n");
        Assert.Equal($"{path} is not a NumPy .npy file: it does not start with the .npy signature. Save arrays with np.save(path, x).",
            ErrorOf(() => NpyFile.ReadHeader(path)));
    }

    [Fact]
    public void NpzArchiveIsNamedAsSuch()
    {
        using var t = new TempFolder();
        string path = WriteBytes(t, "x.npz", [(byte)'P', (byte)'K', 3, 4, 20, 0, 0, 0, 0, 0, 0, 0]);
        Assert.Equal($"{path} is a .npz archive, not a .npy file. Save each array on its own with np.save(path, x).",
            ErrorOf(() => NpyFile.ReadHeader(path)));
    }

    [Fact]
    public void UnknownFormatVersionIsRefused()
    {
        using var t = new TempFolder();
        string path = WriteBytes(t, "v4.npy", NpyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", Bytes(1), major: 4));
        Assert.Equal($"{path} has .npy format version 4.0; lsgd reads versions 1.0, 2.0 and 3.0. Save it again with np.save.",
            ErrorOf(() => NpyFile.ReadHeader(path)));
    }

    [Theory]
    [InlineData("<i8", "int64")]
    [InlineData("<f2", "float16")]
    [InlineData("|b1", "bool")]
    [InlineData("<c16", "complex128")]
    [InlineData("<U5", "unicode string")]
    [InlineData("|O", "Python object")]
    public void UnsupportedDtypeIsNamedWithTheConversion(string descr, string name)
    {
        using var t = new TempFolder();
        string path = WriteBytes(t, "i.npy", NpyBytes($"{{'descr': '{descr}', 'fortran_order': False, 'shape': (2,), }}", new byte[64]));
        Assert.Equal($"{path} holds {name} values (dtype '{descr}'); lsgd reads float32 and float64 arrays. " +
            "Convert with x.astype('float64') before np.save.", ErrorOf(() => NpyFile.ReadHeader(path)));
    }

    [Fact]
    public void StructuredDtypeIsRefused()
    {
        using var t = new TempFolder();
        string path = WriteBytes(t, "s.npy", NpyBytes("{'descr': [('a', '<f8'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,), }", new byte[12]));
        Assert.Equal($"{path} holds structured (record) values (dtype [('a', '<f8'), ('b', '<i4')]); lsgd reads plain float32 and float64 arrays. " +
            "Save one 2-D float array instead, e.g. numpy.lib.recfunctions.structured_to_unstructured(x).astype('float64').",
            ErrorOf(() => NpyFile.ReadHeader(path)));
    }

    [Fact]
    public void FortranOrderMatrixIsRefused()
    {
        using var t = new TempFolder();
        string path = WriteBytes(t, "f.npy", NpyBytes("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", Bytes(1, 2, 3, 4, 5, 6)));
        Assert.Equal($"{path} is stored in Fortran (column-major) order; lsgd reads C (row-major) order. " +
            "Save it with np.save(path, np.ascontiguousarray(x)).", ErrorOf(() => NpyFile.ReadHeader(path)));
    }

    [Fact]
    public void ThreeDimensionalArrayIsRefused()
    {
        using var t = new TempFolder();
        string path = WriteBytes(t, "c.npy", NpyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3, 4), }", new byte[192]));
        Assert.Equal($"{path} has a 3-D array of shape (2, 3, 4); lsgd reads 1-D or 2-D arrays. " +
            "Reshape it to rows × columns, e.g. x.reshape(len(x), -1), before np.save.", ErrorOf(() => NpyFile.ReadHeader(path)));
    }

    [Fact]
    public void TruncatedFileSaysHowManyValuesArePresent()
    {
        using var t = new TempFolder();
        var bytes = NpyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (4, 2), }", Bytes(1, 2, 3, 4, 5, 6, 7, 8));
        string path = WriteBytes(t, "t.npy", bytes[..^20]); // 5.5 values left
        Assert.Equal($"{path} is truncated: the file ends after 5 of 8 values of its float64 array of shape (4, 2). Save the array again with np.save.",
            ErrorOf(() => NpyFile.ReadHeader(path)));
    }

    [Fact]
    public void DamagedHeaderIsNamed()
    {
        using var t = new TempFolder();
        string path = WriteBytes(t, "d.npy", NpyBytes("{'descr': '<f8', 'fortran_order': False}", Bytes(1)));
        Assert.Equal($"{path} has a damaged .npy header (it has no 'shape' entry). Save the array again with np.save.",
            ErrorOf(() => NpyFile.ReadHeader(path)));
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    public void NonFiniteValueIsNamedByRowAndColumn(double bad, string shown)
    {
        using var t = new TempFolder();
        string path = t.File("n.npy");
        NpyFile.Write(path, [1.0, 2, 3, 4, 5, bad, 7, 8], 4, 2);
        Assert.Equal($"{path}: the value in row 3, column 2 is {shown}: every value must be a finite number. Remove or impute that row.",
            ErrorOf(() => NpyFile.ReadDoubles(path)));
    }

    [Fact]
    public void NonFiniteFloat32ValueIsNamedByRowAndColumn()
    {
        using var t = new TempFolder();
        string path = t.File("n32.npy");
        NpyFile.Write(path, [1f, 2, 3, float.NaN], 2, 2);
        Assert.Equal($"{path}: the value in row 2, column 2 is NaN: every value must be a finite number. Remove or impute that row.",
            ErrorOf(() => NpyFile.ReadSingles(NpyFile.ReadHeader(path))));
    }

    [Fact]
    public void NonFiniteValueFarIntoALargeFileIsFoundByTheVectorisedScan()
    {
        using var t = new TempFolder();
        var values = new double[3_000_000]; // three read blocks of 2^20 values
        values[2_999_998] = double.NaN;
        string path = t.File("large.npy");
        NpyFile.Write(path, values, 1_000_000, 3);
        Assert.Equal($"{path}: the value in row 1000000, column 2 is NaN: every value must be a finite number. Remove or impute that row.",
            ErrorOf(() => NpyFile.ReadDoubles(path)));
    }

    [Fact]
    public void MissingFileIsNamed()
    {
        using var t = new TempFolder();
        string path = Path.Combine(t.Path, "none.npy");
        Assert.StartsWith($"{path} does not exist. Check the path", ErrorOf(() => NpyFile.ReadHeader(path)));
    }
}
