using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Lsgd.Internals;

namespace Lsgd.LinearAlgebra;

/// <summary>
/// One vector against several at once: the dot products aᵀxₖ and the updates xₖ −= αₖ·a for vectors xₖ laid out
/// with a fixed stride. The dense solves of <see cref="Cholesky"/> use them so that a row of the factor is read
/// once for every right-hand side (all outputs of a multi-output fit, or a block of columns of an inverse), not
/// once per right-hand side: a 768-feature factor is 4.7 MB, past L2, while a row of it stays in L1.
/// </summary>
/// <remarks>
/// Four vectors are taken at a time: each load of a is shared by four fused multiply-adds (into four accumulators,
/// or four stores). The sums are those of a vectorised dot product (lanes added at the end), so they differ from a
/// sequential sum by rounding only.
/// </remarks>
internal static partial class MultiVectorKernels
{
    /// <summary>The vector width used by default: 512 where accelerated, else 256 where accelerated, else 0 (scalar).</summary>
    internal static int DefaultBits { get; } =
        Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 0;

    /// <summary>
    /// sums[k] = Σₜ a[t]·x[k·stride + t] for t &lt; a.Length and k &lt; <paramref name="count"/>.
    /// </summary>
    /// <param name="a">The shared vector.</param>
    /// <param name="x">The vectors: vector k starts at k·<paramref name="stride"/>, each at least a.Length long.</param>
    /// <param name="stride">Distance between the starts of consecutive vectors.</param>
    /// <param name="count">Number of vectors.</param>
    /// <param name="sums">count values out.</param>
    /// <param name="vectorBits">512, 256 or 0 to force a code path in tests.</param>
    public static void Dots(ReadOnlySpan<double> a, ReadOnlySpan<double> x, int stride, int count, Span<double> sums, int? vectorBits = null)
    {
        int n = a.Length;
        if (count == 0) return;
        if (sums.Length < count) Throw.Length(nameof(sums), sums.Length, count, "one sum per vector");
        if ((long)(count - 1) * stride + n > x.Length) Throw.Length(nameof(x), x.Length, (count - 1) * stride + n, "count vectors at the stride");
        int bits = vectorBits ?? DefaultBits;
        ref double ar = ref MemoryMarshal.GetReference(a);
        ref double xr = ref MemoryMarshal.GetReference(x);
        int k = 0;
        for (; k + 4 <= count; k += 4)
        {
            ref double x0 = ref Unsafe.Add(ref xr, k * stride);
            var (s0, s1, s2, s3) = Dot4(ref ar, ref x0, ref Unsafe.Add(ref x0, stride), ref Unsafe.Add(ref x0, 2 * stride), ref Unsafe.Add(ref x0, 3 * stride), n, bits);
            sums[k] = s0;
            sums[k + 1] = s1;
            sums[k + 2] = s2;
            sums[k + 3] = s3;
        }
        for (; k < count; k++)
            sums[k] = Dot1(ref ar, ref Unsafe.Add(ref xr, k * stride), n, bits);
    }

    /// <summary>
    /// x[k·stride + t] −= alpha[k]·a[t] for t &lt; a.Length and k &lt; <paramref name="count"/>.
    /// </summary>
    public static void SubtractScaled(ReadOnlySpan<double> a, ReadOnlySpan<double> alpha, Span<double> x, int stride, int count, int? vectorBits = null)
    {
        int n = a.Length;
        if (count == 0) return;
        if (alpha.Length < count) Throw.Length(nameof(alpha), alpha.Length, count, "one factor per vector");
        if ((long)(count - 1) * stride + n > x.Length) Throw.Length(nameof(x), x.Length, (count - 1) * stride + n, "count vectors at the stride");
        int bits = vectorBits ?? DefaultBits;
        ref double ar = ref MemoryMarshal.GetReference(a);
        ref double xr = ref MemoryMarshal.GetReference(x);
        int k = 0;
        for (; k + 4 <= count; k += 4)
        {
            ref double x0 = ref Unsafe.Add(ref xr, k * stride);
            Axpy4(ref ar, alpha[k], alpha[k + 1], alpha[k + 2], alpha[k + 3],
                ref x0, ref Unsafe.Add(ref x0, stride), ref Unsafe.Add(ref x0, 2 * stride), ref Unsafe.Add(ref x0, 3 * stride), n, bits);
        }
        for (; k < count; k++)
            Axpy1(ref ar, alpha[k], ref Unsafe.Add(ref xr, k * stride), n, bits);
    }

