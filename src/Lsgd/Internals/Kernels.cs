using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Lsgd.Internals;

/// <summary>
/// Span kernels that <see cref="TensorPrimitives"/> does not offer: single-precision data widened to double
/// (so every product and sum is double), and the symmetric rank-m update behind XᵀX.
/// </summary>
/// <remarks>
/// Written with the portable <see cref="Vector256{T}"/> API (fused multiply-add where the hardware has it)
/// and a scalar tail; tested against plain loops at every length.
/// </remarks>
internal static class Kernels
{
    /// <summary>Σ xᵢ·wᵢ with x widened to double: result = Σ (double)x[i] * w[i].</summary>
    public static double DotWiden(ReadOnlySpan<float> x, ReadOnlySpan<double> w)
    {
        if (x.Length != w.Length) Throw.Length(nameof(w), w.Length, x.Length, "one weight per feature");
        int i = 0;
        double sum = 0;
        if (Vector256.IsHardwareAccelerated && x.Length >= 8)
        {
            ref float xr = ref MemoryMarshal.GetReference(x);
            ref double wr = ref MemoryMarshal.GetReference(w);
            var acc0 = Vector256<double>.Zero;
            var acc1 = Vector256<double>.Zero;
            for (; i <= x.Length - 8; i += 8)
            {
                var wide = Vector256.Widen(Vector256.LoadUnsafe(ref xr, (nuint)i));
                acc0 = Vector256.FusedMultiplyAdd(wide.Lower, Vector256.LoadUnsafe(ref wr, (nuint)i), acc0);
                acc1 = Vector256.FusedMultiplyAdd(wide.Upper, Vector256.LoadUnsafe(ref wr, (nuint)(i + 4)), acc1);
            }
            sum = Vector256.Sum(acc0 + acc1);
        }
        for (; i < x.Length; i++)
            sum += x[i] * w[i];
        return sum;
    }

