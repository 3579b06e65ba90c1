using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Lsgd.LinearAlgebra;

/// <summary>
/// The step of a tall-skinny QR (TSQR): Householder QR of an upper-triangular R stacked on a block of rows B,
/// [R; B] = Q·[R′; 0], with R′ written over R and Q not kept. Reflector j has a one at row j of R and the
/// block's column j below it (normalised so), so it costs 4·rows·(m − j) operations and leaves the zeros of R
/// alone: folding n rows into R block by block costs 2np², the same as a Householder QR of the n × p matrix at
/// once, in blocks that stay in cache.
/// </summary>
/// <remarks>
/// Blocked (LAPACK's dgeqrt shape): the reflectors of a panel of <see cref="PanelColumns"/> columns are built
/// column by column, gathered into the compact WY form H₀⋯H_{b−1} = I − Y·T·Yᵀ (T upper triangular), and applied
/// to the columns after the panel as two matrix products, W = Tᵀ(R_panel + VᵀB) and B −= V·W, whose register
/// tiles load each value of the block once per panel instead of once per reflector.
/// <para>Where the hardware accelerates 512-bit vectors, the two products take 512-bit tiles. Measured against the
/// portable 256-bit ones in one process (one thread, CPU time, `dotnet run -c Release --project bench/Lsgd.Benchmarks
/// -- ratios --only qr`, Xeon with AVX-512, 2026-12-02): folding 256 rows × 101 columns, 0.020 s against 0.036 s
/// (1.8× faster); 2048 × 11, no difference (0.032 s against 0.030 s), so they stay.</para>
/// </remarks>
internal static class StackedQr
{
    /// <summary>Reflectors per panel.</summary>
    internal const int PanelColumns = 8;

    /// <summary>Folds the block <paramref name="b"/> (column-major, <paramref name="rows"/> × m, overwritten) into <paramref name="r"/>.</summary>
    /// <param name="r">m × m row-major; only the upper triangle is read and written.</param>
    /// <param name="m">Columns.</param>
    /// <param name="b">rows × m column-major (column c at c·rows).</param>
    /// <param name="rows">Rows of the block.</param>
    /// <param name="panel">Reflectors per panel (1 gives the unblocked algorithm; tests compare the two).</param>
    /// <param name="vectorBits">512 to take the 512-bit tiles where the hardware accelerates them, anything else for the portable ones; by default the widest.</param>
    public static void Reduce(Span<double> r, int m, Span<double> b, int rows, int panel = PanelColumns, int? vectorBits = null)
    {
        bool wide = (vectorBits ?? 512) == 512 && Vector512.IsHardwareAccelerated;
        if (rows == 0) return;
        Span<double> tau = stackalloc double[panel];
        Span<double> t = stackalloc double[panel * panel];
        double[]? rented = null;
        for (int j0 = 0; j0 < m; j0 += panel)
        {
            int jb = Math.Min(panel, m - j0);
            // The panel's reflectors, each applied to the panel's later columns.
            for (int j = j0; j < j0 + jb; j++)
            {
                var bj = b.Slice(j * rows, rows);
                tau[j - j0] = MakeReflector(r, m, j, bj);
                for (int c = j + 1; c < j0 + jb; c++)
                    Apply(r, m, j, c, bj, b.Slice(c * rows, rows), tau[j - j0]);
            }
            int first = j0 + jb, trailing = m - first;
            if (trailing == 0) break;
            if (jb == 1)
            {
                var bj = b.Slice(j0 * rows, rows);
                for (int c = first; c < m; c++) Apply(r, m, j0, c, bj, b.Slice(c * rows, rows), tau[0]);
                continue;
            }
            // T of the compact WY form (forward, columnwise): T[i,i] = τᵢ, T[0:i, i] = −τᵢ·T[0:i,0:i]·(V[:,0:i]ᵀ vᵢ).
            t.Clear();
            for (int i = 0; i < jb; i++)
            {
                var vi = b.Slice((j0 + i) * rows, rows);
                for (int h = 0; h < i; h++)
                    t[h * panel + i] = -tau[i] * TensorPrimitives.Dot<double>(b.Slice((j0 + h) * rows, rows), vi);
                for (int h = 0; h < i; h++)
                {
                    double s = 0;
                    for (int l = h; l < i; l++) s += t[h * panel + l] * t[l * panel + i];
                    t[h * panel + i] = s;
                }
                t[i * panel + i] = tau[i];
            }
            // The trailing columns, each on its own: W = R[j0:j0+jb, c] + Vᵀ·B[:, c], W = Tᵀ·W, R −= W, B −= V·W.
            rented ??= new double[panel * m];
            if (trailing >= 2 * SplitColumns && (double)trailing * rows >= SplitWork && Environment.ProcessorCount > 1)
                UpdateSplit(r, m, b, rows, j0, jb, first, trailing, t, panel, wide);
            else
                UpdateColumns(r, m, b, rows, j0, jb, first, 0, trailing, t, panel, rented, wide);
        }
    }

