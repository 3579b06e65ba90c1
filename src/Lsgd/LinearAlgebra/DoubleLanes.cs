using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Lsgd.LinearAlgebra;

/// <summary>
/// A vector of doubles for loops written once and run at two widths: <see cref="Lanes256"/> where the CPU has 256-bit
/// vectors, <see cref="LanesT"/> (<see cref="Vector{T}"/>) elsewhere (Arm64). On x64 both have four lanes and the same
/// operations, so a loop gives the same bits on either; <see cref="Lanes256"/> exists because ReadyToRun code over
/// <see cref="Vector{T}"/> is not real vector code (docs/STARTUP.md: ≈ 6× slower until the JIT recompiles it).
/// </summary>
internal interface IDoubleLanes<TSelf> where TSelf : struct, IDoubleLanes<TSelf>
{
    /// <summary>Lanes of the vector.</summary>
    static abstract int Count { get; }

    /// <summary>All lanes zero.</summary>
    static abstract TSelf Zero { get; }

    /// <summary>
    /// The <see cref="Count"/> values from <paramref name="offset"/> on after <paramref name="source"/>, unchecked: the
    /// caller's loop bounds keep them inside its span (a checked load a vector cost the residual pass ≈ 40 % in
    /// precompiled code).
    /// </summary>
    static abstract TSelf Load(ref double source, nuint offset);

    /// <summary><paramref name="value"/> in every lane.</summary>
    static abstract TSelf Broadcast(double value);

    /// <summary>a·b + c in each lane, rounded once.</summary>
    static abstract TSelf FusedMultiplyAdd(TSelf a, TSelf b, TSelf c);

    /// <summary>a − c·x in each lane, rounded once: the bits of <see cref="FusedMultiplyAdd"/>(−c, x, a) without negating c.</summary>
    static abstract TSelf MinusProduct(TSelf c, TSelf x, TSelf a);

    /// <summary>The sum of the lanes.</summary>
    static abstract double Sum(TSelf value);

    static abstract TSelf operator +(TSelf a, TSelf b);

    static abstract TSelf operator -(TSelf a, TSelf b);

    static abstract TSelf operator *(TSelf a, TSelf b);

    static abstract TSelf operator -(TSelf a);

    /// <summary>Lane <paramref name="index"/>.</summary>
    double this[int index] { get; }

    /// <summary>Writes the lanes to the <see cref="Count"/> values from <paramref name="offset"/> on after <paramref name="destination"/>, unchecked as <see cref="Load"/>.</summary>
    void Store(ref double destination, nuint offset);
}

/// <summary>Four doubles in a <see cref="Vector256{T}"/>.</summary>
internal readonly struct Lanes256(Vector256<double> value) : IDoubleLanes<Lanes256>
{
    private readonly Vector256<double> _value = value;

    public static int Count => 4;
    public static Lanes256 Zero => default;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Load(ref double source, nuint offset) => new(Vector256.LoadUnsafe(ref source, offset));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Broadcast(double value) => new(Vector256.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 FusedMultiplyAdd(Lanes256 a, Lanes256 b, Lanes256 c) => new(Vector256.FusedMultiplyAdd(a._value, b._value, c._value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 MinusProduct(Lanes256 c, Lanes256 x, Lanes256 a) => new(Kernels.MinusProduct(c._value, x._value, a._value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Sum(Lanes256 value) => Vector256.Sum(value._value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator +(Lanes256 a, Lanes256 b) => new(a._value + b._value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator -(Lanes256 a, Lanes256 b) => new(a._value - b._value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator *(Lanes256 a, Lanes256 b) => new(a._value * b._value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator -(Lanes256 a) => new(-a._value);
    public double this[int index] => _value.GetElement(index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(ref double destination, nuint offset) => _value.StoreUnsafe(ref destination, offset);
}

/// <summary>A <see cref="Vector{T}"/> of doubles (the machine's width).</summary>
internal readonly struct LanesT(Vector<double> value) : IDoubleLanes<LanesT>
{
    private readonly Vector<double> _value = value;

    public static int Count => Vector<double>.Count;
    public static LanesT Zero => default;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesT Load(ref double source, nuint offset) => new(Vector.LoadUnsafe(ref source, offset));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesT Broadcast(double value) => new(new Vector<double>(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesT FusedMultiplyAdd(LanesT a, LanesT b, LanesT c) => new(Vector.FusedMultiplyAdd(a._value, b._value, c._value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesT MinusProduct(LanesT c, LanesT x, LanesT a) => new(Vector.FusedMultiplyAdd(-c._value, x._value, a._value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Sum(LanesT value) => Vector.Sum(value._value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesT operator +(LanesT a, LanesT b) => new(a._value + b._value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesT operator -(LanesT a, LanesT b) => new(a._value - b._value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesT operator *(LanesT a, LanesT b) => new(a._value * b._value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesT operator -(LanesT a) => new(-a._value);
    public double this[int index] => _value[index];
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(ref double destination, nuint offset) => _value.StoreUnsafe(ref destination, offset);
}
