namespace Lsgd.Internals;

/// <summary>
/// Sums and dot products evaluated as if in twice the working precision (error-free transformations:
/// Knuth's TwoSum and an FMA-based TwoProduct, as in Ogita, Rump and Oishi's Dot2).
/// </summary>
/// <remarks>Used where cancellation matters: residuals of a nearly exact fit, iterative refinement.</remarks>
internal static class Accurate
{
    /// <summary>Σ values, compensated.</summary>
    public static double Sum(ReadOnlySpan<double> values)
    {
        double s = 0, c = 0;
        foreach (double v in values)
            TwoSumInto(ref s, ref c, v);
        return s + c;
    }

    /// <summary>Σ aᵢ·bᵢ with a final error about as if computed in double-double.</summary>
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0, c = 0;
        for (int i = 0; i < a.Length; i++)
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

    /// <summary>Adds <paramref name="v"/> to the running sum <paramref name="s"/>, the rounding error to <paramref name="c"/>.</summary>
    public static void TwoSumInto(ref double s, ref double c, double v)
    {
        double t = s + v;
        double bp = t - s;
        c += (s - (t - bp)) + (v - bp);
        s = t;
    }
}
