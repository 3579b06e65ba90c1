namespace Lsgd.IO;

/// <summary>
/// What the header of a .npy file says about its array, already checked: a 1-D or 2-D float32/float64
/// array in C (row-major) order whose values are all present in the file.
/// </summary>
/// <remarks>A 1-D array of n values is seen as n rows of one column. Created by <see cref="NpyFile.ReadHeader(string)"/>.</remarks>
public sealed class NpyHeader
{
    internal NpyHeader(string path, bool isSinglePrecision, bool isLittleEndian, int dimensions, long rows, int columns, long dataOffset)
    {
        Path = path;
        IsSinglePrecision = isSinglePrecision;
        IsLittleEndian = isLittleEndian;
        Dimensions = dimensions;
        Rows = rows;
        Columns = columns;
        DataOffset = dataOffset;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>True for float32 values, false for float64.</summary>
    public bool IsSinglePrecision { get; }

    /// <summary>Bytes per value: 4 or 8.</summary>
    public int ElementSize => IsSinglePrecision ? sizeof(float) : sizeof(double);

    /// <summary>Whether the values are stored little-endian (as numpy writes them on every common machine).</summary>
    public bool IsLittleEndian { get; }

    /// <summary>1 for shape (n,), 2 for shape (n, d).</summary>
    public int Dimensions { get; }

    /// <summary>n, the length of the first axis.</summary>
    public long Rows { get; }

    /// <summary>d, the length of the second axis (1 for a 1-D array).</summary>
    public int Columns { get; }

    /// <summary>The number of values, <see cref="Rows"/> × <see cref="Columns"/>.</summary>
    public long Count => Rows * Columns;

    /// <summary>Where the values start in the file (bytes).</summary>
    public long DataOffset { get; }

    /// <summary>The shape as numpy prints it: <c>(n,)</c> or <c>(n, d)</c>.</summary>
    public string Shape => Dimensions == 1 ? $"({Rows},)" : $"({Rows}, {Columns})";

    /// <summary>numpy's name of the element type: <c>float32</c> or <c>float64</c>.</summary>
    public string TypeName => IsSinglePrecision ? "float32" : "float64";
}
