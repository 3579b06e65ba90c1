using System.Numerics.Tensors;
using Lsgd.LinearAlgebra;

namespace Lsgd.Data;

/// <summary>The precision a <see cref="Dataset"/>'s features are stored in.</summary>
public enum FeaturePrecision
{
    /// <summary>float64.</summary>
    DoublePrecision,

    /// <summary>float32: half the memory and bandwidth; every value is widened to double before it is multiplied.</summary>
    SinglePrecision,
}

/// <summary>
/// The n × d features of a <see cref="Dataset"/>, row-major, in the precision they were given. The accessors
/// (<see cref="this[int, int]"/>, <see cref="Dot"/>, <see cref="CopyRow"/>) work for both precisions; the raw spans
/// (<see cref="DoubleValues"/>, <see cref="SingleValues"/>) exist only for their own precision and throw for the other, so a
/// consumer never reads a silently empty array.
/// </summary>
public sealed class FeatureStorage
{
    private readonly double[]? _double;
    private readonly float[]? _single;

    /// <summary>float64 values outside the managed heap (a memory-mapped file), when <see cref="_double"/> and <see cref="_single"/> are null.</summary>
    private readonly nint _native;
    private readonly int _nativeLength;

    /// <summary>What keeps <see cref="_native"/> valid (the mapping); never released while this storage is reachable.</summary>
    private readonly object? _owner;

    /// <summary>Whether the values at <see cref="_native"/> are float32 (else float64).</summary>
    private readonly bool _nativeSingle;

    internal FeatureStorage(double[] values, int features)
    {
        _double = values;
        Features = features;
    }

    /// <summary>
    /// float64 values at the address <paramref name="values"/> (<paramref name="length"/> of them) that <paramref name="owner"/> keeps valid for
    /// the life of the process (a read-only memory-mapped file: <c>Lsgd.IO</c> maps .npy features instead of copying them).
    /// </summary>
    internal FeatureStorage(nint values, int length, int features, object owner) : this(values, length, features, owner, single: false)
    {
    }

    /// <summary>
    /// As <see cref="FeatureStorage(nint, int, int, object)"/>, the values float32 when <paramref name="single"/> (a
    /// float32 .npy file used where it lies: half the bandwidth of a widened copy, and the same values).
    /// </summary>
    internal FeatureStorage(nint values, int length, int features, object owner, bool single)
    {
        _native = values;
        _nativeLength = length;
        _owner = owner;
        _nativeSingle = single;
        Features = features;
    }

    internal FeatureStorage(float[] values, int features)
    {
        _single = values;
        Features = features;
    }

    /// <summary>float64 or float32.</summary>
    public FeaturePrecision Precision => !IsSingle ? FeaturePrecision.DoublePrecision : FeaturePrecision.SinglePrecision;

    /// <summary>Whether the values are a memory-mapped file's pages rather than an array (read-only either way).</summary>
    internal bool IsMapped => _owner is not null;

    /// <summary>d, the features per row.</summary>
    public int Features { get; }

    /// <summary>All n·d values, row-major, for float64 storage.</summary>
    /// <exception cref="InvalidOperationException">The features are stored in float32.</exception>
    public ReadOnlySpan<double> DoubleValues => _double is not null ? _double : _owner is not null && !_nativeSingle ? Native<double>(_native, _nativeLength) : throw new InvalidOperationException(
        "The features are stored in float32: read them with SingleValues, the accessors (Dot, CopyRow, the indexer), or Dataset.ToDoublePrecision().");

    /// <summary>All n·d values, row-major, for float32 storage.</summary>
    /// <exception cref="InvalidOperationException">The features are stored in float64.</exception>
    public ReadOnlySpan<float> SingleValues => _single is not null ? _single : _nativeSingle ? Native<float>(_native, _nativeLength) : throw new InvalidOperationException(
        "The features are stored in float64: read them with DoubleValues or the accessors (Dot, CopyRow, the indexer).");

    /// <summary>Whether the values are float32 (an array or a mapping).</summary>
    private bool IsSingle => _single is not null || _nativeSingle;

    private static unsafe ReadOnlySpan<T> Native<T>(nint values, int length) => new((void*)values, length);

    /// <summary>Feature <paramref name="j"/> of row <paramref name="i"/> (0-based), as a double.</summary>
    public double this[int i, int j] => !IsSingle ? DoubleValues[i * Features + j] : SingleValues[i * Features + j];

    /// <summary>xᵢ · w for row <paramref name="i"/>, in double whatever the storage.</summary>
    public double Dot(int i, ReadOnlySpan<double> w) => !IsSingle
        ? TensorPrimitives.Dot(DoubleValues.Slice(i * Features, Features), w)
        : Kernels.DotWiden(SingleValues.Slice(i * Features, Features), w);

    /// <summary>Copies row <paramref name="i"/> into <paramref name="destination"/> (d values), widening float32.</summary>
    public void CopyRow(int i, Span<double> destination)
    {
        if (!IsSingle)
            DoubleValues.Slice(i * Features, Features).CopyTo(destination);
        else
            TensorPrimitives.ConvertTruncating<float, double>(SingleValues.Slice(i * Features, Features), destination);   // widening: exact
    }
}