    /// <summary>Trailing columns × rows of a panel's update from which its columns are split between two threads.</summary>
    internal static double SplitWork { get; set; } = 1 << 16;

    /// <summary>The columns are split at a multiple of this: the tiles of 4 columns (and the last columns, which no tile takes) stay as they were.</summary>
    private const int SplitColumns = 4;

    /// <summary>
    /// <see cref="UpdateColumns"/> for the two halves of the trailing columns side by side. Every column's arithmetic is
    /// that of the whole update (the split falls between tiles of 4 columns, so the same columns share a tile and the same
    /// last columns are left to the narrower loops): the same bits on one thread or two. For the exact path of a wide
    /// design in memory (the 1 000 × 768 → 20 head's 789 columns: one fold of 256 rows after another on one thread).
    /// </summary>
    private static unsafe void UpdateSplit(Span<double> r, int m, Span<double> b, int rows, int j0, int jb, int first, int trailing, ReadOnlySpan<double> t, int panel, bool wide)
    {
        int half = (trailing / 2 + SplitColumns - 1) / SplitColumns * SplitColumns;
        var tCopy = t.ToArray();
        fixed (double* pr = r, pb = b)
        {
            nint ra = (nint)pr, ba = (nint)pb;
            int rl = r.Length, bl = b.Length;
            Parallel.For(0, 2, part =>
            {
                int c0 = part == 0 ? 0 : half, count = part == 0 ? half : trailing - half;
                UpdateColumns(new Span<double>((double*)ra, rl), m, new Span<double>((double*)ba, bl), rows, j0, jb, first, c0, count,
                    tCopy, panel, new double[jb * count], wide);
            });
        }
    }

    /// <summary>
    /// The panel's update of trailing columns first + c0 … first + c0 + count − 1: W = R[j0:j0+jb, ·] + Vᵀ·B[:, ·], then
    /// W = Tᵀ·W (jb × count, row-major in <paramref name="scratch"/>), R −= W and B −= V·W.
    /// </summary>
    private static void UpdateColumns(Span<double> r, int m, Span<double> b, int rows, int j0, int jb, int first, int c0, int count,
        ReadOnlySpan<double> t, int panel, Span<double> scratch, bool wide)
    {
        int at = first + c0;
        var w = scratch[..(jb * count)];
        ProductTransposed(b.Slice(j0 * rows, jb * rows), jb, b.Slice(at * rows, count * rows), count, rows, w, wide);
        for (int i = 0; i < jb; i++)
            for (int c = 0; c < count; c++) w[i * count + c] += r[(j0 + i) * m + at + c];
        for (int i = jb - 1; i >= 0; i--)
            for (int c = 0; c < count; c++)
            {
                double s = 0;
                for (int h = 0; h <= i; h++) s += t[h * panel + i] * w[h * count + c];
                w[i * count + c] = s;
            }
        for (int i = 0; i < jb; i++)
            for (int c = 0; c < count; c++) r[(j0 + i) * m + at + c] -= w[i * count + c];
        SubtractProduct(b.Slice(j0 * rows, jb * rows), jb, w, b.Slice(at * rows, count * rows), count, rows, wide);
    }

    /// <summary>
    /// The reflector of column j: zeroes the block's column under Rⱼⱼ, writes the new Rⱼⱼ, leaves its lower part
    /// (normalised so its top entry is 1) in <paramref name="bj"/> and returns its τ (0 for the identity).
    /// </summary>
    private static double MakeReflector(Span<double> r, int m, int j, Span<double> bj)
    {
        double sigma = TensorPrimitives.Dot<double>(bj, bj);
        if (sigma == 0) return 0;                     // the block's column is zero: R's column j stays
        double rjj = r[j * m + j];
        double norm = Math.Sqrt(rjj * rjj + sigma);
        double alpha = rjj >= 0 ? -norm : norm;
        double v0 = rjj - alpha;                      // v = [v0; bj], |v0| = |rjj| + norm > 0
        double tau = 2 / (v0 * v0 + sigma) * v0 * v0; // for u = v/v0 = [1; bj/v0]
        TensorPrimitives.Multiply<double>(bj, 1 / v0, bj);
        r[j * m + j] = alpha;
        return tau;
    }

