using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Lsgd.Internals;

/// <summary>
/// Sums and dot products evaluated as if in twice the working precision (error-free transformations:
/// Knuth's TwoSum and an FMA-based TwoProduct, as in Ogita, Rump and Oishi's Dot2).
/// </summary>
/// <remarks>Used where cancellation matters: residuals of a nearly exact fit, iterative refinement.</remarks>
internal static partial class Accurate
{
    /// <summary>Σ values, compensated.</summary>
    public static double Sum(ReadOnlySpan<double> values)
    {
        double s = 0, c = 0;
        int i = 0;
        if (Vector256.IsHardwareAccelerated && values.Length >= 8)
        {
            // Eight independent compensated sums (two vectors), so the additions do not wait on each other.
            ref double v = ref MemoryMarshal.GetReference(values);
            Vector256<double> s0 = default, c0 = default, s1 = default, c1 = default;
            for (; i <= values.Length - 8; i += 8)
            {
                TwoSum(ref s0, ref c0, Vector256.LoadUnsafe(ref v, (nuint)i));
                TwoSum(ref s1, ref c1, Vector256.LoadUnsafe(ref v, (nuint)(i + 4)));
            }
            Combine(s0, c0, ref s, ref c);
            Combine(s1, c1, ref s, ref c);
        }
        for (; i < values.Length; i++)
            TwoSumInto(ref s, ref c, values[i]);
        return s + c;
    }

    /// <summary>Σ aᵢ·bᵢ with a final error about as if computed in double-double.</summary>
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length) Throw.Length(nameof(b), b.Length, a.Length, "as many values as the first vector");
        double s = 0, c = 0;
        int i = 0;
        if (Vector256.IsHardwareAccelerated && a.Length >= 8)
        {
            // Eight independent lanes of Dot2: the product's rounding error (exact by FMA) goes to the
            // compensation, the sum's by TwoSum; the lanes are combined the same way at the end.
            ref double ar = ref MemoryMarshal.GetReference(a);
            ref double br = ref MemoryMarshal.GetReference(b);
            Vector256<double> s0 = default, c0 = default, s1 = default, c1 = default;
            for (; i <= a.Length - 8; i += 8)
            {
                var x0 = Vector256.LoadUnsafe(ref ar, (nuint)i);
                var y0 = Vector256.LoadUnsafe(ref br, (nuint)i);
                var x1 = Vector256.LoadUnsafe(ref ar, (nuint)(i + 4));
                var y1 = Vector256.LoadUnsafe(ref br, (nuint)(i + 4));
                var p0 = x0 * y0;
                var p1 = x1 * y1;
                c0 += Vector256.FusedMultiplyAdd(x0, y0, -p0);
                c1 += Vector256.FusedMultiplyAdd(x1, y1, -p1);
                TwoSum(ref s0, ref c0, p0);
                TwoSum(ref s1, ref c1, p1);
            }
            Combine(s0, c0, ref s, ref c);
            Combine(s1, c1, ref s, ref c);
        }
        for (; i < a.Length; i++)
        {
            double p = a[i] * b[i];
            c += Math.FusedMultiplyAdd(a[i], b[i], -p);
            TwoSumInto(ref s, ref c, p);
        }
        return s + c;
    }

    /// <summary>Σ values[i·stride] (strided column sum), compensated.</summary>
    public static double SumStrided(ReadOnlySpan<double> values, int offset, int stride, int count)
    {
        double s = 0, c = 0;
        for (int i = 0; i < count; i++)
            TwoSumInto(ref s, ref c, values[offset + i * stride]);
        return s + c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void TwoSum(ref Vector256<double> s, ref Vector256<double> c, Vector256<double> v)
    {
        var t = s + v;
        var bp = t - s;
        c += (s - (t - bp)) + (v - bp);
        s = t;
    }

    /// <summary>TwoSum in the lanes of a 512-bit vector (as the 256-bit overload).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void TwoSum(ref Vector512<double> s, ref Vector512<double> c, Vector512<double> v)
    {
        var t = s + v;
        var bp = t - s;
        c += (s - (t - bp)) + (v - bp);
        s = t;
    }

    /// <summary>Adds the lanes of a 512-bit vector of compensated sums into a scalar one.</summary>
    internal static void Combine(Vector512<double> sums, Vector512<double> compensations, ref double s, ref double c)
    {
        for (int lane = 0; lane < Vector512<double>.Count; lane++)
        {
            TwoSumInto(ref s, ref c, sums.GetElement(lane));
            c += compensations.GetElement(lane);
        }
    }

    /// <summary>Adds the lanes of a vector of compensated sums into a scalar one.</summary>
    internal static void Combine(Vector256<double> sums, Vector256<double> compensations, ref double s, ref double c)
    {
        for (int lane = 0; lane < Vector256<double>.Count; lane++)
        {
            TwoSumInto(ref s, ref c, sums.GetElement(lane));
            c += compensations.GetElement(lane);
        }
    }

    /// <summary>Adds <paramref name="v"/> to the running sum <paramref name="s"/>, the rounding error to <paramref name="c"/>.</summary>
    public static void TwoSumInto(ref double s, ref double c, double v)
    {
        double t = s + v;
        double bp = t - s;
        c += (s - (t - bp)) + (v - bp);
        s = t;
    }
}
