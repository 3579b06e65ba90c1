using System.Runtime.CompilerServices;

namespace Lsgd.Internals;

/// <summary>
/// A double-double number hi + lo (|lo| ≤ ½ulp(hi)): about 32 significant digits from pairs of doubles, by the
/// error-free transformations of Dekker, Knuth and Bailey's QD library (TwoSum, FMA TwoProduct).
/// </summary>
/// <remarks>For small, ill-conditioned problems where double precision leaves too few digits (NIST's Filip).</remarks>
internal readonly struct DoubleDouble(double hi, double lo)
{
    public readonly double Hi = hi;
    public readonly double Lo = lo;

    public static implicit operator DoubleDouble(double value) => new(value, 0);

    public static explicit operator double(DoubleDouble value) => value.Hi + value.Lo;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static DoubleDouble QuickTwoSum(double a, double b)
    {
        double s = a + b;
        return new(s, b - (s - a));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static DoubleDouble TwoSum(double a, double b)
    {
        double s = a + b;
        double bb = s - a;
        return new(s, (a - (s - bb)) + (b - bb));
    }

    public static DoubleDouble operator +(DoubleDouble a, DoubleDouble b)
    {
        var s = TwoSum(a.Hi, b.Hi);
        var t = TwoSum(a.Lo, b.Lo);
        var u = QuickTwoSum(s.Hi, s.Lo + t.Hi);
        return QuickTwoSum(u.Hi, u.Lo + t.Lo);
    }

    public static DoubleDouble operator -(DoubleDouble a) => new(-a.Hi, -a.Lo);

    public static DoubleDouble operator -(DoubleDouble a, DoubleDouble b) => a + -b;

    public static DoubleDouble operator *(DoubleDouble a, DoubleDouble b)
    {
        double p = a.Hi * b.Hi;
        double e = Math.FusedMultiplyAdd(a.Hi, b.Hi, -p);
        e += a.Hi * b.Lo + a.Lo * b.Hi;
        return QuickTwoSum(p, e);
    }

    public static DoubleDouble operator /(DoubleDouble a, DoubleDouble b)
    {
        double q1 = a.Hi / b.Hi;
        var r = a - q1 * b;
        double q2 = r.Hi / b.Hi;
        r -= q2 * b;
        double q3 = r.Hi / b.Hi;
        return QuickTwoSum(q1, q2) + q3;
    }

    /// <summary>√a (0 for a ≤ 0).</summary>
    public static DoubleDouble Sqrt(DoubleDouble a)
    {
        if (!(a.Hi > 0)) return 0;
        double x = Math.Sqrt(a.Hi);
        var r = a - (DoubleDouble)x * x;
        return QuickTwoSum(x, r.Hi / (2 * x));
    }

    public static DoubleDouble Abs(DoubleDouble a) => a.Hi < 0 ? -a : a;
}