    /// <summary>Reflector j (top entry 1 at row j of R, lower part <paramref name="bj"/>) applied to column c.</summary>
    private static void Apply(Span<double> r, int m, int j, int c, ReadOnlySpan<double> bj, Span<double> bc, double tau)
    {
        if (tau == 0) return;
        double s = tau * (r[j * m + c] + TensorPrimitives.Dot<double>(bj, bc));
        r[j * m + c] -= s;
        TensorPrimitives.MultiplyAdd<double>(bj, -s, bc, bc);
    }

    /// <summary>w[i, c] = Σₜ v[t, i]·b[t, c] for column-major v (rows × vc) and b (rows × bc); w row-major vc × bc.</summary>
    private static void ProductTransposed(ReadOnlySpan<double> v, int vc, ReadOnlySpan<double> b, int bc, int rows, Span<double> w, bool wide)
    {
        int c = wide && rows >= 8 ? ProductTransposed512(v, vc, b, bc, rows, w) : 0;   // none when fewer than 4 reflectors
        c = Vector256.IsHardwareAccelerated && Vector<double>.Count == 4 ? ProductTransposedTiles<Lanes256>(v, vc, b, bc, rows, w, c)
            : ProductTransposedTiles<LanesT>(v, vc, b, bc, rows, w, c);
        for (; c < bc; c++)
            for (int i = 0; i < vc; i++)
                w[i * bc + c] = TensorPrimitives.Dot<double>(v.Slice(i * rows, rows), b.Slice(c * rows, rows));
    }

