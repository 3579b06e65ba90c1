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
    /// Cᵢⱼ += Σₜ Pᵢₜ Pⱼₜ for i ≤ j. Blocks of 2 rows × 4 columns keep eight accumulators in registers, so
    /// each pair of loads feeds two fused multiply-adds instead of one.
    /// </remarks>
    public static void SymmetricRankUpdate(ReadOnlySpan<double> panel, int d, int m, int stride, Span<double> c)
    {
        if (panel.Length < (d - 1) * stride + m && d > 0) Throw.Length(nameof(panel), panel.Length, (d - 1) * stride + m, "d rows of the panel");
        if (c.Length < d * d) Throw.Length(nameof(c), c.Length, d * d, "a d × d matrix");
        int i = 0;
        for (; i + 1 < d; i += 2)
        {
            var p0 = panel.Slice(i * stride, m);
            var p1 = panel.Slice((i + 1) * stride, m);
            c[i * d + i] += TensorPrimitives.Dot(p0, p0);
            c[i * d + i + 1] += TensorPrimitives.Dot(p0, p1);
            c[(i + 1) * d + i + 1] += TensorPrimitives.Dot(p1, p1);
            int j = i + 2;
            for (; j + 3 < d; j += 4)
                Block2x4(panel, i, j, m, stride, c, d);
            for (; j < d; j++)
            {
                var q = panel.Slice(j * stride, m);
                c[i * d + j] += TensorPrimitives.Dot(p0, q);
                c[(i + 1) * d + j] += TensorPrimitives.Dot(p1, q);
            }
        }
        if (i < d)
        {
            var p = panel.Slice(i * stride, m);
            c[i * d + i] += TensorPrimitives.Dot(p, p);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block2x4(ReadOnlySpan<double> panel, int i, int j, int m, int stride, Span<double> c, int d)
    {
        ref double b = ref MemoryMarshal.GetReference(panel);
        nuint a0 = (nuint)(i * stride), a1 = (nuint)((i + 1) * stride);
        nuint q0 = (nuint)(j * stride), q1 = (nuint)((j + 1) * stride), q2 = (nuint)((j + 2) * stride), q3 = (nuint)((j + 3) * stride);
        int t = 0;
        double s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
        if (Vector256.IsHardwareAccelerated && m >= 4)
        {
            Vector256<double> c00 = default, c01 = default, c02 = default, c03 = default;
            Vector256<double> c10 = default, c11 = default, c12 = default, c13 = default;
            for (; t <= m - 4; t += 4)
            {
                nuint u = (nuint)t;
                var x0 = Vector256.LoadUnsafe(ref b, a0 + u);
                var x1 = Vector256.LoadUnsafe(ref b, a1 + u);
                var y0 = Vector256.LoadUnsafe(ref b, q0 + u);
                var y1 = Vector256.LoadUnsafe(ref b, q1 + u);
                var y2 = Vector256.LoadUnsafe(ref b, q2 + u);
                var y3 = Vector256.LoadUnsafe(ref b, q3 + u);
                c00 = Vector256.FusedMultiplyAdd(x0, y0, c00);
                c01 = Vector256.FusedMultiplyAdd(x0, y1, c01);
                c02 = Vector256.FusedMultiplyAdd(x0, y2, c02);
                c03 = Vector256.FusedMultiplyAdd(x0, y3, c03);
                c10 = Vector256.FusedMultiplyAdd(x1, y0, c10);
                c11 = Vector256.FusedMultiplyAdd(x1, y1, c11);
                c12 = Vector256.FusedMultiplyAdd(x1, y2, c12);
                c13 = Vector256.FusedMultiplyAdd(x1, y3, c13);
            }
            s00 = Vector256.Sum(c00); s01 = Vector256.Sum(c01); s02 = Vector256.Sum(c02); s03 = Vector256.Sum(c03);
            s10 = Vector256.Sum(c10); s11 = Vector256.Sum(c11); s12 = Vector256.Sum(c12); s13 = Vector256.Sum(c13);
        }
        for (; t < m; t++)
        {
            nuint u = (nuint)t;
            double x0 = Unsafe.Add(ref b, a0 + u), x1 = Unsafe.Add(ref b, a1 + u);
            double y0 = Unsafe.Add(ref b, q0 + u), y1 = Unsafe.Add(ref b, q1 + u), y2 = Unsafe.Add(ref b, q2 + u), y3 = Unsafe.Add(ref b, q3 + u);
            s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
            s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
        }
        int r0 = i * d + j, r1 = (i + 1) * d + j;
        c[r0] += s00; c[r0 + 1] += s01; c[r0 + 2] += s02; c[r0 + 3] += s03;
        c[r1] += s10; c[r1 + 1] += s11; c[r1 + 2] += s12; c[r1 + 3] += s13;
    }
}