    /// <summary>y ← y + a·x with x widened to double.</summary>
    public static void AxpyWiden(double a, ReadOnlySpan<float> x, Span<double> y)
    {
        if (x.Length != y.Length) Throw.Length(nameof(y), y.Length, x.Length, "one value per feature");
        int i = 0;
        if (Vector256.IsHardwareAccelerated && x.Length >= 8)
        {
            ref float xr = ref MemoryMarshal.GetReference(x);
            ref double yr = ref MemoryMarshal.GetReference(y);
            var va = Vector256.Create(a);
            for (; i <= x.Length - 8; i += 8)
            {
                var wide = Vector256.Widen(Vector256.LoadUnsafe(ref xr, (nuint)i));
                Vector256.FusedMultiplyAdd(wide.Lower, va, Vector256.LoadUnsafe(ref yr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
                Vector256.FusedMultiplyAdd(wide.Upper, va, Vector256.LoadUnsafe(ref yr, (nuint)(i + 4))).StoreUnsafe(ref yr, (nuint)(i + 4));
            }
        }
        for (; i < x.Length; i++)
            y[i] += a * x[i];
    }

    /// <summary>
    /// The upper triangle of C (d × d, row-major) += P·Pᵀ, with P a d × m panel stored row by row
    /// (row j of P is feature j over m observations, contiguous, stride <paramref name="stride"/> ≥ m).
    /// </summary>
    /// <remarks>
    /// Cᵢⱼ += Σₜ Pᵢₜ Pⱼₜ for i ≤ j. Blocks of 4 rows × 4 columns keep sixteen accumulators in registers, so
    /// eight loads feed sixteen fused multiply-adds.
    /// </remarks>
    public static void SymmetricRankUpdate(ReadOnlySpan<double> panel, int d, int m, int stride, Span<double> c)
    {
        if (panel.Length < (d - 1) * stride + m && d > 0) Throw.Length(nameof(panel), panel.Length, (d - 1) * stride + m, "d rows of the panel");
        if (c.Length < d * d) Throw.Length(nameof(c), c.Length, d * d, "a d × d matrix");
        // Blocks of 4 rows × 4 columns on and above the diagonal; the block on the diagonal computes a few
        // products below it too, which are simply not stored.
        int i = 0;
        for (; i + 3 < d; i += 4)
        {
            int j = i;
            for (; j + 3 < d; j += 4)
                Block4x4(panel, i, j, m, stride, c, d, diagonal: j == i);
            for (; j < d; j++)
                for (int a = 0; a < 4; a++)
                    c[(i + a) * d + j] += TensorPrimitives.Dot(panel.Slice((i + a) * stride, m), panel.Slice(j * stride, m));
        }
        for (; i < d; i++)
        {
            var p = panel.Slice(i * stride, m);
            for (int j = i; j < d; j++)
                c[i * d + j] += TensorPrimitives.Dot(p, panel.Slice(j * stride, m));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block4x4(ReadOnlySpan<double> panel, int i, int j, int m, int stride, Span<double> c, int d, bool diagonal)
    {
        ref double b = ref MemoryMarshal.GetReference(panel);
        nuint a0 = (nuint)(i * stride), a1 = a0 + (nuint)stride, a2 = a1 + (nuint)stride, a3 = a2 + (nuint)stride;
        nuint q0 = (nuint)(j * stride), q1 = q0 + (nuint)stride, q2 = q1 + (nuint)stride, q3 = q2 + (nuint)stride;
        Span<double> s = stackalloc double[16];
        s.Clear();
        int t = 0;
        if (Vector256.IsHardwareAccelerated && m >= 4)
        {
            Vector256<double> c00 = default, c01 = default, c02 = default, c03 = default;
            Vector256<double> c10 = default, c11 = default, c12 = default, c13 = default;
            Vector256<double> c20 = default, c21 = default, c22 = default, c23 = default;
            Vector256<double> c30 = default, c31 = default, c32 = default, c33 = default;
            for (; t <= m - 4; t += 4)
            {
                nuint u = (nuint)t;
                var y0 = Vector256.LoadUnsafe(ref b, q0 + u);
                var y1 = Vector256.LoadUnsafe(ref b, q1 + u);
                var y2 = Vector256.LoadUnsafe(ref b, q2 + u);
                var y3 = Vector256.LoadUnsafe(ref b, q3 + u);
                var x = Vector256.LoadUnsafe(ref b, a0 + u);
                c00 = Vector256.FusedMultiplyAdd(x, y0, c00); c01 = Vector256.FusedMultiplyAdd(x, y1, c01);
                c02 = Vector256.FusedMultiplyAdd(x, y2, c02); c03 = Vector256.FusedMultiplyAdd(x, y3, c03);
                x = Vector256.LoadUnsafe(ref b, a1 + u);
                c10 = Vector256.FusedMultiplyAdd(x, y0, c10); c11 = Vector256.FusedMultiplyAdd(x, y1, c11);
                c12 = Vector256.FusedMultiplyAdd(x, y2, c12); c13 = Vector256.FusedMultiplyAdd(x, y3, c13);
                x = Vector256.LoadUnsafe(ref b, a2 + u);
                c20 = Vector256.FusedMultiplyAdd(x, y0, c20); c21 = Vector256.FusedMultiplyAdd(x, y1, c21);
                c22 = Vector256.FusedMultiplyAdd(x, y2, c22); c23 = Vector256.FusedMultiplyAdd(x, y3, c23);
                x = Vector256.LoadUnsafe(ref b, a3 + u);
                c30 = Vector256.FusedMultiplyAdd(x, y0, c30); c31 = Vector256.FusedMultiplyAdd(x, y1, c31);
                c32 = Vector256.FusedMultiplyAdd(x, y2, c32); c33 = Vector256.FusedMultiplyAdd(x, y3, c33);
            }
            s[0] = Vector256.Sum(c00); s[1] = Vector256.Sum(c01); s[2] = Vector256.Sum(c02); s[3] = Vector256.Sum(c03);
            s[4] = Vector256.Sum(c10); s[5] = Vector256.Sum(c11); s[6] = Vector256.Sum(c12); s[7] = Vector256.Sum(c13);
            s[8] = Vector256.Sum(c20); s[9] = Vector256.Sum(c21); s[10] = Vector256.Sum(c22); s[11] = Vector256.Sum(c23);
            s[12] = Vector256.Sum(c30); s[13] = Vector256.Sum(c31); s[14] = Vector256.Sum(c32); s[15] = Vector256.Sum(c33);
        }
        for (; t < m; t++)
        {
            nuint u = (nuint)t;
            double y0 = Unsafe.Add(ref b, q0 + u), y1 = Unsafe.Add(ref b, q1 + u), y2 = Unsafe.Add(ref b, q2 + u), y3 = Unsafe.Add(ref b, q3 + u);
            for (int a = 0; a < 4; a++)
            {
                double x = Unsafe.Add(ref b, a0 + (nuint)(a * stride) + u);
                s[a * 4] += x * y0; s[a * 4 + 1] += x * y1; s[a * 4 + 2] += x * y2; s[a * 4 + 3] += x * y3;
            }
        }
        for (int a = 0; a < 4; a++)
            for (int e = diagonal ? a : 0; e < 4; e++)
                c[(i + a) * d + j + e] += s[a * 4 + e];
    }
}