    /// <summary>
    /// <see cref="ProductTransposed"/> over the groups of 4 columns from <paramref name="c"/> (2 reflectors × 4 columns a step) at the width of
    /// <typeparamref name="TV"/>: <see cref="Lanes256"/> on x64, the same bits as <see cref="LanesT"/> there, but
    /// precompiled as vector code (ReadyToRun code over Vector&lt;T&gt; ran the 1 000 × 768 → 20 head's exact solution
    /// with 256-bit vectors in 2.1–2.3 s until the JIT recompiled it, against 0.6–0.9 s with tiering). Returns the
    /// columns done (all the groups of 4).
    /// </summary>
    private static int ProductTransposedTiles<TV>(ReadOnlySpan<double> v, int vc, ReadOnlySpan<double> b, int bc, int rows, Span<double> w, int c)
        where TV : struct, IDoubleLanes<TV>
    {
        int n = TV.Count;
        if (v.Length < vc * rows || b.Length < bc * rows) throw new ArgumentException("v or b is shorter than its columns.", nameof(v));
        for (; c + 4 <= bc; c += 4)
        {
            var b0 = b.Slice(c * rows, rows);
            var b1 = b.Slice((c + 1) * rows, rows);
            var b2 = b.Slice((c + 2) * rows, rows);
            var b3 = b.Slice((c + 3) * rows, rows);
            int i = 0;
            for (; i + 2 <= vc; i += 2)
            {
                var va = v.Slice(i * rows, rows);
                var vb = v.Slice((i + 1) * rows, rows);
                var a0 = TV.Zero; var a1 = a0; var a2 = a0; var a3 = a0;
                var e0 = a0; var e1 = a0; var e2 = a0; var e3 = a0;
                int t = 0;
                ref double xr = ref MemoryMarshal.GetReference(va), yr = ref MemoryMarshal.GetReference(vb);
                ref double r0 = ref MemoryMarshal.GetReference(b0), r1 = ref MemoryMarshal.GetReference(b1);
                ref double r2 = ref MemoryMarshal.GetReference(b2), r3 = ref MemoryMarshal.GetReference(b3);
                for (; t + n <= rows; t += n)   // every slice holds rows values
                {
                    var x = TV.Load(ref xr, (nuint)t);
                    var y = TV.Load(ref yr, (nuint)t);
                    var q0 = TV.Load(ref r0, (nuint)t);
                    var q1 = TV.Load(ref r1, (nuint)t);
                    var q2 = TV.Load(ref r2, (nuint)t);
                    var q3 = TV.Load(ref r3, (nuint)t);
                    a0 = TV.FusedMultiplyAdd(x, q0, a0); e0 = TV.FusedMultiplyAdd(y, q0, e0);
                    a1 = TV.FusedMultiplyAdd(x, q1, a1); e1 = TV.FusedMultiplyAdd(y, q1, e1);
                    a2 = TV.FusedMultiplyAdd(x, q2, a2); e2 = TV.FusedMultiplyAdd(y, q2, e2);
                    a3 = TV.FusedMultiplyAdd(x, q3, a3); e3 = TV.FusedMultiplyAdd(y, q3, e3);
                }
                double s0 = TV.Sum(a0), s1 = TV.Sum(a1), s2 = TV.Sum(a2), s3 = TV.Sum(a3);
                double u0 = TV.Sum(e0), u1 = TV.Sum(e1), u2 = TV.Sum(e2), u3 = TV.Sum(e3);
                for (; t < rows; t++)
                {
                    s0 += va[t] * b0[t]; s1 += va[t] * b1[t]; s2 += va[t] * b2[t]; s3 += va[t] * b3[t];
                    u0 += vb[t] * b0[t]; u1 += vb[t] * b1[t]; u2 += vb[t] * b2[t]; u3 += vb[t] * b3[t];
                }
                w[i * bc + c] = s0; w[i * bc + c + 1] = s1; w[i * bc + c + 2] = s2; w[i * bc + c + 3] = s3;
                w[(i + 1) * bc + c] = u0; w[(i + 1) * bc + c + 1] = u1; w[(i + 1) * bc + c + 2] = u2; w[(i + 1) * bc + c + 3] = u3;
            }
            for (; i < vc; i++)
            {
                var va = v.Slice(i * rows, rows);
                w[i * bc + c] = TensorPrimitives.Dot<double>(va, b0);
                w[i * bc + c + 1] = TensorPrimitives.Dot<double>(va, b1);
                w[i * bc + c + 2] = TensorPrimitives.Dot<double>(va, b2);
                w[i * bc + c + 3] = TensorPrimitives.Dot<double>(va, b3);
            }
        }
        return c;
    }

    /// <summary>b[t, c] −= Σᵢ v[t, i]·w[i, c] for column-major v (rows × vc) and b (rows × bc), w row-major vc × bc.</summary>
    private static void SubtractProduct(ReadOnlySpan<double> v, int vc, ReadOnlySpan<double> w, Span<double> b, int bc, int rows, bool wide)
    {
        int c = wide && rows >= 8 ? SubtractProduct512(v, vc, w, b, bc, rows) : 0;
        c = Vector256.IsHardwareAccelerated && Vector<double>.Count == 4 ? SubtractProductTiles<Lanes256>(v, vc, w, b, bc, rows, c)
            : SubtractProductTiles<LanesT>(v, vc, w, b, bc, rows, c);
        for (; c < bc; c++)
        {
            var bcol = b.Slice(c * rows, rows);
            for (int i = 0; i < vc; i++)
                TensorPrimitives.MultiplyAdd<double>(v.Slice(i * rows, rows), -w[i * bc + c], bcol, bcol);
        }
    }