    private static (double, double, double, double) Dot4(ref double a, ref double x0, ref double x1, ref double x2, ref double x3, int n, int bits)
    {
        nuint i = 0, len = (nuint)n;
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        if (bits == 512 && n >= 8)
        {
            Vector512<double> a0 = default, a1 = default, a2 = default, a3 = default;
            for (; i + 8 <= len; i += 8)
            {
                var v = Vector512.LoadUnsafe(ref a, i);
                a0 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref x0, i), a0);
                a1 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref x1, i), a1);
                a2 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref x2, i), a2);
                a3 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref x3, i), a3);
            }
            s0 = Vector512.Sum(a0);
            s1 = Vector512.Sum(a1);
            s2 = Vector512.Sum(a2);
            s3 = Vector512.Sum(a3);
        }
        else if (bits >= 256 && n >= 4)
        {
            Vector256<double> a0 = default, a1 = default, a2 = default, a3 = default;
            for (; i + 4 <= len; i += 4)
            {
                var v = Vector256.LoadUnsafe(ref a, i);
                a0 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref x0, i), a0);
                a1 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref x1, i), a1);
                a2 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref x2, i), a2);
                a3 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref x3, i), a3);
            }
            s0 = Vector256.Sum(a0);
            s1 = Vector256.Sum(a1);
            s2 = Vector256.Sum(a2);
            s3 = Vector256.Sum(a3);
        }
        for (; i < len; i++)
        {
            double v = Unsafe.Add(ref a, i);
            s0 = Math.FusedMultiplyAdd(v, Unsafe.Add(ref x0, i), s0);
            s1 = Math.FusedMultiplyAdd(v, Unsafe.Add(ref x1, i), s1);
            s2 = Math.FusedMultiplyAdd(v, Unsafe.Add(ref x2, i), s2);
            s3 = Math.FusedMultiplyAdd(v, Unsafe.Add(ref x3, i), s3);
        }
        return (s0, s1, s2, s3);
    }

    private static double Dot1(ref double a, ref double x, int n, int bits)
    {
        nuint i = 0, len = (nuint)n;
        double s = 0;
        if (bits == 512 && n >= 8)
        {
            Vector512<double> a0 = default, a1 = default;
            for (; i + 16 <= len; i += 16)
            {
                a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref a, i), Vector512.LoadUnsafe(ref x, i), a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref a, i + 8), Vector512.LoadUnsafe(ref x, i + 8), a1);
            }
            for (; i + 8 <= len; i += 8)
                a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref a, i), Vector512.LoadUnsafe(ref x, i), a0);
            s = Vector512.Sum(a0 + a1);
        }
        else if (bits >= 256 && n >= 4)
        {
            Vector256<double> a0 = default, a1 = default;
            for (; i + 8 <= len; i += 8)
            {
                a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref a, i), Vector256.LoadUnsafe(ref x, i), a0);
                a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref a, i + 4), Vector256.LoadUnsafe(ref x, i + 4), a1);
            }
            for (; i + 4 <= len; i += 4)
                a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref a, i), Vector256.LoadUnsafe(ref x, i), a0);
            s = Vector256.Sum(a0 + a1);
        }
        for (; i < len; i++)
            s = Math.FusedMultiplyAdd(Unsafe.Add(ref a, i), Unsafe.Add(ref x, i), s);
        return s;
    }

    private static void Axpy4(ref double a, double c0, double c1, double c2, double c3,
        ref double x0, ref double x1, ref double x2, ref double x3, int n, int bits)
    {
        nuint i = 0, len = (nuint)n;
        if (bits == 512)
        {
            Vector512<double> m0 = Vector512.Create(-c0), m1 = Vector512.Create(-c1), m2 = Vector512.Create(-c2), m3 = Vector512.Create(-c3);
            for (; i + 8 <= len; i += 8)
            {
                var v = Vector512.LoadUnsafe(ref a, i);
                Vector512.FusedMultiplyAdd(v, m0, Vector512.LoadUnsafe(ref x0, i)).StoreUnsafe(ref x0, i);
                Vector512.FusedMultiplyAdd(v, m1, Vector512.LoadUnsafe(ref x1, i)).StoreUnsafe(ref x1, i);
                Vector512.FusedMultiplyAdd(v, m2, Vector512.LoadUnsafe(ref x2, i)).StoreUnsafe(ref x2, i);
                Vector512.FusedMultiplyAdd(v, m3, Vector512.LoadUnsafe(ref x3, i)).StoreUnsafe(ref x3, i);
            }
        }
        else if (bits == 256)
        {
            Vector256<double> m0 = Vector256.Create(-c0), m1 = Vector256.Create(-c1), m2 = Vector256.Create(-c2), m3 = Vector256.Create(-c3);
            for (; i + 4 <= len; i += 4)
            {
                var v = Vector256.LoadUnsafe(ref a, i);
                Vector256.FusedMultiplyAdd(v, m0, Vector256.LoadUnsafe(ref x0, i)).StoreUnsafe(ref x0, i);
                Vector256.FusedMultiplyAdd(v, m1, Vector256.LoadUnsafe(ref x1, i)).StoreUnsafe(ref x1, i);
                Vector256.FusedMultiplyAdd(v, m2, Vector256.LoadUnsafe(ref x2, i)).StoreUnsafe(ref x2, i);
                Vector256.FusedMultiplyAdd(v, m3, Vector256.LoadUnsafe(ref x3, i)).StoreUnsafe(ref x3, i);
            }
        }
        for (; i < len; i++)
        {
            double v = Unsafe.Add(ref a, i);
            Unsafe.Add(ref x0, i) = Math.FusedMultiplyAdd(v, -c0, Unsafe.Add(ref x0, i));
            Unsafe.Add(ref x1, i) = Math.FusedMultiplyAdd(v, -c1, Unsafe.Add(ref x1, i));
            Unsafe.Add(ref x2, i) = Math.FusedMultiplyAdd(v, -c2, Unsafe.Add(ref x2, i));
            Unsafe.Add(ref x3, i) = Math.FusedMultiplyAdd(v, -c3, Unsafe.Add(ref x3, i));
        }
    }

    private static void Axpy1(ref double a, double c, ref double x, int n, int bits)
    {
        nuint i = 0, len = (nuint)n;
        if (bits == 512)
        {
            var m = Vector512.Create(-c);
            for (; i + 8 <= len; i += 8)
                Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref a, i), m, Vector512.LoadUnsafe(ref x, i)).StoreUnsafe(ref x, i);
        }
        else if (bits == 256)
        {
            var m = Vector256.Create(-c);
            for (; i + 4 <= len; i += 4)
                Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref a, i), m, Vector256.LoadUnsafe(ref x, i)).StoreUnsafe(ref x, i);
        }
        for (; i < len; i++)
            Unsafe.Add(ref x, i) = Math.FusedMultiplyAdd(Unsafe.Add(ref a, i), -c, Unsafe.Add(ref x, i));
    }
}