    /// <summary><see cref="SubtractProduct"/> over the groups of 4 columns from <paramref name="c"/> at the width of <typeparamref name="TV"/> (see <see cref="ProductTransposedTiles{TV}"/>). Returns the columns done.</summary>
    private static int SubtractProductTiles<TV>(ReadOnlySpan<double> v, int vc, ReadOnlySpan<double> w, Span<double> b, int bc, int rows, int c)
        where TV : struct, IDoubleLanes<TV>
    {
        int n = TV.Count;
        if (v.Length < vc * rows || b.Length < bc * rows) throw new ArgumentException("v or b is shorter than its columns.", nameof(v));
        for (; c + 4 <= bc; c += 4)
        {
            var b0 = b.Slice(c * rows, rows);
            var b1 = b.Slice((c + 1) * rows, rows);
            var b2 = b.Slice((c + 2) * rows, rows);
            var b3 = b.Slice((c + 3) * rows, rows);
            int t = 0;
            ref double r0 = ref MemoryMarshal.GetReference(b0), r1 = ref MemoryMarshal.GetReference(b1);
            ref double r2 = ref MemoryMarshal.GetReference(b2), r3 = ref MemoryMarshal.GetReference(b3);
            ref double vr = ref MemoryMarshal.GetReference(v);
            for (; t + n <= rows; t += n)   // every slice holds rows values, v vc·rows
            {
                var q0 = TV.Load(ref r0, (nuint)t);
                var q1 = TV.Load(ref r1, (nuint)t);
                var q2 = TV.Load(ref r2, (nuint)t);
                var q3 = TV.Load(ref r3, (nuint)t);
                for (int i = 0; i < vc; i++)
                {
                    var x = TV.Load(ref vr, (nuint)(i * rows + t));
                    int o = i * bc + c;
                    q0 = TV.MinusProduct(TV.Broadcast(w[o]), x, q0);
                    q1 = TV.MinusProduct(TV.Broadcast(w[o + 1]), x, q1);
                    q2 = TV.MinusProduct(TV.Broadcast(w[o + 2]), x, q2);
                    q3 = TV.MinusProduct(TV.Broadcast(w[o + 3]), x, q3);
                }
                q0.Store(ref r0, (nuint)t); q1.Store(ref r1, (nuint)t); q2.Store(ref r2, (nuint)t); q3.Store(ref r3, (nuint)t);
            }
            for (; t < rows; t++)
                for (int i = 0; i < vc; i++)
                {
                    double x = v[i * rows + t];
                    int o = i * bc + c;
                    b0[t] -= x * w[o]; b1[t] -= x * w[o + 1]; b2[t] -= x * w[o + 2]; b3[t] -= x * w[o + 3];
                }
        }
        return c;
    }

    /// <summary>The 512-bit tiles of <see cref="ProductTransposed"/> (4 reflectors × 4 columns); returns the columns done (a multiple of 4).</summary>
    private static int ProductTransposed512(ReadOnlySpan<double> v, int vc, ReadOnlySpan<double> b, int bc, int rows, Span<double> w)
    {
        int c = 0, full = rows - rows % 8;
        if (vc < 4) return 0;
        Span<double> s = stackalloc double[16];
        for (; c + 4 <= bc; c += 4)
        {
            var b0 = b.Slice(c * rows, rows);
            var b1 = b.Slice((c + 1) * rows, rows);
            var b2 = b.Slice((c + 2) * rows, rows);
            var b3 = b.Slice((c + 3) * rows, rows);
            int i = 0;
            for (; i + 4 <= vc; i += 4)
            {
                var v0 = v.Slice(i * rows, rows);
                var v1 = v.Slice((i + 1) * rows, rows);
                var v2 = v.Slice((i + 2) * rows, rows);
                var v3 = v.Slice((i + 3) * rows, rows);
                Vector512<double> a00 = default, a01 = default, a02 = default, a03 = default, a10 = default, a11 = default, a12 = default, a13 = default;
                Vector512<double> a20 = default, a21 = default, a22 = default, a23 = default, a30 = default, a31 = default, a32 = default, a33 = default;
                for (int t = 0; t < full; t += 8)
                {
                    var q0 = Vector512.Create(b0[t..]); var q1 = Vector512.Create(b1[t..]);
                    var q2 = Vector512.Create(b2[t..]); var q3 = Vector512.Create(b3[t..]);
                    var x = Vector512.Create(v0[t..]);
                    a00 = Vector512.FusedMultiplyAdd(x, q0, a00); a01 = Vector512.FusedMultiplyAdd(x, q1, a01); a02 = Vector512.FusedMultiplyAdd(x, q2, a02); a03 = Vector512.FusedMultiplyAdd(x, q3, a03);
                    x = Vector512.Create(v1[t..]);
                    a10 = Vector512.FusedMultiplyAdd(x, q0, a10); a11 = Vector512.FusedMultiplyAdd(x, q1, a11); a12 = Vector512.FusedMultiplyAdd(x, q2, a12); a13 = Vector512.FusedMultiplyAdd(x, q3, a13);
                    x = Vector512.Create(v2[t..]);
                    a20 = Vector512.FusedMultiplyAdd(x, q0, a20); a21 = Vector512.FusedMultiplyAdd(x, q1, a21); a22 = Vector512.FusedMultiplyAdd(x, q2, a22); a23 = Vector512.FusedMultiplyAdd(x, q3, a23);
                    x = Vector512.Create(v3[t..]);
                    a30 = Vector512.FusedMultiplyAdd(x, q0, a30); a31 = Vector512.FusedMultiplyAdd(x, q1, a31); a32 = Vector512.FusedMultiplyAdd(x, q2, a32); a33 = Vector512.FusedMultiplyAdd(x, q3, a33);
                }
                s[0] = Vector512.Sum(a00); s[1] = Vector512.Sum(a01); s[2] = Vector512.Sum(a02); s[3] = Vector512.Sum(a03);
                s[4] = Vector512.Sum(a10); s[5] = Vector512.Sum(a11); s[6] = Vector512.Sum(a12); s[7] = Vector512.Sum(a13);
                s[8] = Vector512.Sum(a20); s[9] = Vector512.Sum(a21); s[10] = Vector512.Sum(a22); s[11] = Vector512.Sum(a23);
                s[12] = Vector512.Sum(a30); s[13] = Vector512.Sum(a31); s[14] = Vector512.Sum(a32); s[15] = Vector512.Sum(a33);
                for (int h = 0; h < 4; h++)
                {
                    var vh = v.Slice((i + h) * rows, rows);
                    for (int t = full; t < rows; t++)
                    {
                        s[h * 4] += vh[t] * b0[t]; s[h * 4 + 1] += vh[t] * b1[t]; s[h * 4 + 2] += vh[t] * b2[t]; s[h * 4 + 3] += vh[t] * b3[t];
                    }
                    for (int q = 0; q < 4; q++) w[(i + h) * bc + c + q] = s[h * 4 + q];
                }
            }
            for (; i < vc; i++)
            {
                var vi = v.Slice(i * rows, rows);
                w[i * bc + c] = TensorPrimitives.Dot<double>(vi, b0);
                w[i * bc + c + 1] = TensorPrimitives.Dot<double>(vi, b1);
                w[i * bc + c + 2] = TensorPrimitives.Dot<double>(vi, b2);
                w[i * bc + c + 3] = TensorPrimitives.Dot<double>(vi, b3);
            }
        }
        return c;
    }

    /// <summary>The 512-bit tiles of <see cref="SubtractProduct"/> (4 columns of B at a time); returns the columns done.</summary>
    private static int SubtractProduct512(ReadOnlySpan<double> v, int vc, ReadOnlySpan<double> w, Span<double> b, int bc, int rows)
    {
        int c = 0, full = rows - rows % 8;
        for (; c + 4 <= bc; c += 4)
        {
            var b0 = b.Slice(c * rows, rows);
            var b1 = b.Slice((c + 1) * rows, rows);
            var b2 = b.Slice((c + 2) * rows, rows);
            var b3 = b.Slice((c + 3) * rows, rows);
            for (int t = 0; t < full; t += 8)
            {
                var q0 = Vector512.Create((ReadOnlySpan<double>)b0[t..]);
                var q1 = Vector512.Create((ReadOnlySpan<double>)b1[t..]);
                var q2 = Vector512.Create((ReadOnlySpan<double>)b2[t..]);
                var q3 = Vector512.Create((ReadOnlySpan<double>)b3[t..]);
                for (int i = 0; i < vc; i++)
                {
                    var x = Vector512.Create(v[(i * rows + t)..]);
                    int o = i * bc + c;
                    q0 = Kernels.MinusProduct(Vector512.Create(w[o]), x, q0);
                    q1 = Kernels.MinusProduct(Vector512.Create(w[o + 1]), x, q1);
                    q2 = Kernels.MinusProduct(Vector512.Create(w[o + 2]), x, q2);
                    q3 = Kernels.MinusProduct(Vector512.Create(w[o + 3]), x, q3);
                }
                q0.CopyTo(b0[t..]); q1.CopyTo(b1[t..]); q2.CopyTo(b2[t..]); q3.CopyTo(b3[t..]);
            }
            for (int t = full; t < rows; t++)
                for (int i = 0; i < vc; i++)
                {
                    double x = v[i * rows + t];
                    int o = i * bc + c;
                    b0[t] -= x * w[o]; b1[t] -= x * w[o + 1]; b2[t] -= x * w[o + 2]; b3[t] -= x * w[o + 3];
                }
        }
        return c;
    }
}
