using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Lsgd.LinearAlgebra;

/// <summary>
/// The solves L Z = B and Lᵀ X = Z of a Cholesky factor for many right-hand sides at once, blocked: the right-hand
/// sides are laid side by side (row j of the panel holds entry j of every one of them, padded to three vectors), and
/// rows of L are taken 8 at a time (4 on 256-bit lanes), so that each row of the panel read from memory feeds 24
/// (12) fused multiply-adds held in registers. Row by row (<see cref="MultiVectorKernels"/>) every row of L read the
/// whole prefix of every right-hand side again: for 768 features and 20 outputs 47 MB from L2 a triangle, here 6 MB.
/// </summary>
/// <remarks>
/// The columns of the panel do not interact, so they are solved in groups of three vectors (24 columns on 512-bit
/// lanes, 12 on 256-bit ones); padding columns are zero and stay zero. The sums are those of a sequential
/// substitution taken in a different order (blocks of rows), so they differ from the row-by-row solve by rounding only.
/// </remarks>
internal static class TriangularPanels
{
    /// <summary>Right-hand sides from which the blocked solve is used (fewer: the row-by-row one).</summary>
    internal static int MinimumCount(int bits) => bits == 512 ? 8 : bits == 256 ? 4 : int.MaxValue;

    /// <summary>
    /// Solves A xₖ = bₖ in place for <paramref name="count"/> right-hand sides bₖ, the n values from k·<paramref name="stride"/>,
    /// with A = LLᵀ, L the n × n row-major lower triangle <paramref name="l"/>; <paramref name="bits"/> is 512 or 256.
    /// </summary>
    public static void Solve(double[] l, int n, Span<double> b, int count, int stride, int bits)
    {
        int lanes = bits == 512 ? 8 : 4, group = 3 * lanes;
        int m = (count + group - 1) / group * group;
        var panel = new double[(long)n * m];
        for (int k = 0; k < count; k++)
        {
            var from = b.Slice(k * stride, n);
            for (int j = 0; j < n; j++) panel[j * m + k] = from[j];
        }
        for (int c = 0; c < m; c += group)
        {
            if (bits == 512)
            {
                Lower<Wide>(l, n, panel, m, c);
                Upper<Wide>(l, n, panel, m, c);
            }
            else
            {
                Lower<Narrow>(l, n, panel, m, c);
                Upper<Narrow>(l, n, panel, m, c);
            }
        }
        for (int k = 0; k < count; k++)
        {
            var to = b.Slice(k * stride, n);
            for (int j = 0; j < n; j++) to[j] = panel[j * m + k];
        }
    }

    /// <summary>
    /// result_k = A x_k for <paramref name="count"/> vectors x_k (the n values from k·<paramref name="stride"/>, results
    /// likewise), A the n × n row-major <paramref name="a"/>: the same register tile as the lower solve, 8 (4) rows of A
    /// against the vectors side by side, so A is read once and each row of the panel feeds 24 (12) multiply-adds; a
    /// row of A against each vector in turn reread every vector for every row (94 MB from L2 for 768 features and 20 outputs).
    /// </summary>
    public static void Multiply(double[] a, int n, ReadOnlySpan<double> x, int count, int stride, Span<double> result, int bits)
    {
        int lanes = bits == 512 ? 8 : 4, group = 3 * lanes, rows = bits == 512 ? 8 : 4;
        int m = (count + group - 1) / group * group;
        var panel = new double[(long)n * m];
        var product = new double[(long)n * m];
        for (int k = 0; k < count; k++)
        {
            var from = x.Slice(k * stride, n);
            for (int j = 0; j < n; j++) panel[j * m + k] = from[j];
        }
        int full = n / rows * rows;
        for (int c = 0; c < m; c += group)
        {
            // The tile subtracts: the product comes out negated.
            for (int i0 = 0; i0 < full; i0 += rows)
            {
                if (bits == 512) Wide.LowerUpdate(ref a[i0 * n], n, ref panel[c], m, n, ref product[i0 * m + c]);
                else Narrow.LowerUpdate(ref a[i0 * n], n, ref panel[c], m, n, ref product[i0 * m + c]);
            }
            for (int i = full; i < n; i++)
                for (int j = 0; j < n; j++)
                    Axpy(-a[i * n + j], panel.AsSpan(j * m + c, group), product.AsSpan(i * m + c, group));
        }
        for (int k = 0; k < count; k++)
        {
            var to = result.Slice(k * stride, n);
            for (int j = 0; j < n; j++) to[j] = -product[j * m + k];
        }
    }

    /// <summary>Rows of the register tile on <paramref name="bits"/>-bit lanes (512 or 256): 8 or 4.</summary>
    internal static int TileRows(int bits) => bits == 512 ? 8 : 4;

    /// <summary>Columns of the register tile on <paramref name="bits"/>-bit lanes (512 or 256): three vectors, 24 or 12.</summary>
    internal static int TileColumns(int bits) => bits == 512 ? 24 : 12;

    /// <summary>
    /// The register tile on its own, for products other than the triangular ones: the <see cref="TileRows"/> rows of
    /// <see cref="TileColumns"/> values at <paramref name="t"/> (stride <paramref name="m"/>) −= Σ_{j &lt; count} a[r·lda + j]·(row j
    /// of the panel at <paramref name="x"/>, stride <paramref name="m"/>), each sum taken in order of j by fused multiply-adds.
    /// </summary>
    internal static void SubtractProduct(ref double a, int lda, ref double x, int m, int count, ref double t, int bits)
    {
        if (bits == 512) Wide.LowerUpdate(ref a, lda, ref x, m, count, ref t);
        else Narrow.LowerUpdate(ref a, lda, ref x, m, count, ref t);
    }

    /// <summary>The register tile: rows of L per block and the vector width (a type argument, so each is compiled on its own).</summary>
    private interface ITile
    {
        static abstract int Rows { get; }
        static abstract int Lanes { get; }
        static abstract void LowerUpdate(ref double l, int n, ref double x, int m, int count, ref double t);
        static abstract void UpperUpdate(ref double l, int n, ref double x, int m, int count);
    }

    /// <summary>
    /// L Z = B on the group of columns from <paramref name="c"/>: by blocks of rows, each first updated by every row solved
    /// before it (the register tile), then solved within the block.
    /// </summary>
    private static void Lower<T>(double[] l, int n, double[] x, int m, int c) where T : ITile => Lower<T>(l, n, 0, x, m, c);

    /// <summary>As <see cref="Lower{T}(double[], int, double[], int, int)"/> with the trailing triangle of L from row and column <paramref name="s"/> (the panel's row i is row s + i).</summary>
    private static void Lower<T>(double[] l, int n, int s, double[] x, int m, int c) where T : ITile
    {
        int rows = T.Rows, width = 3 * T.Lanes, order = n - s;
        for (int i0 = 0; i0 < order; i0 += rows)
        {
            int block = Math.Min(rows, order - i0);
            if (i0 > 0)
            {
                if (block == rows)
                    T.LowerUpdate(ref l[(s + i0) * n + s], n, ref x[c], m, i0, ref x[i0 * m + c]);
                else
                    for (int i = i0; i < i0 + block; i++)
                        for (int j = 0; j < i0; j++)
                            Axpy(-l[(s + i) * n + s + j], x.AsSpan(j * m + c, width), x.AsSpan(i * m + c, width));
            }
            for (int i = i0; i < i0 + block; i++)
            {
                var xi = x.AsSpan(i * m + c, width);
                for (int q = i0; q < i; q++)
                    Axpy(-l[(s + i) * n + s + q], x.AsSpan(q * m + c, width), xi);
                Scale(1 / l[(s + i) * n + s + i], xi);
            }
        }
    }

    /// <summary>
    /// Lᵀ X = Z on the group of columns from <paramref name="c"/>: by blocks of rows from the last, each solved within
    /// the block, then subtracted from every row before it (the register tile).
    /// </summary>
    private static void Upper<T>(double[] l, int n, double[] x, int m, int c) where T : ITile => Upper<T>(l, n, 0, x, m, c);

    /// <summary>As <see cref="Upper{T}(double[], int, double[], int, int)"/> with the trailing triangle of L from row and column <paramref name="s"/>.</summary>
    private static void Upper<T>(double[] l, int n, int s, double[] x, int m, int c) where T : ITile
    {
        int rows = T.Rows, width = 3 * T.Lanes, order = n - s;
        for (int i0 = (order - 1) / rows * rows; i0 >= 0; i0 -= rows)
        {
            int block = Math.Min(rows, order - i0);
            for (int i = i0 + block - 1; i >= i0; i--)
            {
                var xi = x.AsSpan(i * m + c, width);
                Scale(1 / l[(s + i) * n + s + i], xi);
                for (int q = i0; q < i; q++)
                    Axpy(-l[(s + i) * n + s + q], xi, x.AsSpan(q * m + c, width));
            }
            if (i0 == 0) continue;
            if (block == rows)
                T.UpperUpdate(ref l[(s + i0) * n + s], n, ref x[c], m, i0);
            else
                for (int i = i0; i < i0 + block; i++)
                    for (int j = 0; j < i0; j++)
                        Axpy(-l[(s + i) * n + s + j], x.AsSpan(i * m + c, width), x.AsSpan(j * m + c, width));
        }
    }

    /// <summary>
    /// A⁻¹ = L⁻ᵀL⁻¹ (n × n row-major, both triangles, exactly symmetric) from the factor <paramref name="l"/>, by blocks
    /// of 24 (12) columns of the identity: columns c … c + 23 of A⁻¹ from row c on depend only on the trailing triangle
    /// of L from c (the identity's columns are zero above c, and Lᵀ is upper triangular), so each block is a lower and
    /// an upper solve of order n − c with the register tile (n³/3 multiply-adds in all, as forming L⁻¹ and L⁻ᵀL⁻¹
    /// takes), and the entries from the diagonal down are kept and mirrored.
    /// </summary>
    public static double[] Inverse(double[] l, int n, int bits, int threads = 1)
    {
        int width = TileColumns(bits), groups = (n + width - 1) / width;
        var inverse = new double[(long)n * n];
        void Group(int g, double[] panel)
        {
            int c = g * width, count = Math.Min(width, n - c), order = n - c;
            Array.Clear(panel, 0, order * width);
            for (int q = 0; q < count; q++) panel[q * width + q] = 1;
            if (bits == 512)
            {
                Lower<Wide>(l, n, c, panel, width, 0);
                Upper<Wide>(l, n, c, panel, width, 0);
            }
            else
            {
                Lower<Narrow>(l, n, c, panel, width, 0);
                Upper<Narrow>(l, n, c, panel, width, 0);
            }
            for (int r = 0; r < order; r++)
                for (int q = 0, last = Math.Min(count - 1, r); q <= last; q++)
                    inverse[(long)(c + r) * n + c + q] = inverse[(long)(c + q) * n + c + r] = panel[r * width + q];
        }
        // The groups are independent (each writes its own columns and their mirror rows): on several threads the first
        // groups, the largest ((n − c)² each), are taken first, one at a time.
        if (threads <= 1 || groups < 2)
        {
            var panel = new double[(long)n * width];
            for (int g = 0; g < groups; g++) Group(g, panel);
        }
        else
            Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, groups, 1), new ParallelOptions { MaxDegreeOfParallelism = threads },
                () => new double[(long)n * width], (range, _, panel) => { for (int g = range.Item1; g < range.Item2; g++) Group(g, panel); return panel; }, _ => { });
        return inverse;
    }

    /// <summary>
    /// Cholesky factorisation in place, left-looking by panels of <see cref="TileColumns"/> columns: each panel (its
    /// rows from the diagonal down, copied side by side) is first updated by every column of L before it with the
    /// register tile (L's rows against the panel's rows of L transposed: n³/6 multiply-adds in all), then factorised
    /// within itself column by column. The lower triangle of <paramref name="a"/> (n × n row-major) is read and
    /// overwritten by L; the upper is left as it was. False, with <paramref name="failedColumn"/>, when a pivot is not
    /// above <paramref name="minimumPivot"/> (the same test as the column-by-column factorisation, the sums taken in another order).
    /// </summary>
    public static bool Factor(double[] a, int n, double minimumPivot, int bits, out int failedColumn)
    {
        int width = TileColumns(bits), rows = TileRows(bits);
        var transposed = new double[(long)n * width];   // row k: L[j0 + q, k] for the panel's columns q
        var panel = new double[(long)n * width];        // row r: A[j0 + r, j0 + q] (then L), from the diagonal down
        Span<double> column = stackalloc double[width];  // L[j0 + c, j0 + q] for the panel's columns c after q, else 0
        for (int j0 = 0; j0 < n; j0 += width)
        {
            int count = Math.Min(width, n - j0), order = n - j0;
            Array.Clear(panel, 0, order * width);
            for (int r = 0; r < order; r++)
                for (int q = 0, last = Math.Min(count - 1, r); q <= last; q++) panel[r * width + q] = a[(long)(j0 + r) * n + j0 + q];
            if (j0 > 0)
            {
                Array.Clear(transposed, 0, j0 * width);
                for (int q = 0; q < count; q++)
                    for (int k = 0; k < j0; k++) transposed[k * width + q] = a[(long)(j0 + q) * n + k];
                int full = order / rows * rows;
                for (int r0 = 0; r0 < full; r0 += rows)
                    SubtractProduct(ref a[(long)(j0 + r0) * n], n, ref transposed[0], width, j0, ref panel[r0 * width], bits);
                for (int r = full; r < order; r++)
                    for (int k = 0; k < j0; k++)
                        Axpy(-a[(long)(j0 + r) * n + k], transposed.AsSpan(k * width, width), panel.AsSpan(r * width, width));
            }
            // Within the panel, right-looking: column q's pivot and multipliers, then every row below updated by
            // Lᵣq·(L_cq for the panel's columns c after q), a whole row of the panel at once (zeros at c ≤ q leave those
            // entries as they are; the entries above the diagonal block's diagonal take values never read or kept).
            for (int q = 0; q < count; q++)
            {
                double pivot = panel[q * width + q];
                if (!(pivot > minimumPivot))
                {
                    failedColumn = j0 + q;
                    return false;
                }
                double lqq = Math.Sqrt(pivot);
                panel[q * width + q] = lqq;
                column.Clear();
                for (int c = q + 1; c < count; c++) column[c] = panel[c * width + q] /= lqq;
                for (int r = q + 1; r < order; r++)
                {
                    double lrq = r < count ? panel[r * width + q] : (panel[r * width + q] /= lqq);
                    SubtractScaledRow(lrq, column, panel.AsSpan(r * width, width));
                }
            }
            for (int r = 0; r < order; r++)
                for (int q = 0, last = Math.Min(count - 1, r); q <= last; q++) a[(long)(j0 + r) * n + j0 + q] = panel[r * width + q];
        }
        failedColumn = -1;
        return true;
    }

    /// <summary>y −= a·x over a row of the panel (24 or 12 values: whole 256-bit vectors), by fused multiply-adds.</summary>
    private static void SubtractScaledRow(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        ref double xr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        ref double yr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
        var c = Vector256.Create(-a);
        for (nuint i = 0; i < (nuint)y.Length; i += 4)
            Vector256.FusedMultiplyAdd(c, Vector256.LoadUnsafe(ref xr, i), Vector256.LoadUnsafe(ref yr, i)).StoreUnsafe(ref yr, i);
    }

    private static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        for (int t = 0; t < y.Length; t++) y[t] = Math.FusedMultiplyAdd(a, x[t], y[t]);
    }

    private static void Scale(double a, Span<double> y)
    {
        for (int t = 0; t < y.Length; t++) y[t] *= a;
    }

    /// <summary>512-bit lanes, 8 rows of L: 24 accumulators (or 24 held values), three loads and eight broadcasts a row of the panel.</summary>
    private readonly struct Wide : ITile
    {
        public static int Rows => 8;
        public static int Lanes => 8;

        /// <summary>The 8 rows of 24 at <paramref name="t"/> (stride m) −= Σ_{j &lt; count} l[r·n + j]·(row j of the panel): in the lower solve l is L's row count and t the panel's.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void LowerUpdate(ref double l, int n, ref double x, int m, int count, ref double t)
        {
            Vector512<double> a00 = Load(ref t, 0), a01 = Load(ref t, 8), a02 = Load(ref t, 16),
                a10 = Load(ref t, m), a11 = Load(ref t, m + 8), a12 = Load(ref t, m + 16),
                a20 = Load(ref t, 2 * m), a21 = Load(ref t, 2 * m + 8), a22 = Load(ref t, 2 * m + 16),
                a30 = Load(ref t, 3 * m), a31 = Load(ref t, 3 * m + 8), a32 = Load(ref t, 3 * m + 16),
                a40 = Load(ref t, 4 * m), a41 = Load(ref t, 4 * m + 8), a42 = Load(ref t, 4 * m + 16),
                a50 = Load(ref t, 5 * m), a51 = Load(ref t, 5 * m + 8), a52 = Load(ref t, 5 * m + 16),
                a60 = Load(ref t, 6 * m), a61 = Load(ref t, 6 * m + 8), a62 = Load(ref t, 6 * m + 16),
                a70 = Load(ref t, 7 * m), a71 = Load(ref t, 7 * m + 8), a72 = Load(ref t, 7 * m + 16);
            ref double l1 = ref Unsafe.Add(ref l, n);
            ref double l2 = ref Unsafe.Add(ref l, 2 * n);
            ref double l3 = ref Unsafe.Add(ref l, 3 * n);
            ref double l4 = ref Unsafe.Add(ref l, 4 * n);
            ref double l5 = ref Unsafe.Add(ref l, 5 * n);
            ref double l6 = ref Unsafe.Add(ref l, 6 * n);
            ref double l7 = ref Unsafe.Add(ref l, 7 * n);
            for (int j = 0; j < count; j++)
            {
                ref double xj = ref Unsafe.Add(ref x, j * m);
                var x0 = Load(ref xj, 0);
                var x1 = Load(ref xj, 8);
                var x2 = Load(ref xj, 16);
                var c = Vector512.Create(Unsafe.Add(ref l, j));
                a00 = Kernels.MinusProduct(c, x0, a00); a01 = Kernels.MinusProduct(c, x1, a01); a02 = Kernels.MinusProduct(c, x2, a02);
                c = Vector512.Create(Unsafe.Add(ref l1, j));
                a10 = Kernels.MinusProduct(c, x0, a10); a11 = Kernels.MinusProduct(c, x1, a11); a12 = Kernels.MinusProduct(c, x2, a12);
                c = Vector512.Create(Unsafe.Add(ref l2, j));
                a20 = Kernels.MinusProduct(c, x0, a20); a21 = Kernels.MinusProduct(c, x1, a21); a22 = Kernels.MinusProduct(c, x2, a22);
                c = Vector512.Create(Unsafe.Add(ref l3, j));
                a30 = Kernels.MinusProduct(c, x0, a30); a31 = Kernels.MinusProduct(c, x1, a31); a32 = Kernels.MinusProduct(c, x2, a32);
                c = Vector512.Create(Unsafe.Add(ref l4, j));
                a40 = Kernels.MinusProduct(c, x0, a40); a41 = Kernels.MinusProduct(c, x1, a41); a42 = Kernels.MinusProduct(c, x2, a42);
                c = Vector512.Create(Unsafe.Add(ref l5, j));
                a50 = Kernels.MinusProduct(c, x0, a50); a51 = Kernels.MinusProduct(c, x1, a51); a52 = Kernels.MinusProduct(c, x2, a52);
                c = Vector512.Create(Unsafe.Add(ref l6, j));
                a60 = Kernels.MinusProduct(c, x0, a60); a61 = Kernels.MinusProduct(c, x1, a61); a62 = Kernels.MinusProduct(c, x2, a62);
                c = Vector512.Create(Unsafe.Add(ref l7, j));
                a70 = Kernels.MinusProduct(c, x0, a70); a71 = Kernels.MinusProduct(c, x1, a71); a72 = Kernels.MinusProduct(c, x2, a72);
            }
            Store(a00, ref t, 0); Store(a01, ref t, 8); Store(a02, ref t, 16);
            Store(a10, ref t, m); Store(a11, ref t, m + 8); Store(a12, ref t, m + 16);
            Store(a20, ref t, 2 * m); Store(a21, ref t, 2 * m + 8); Store(a22, ref t, 2 * m + 16);
            Store(a30, ref t, 3 * m); Store(a31, ref t, 3 * m + 8); Store(a32, ref t, 3 * m + 16);
            Store(a40, ref t, 4 * m); Store(a41, ref t, 4 * m + 8); Store(a42, ref t, 4 * m + 16);
            Store(a50, ref t, 5 * m); Store(a51, ref t, 5 * m + 8); Store(a52, ref t, 5 * m + 16);
            Store(a60, ref t, 6 * m); Store(a61, ref t, 6 * m + 8); Store(a62, ref t, 6 * m + 16);
            Store(a70, ref t, 7 * m); Store(a71, ref t, 7 * m + 8); Store(a72, ref t, 7 * m + 16);
        }

        /// <summary>Rows j &lt; count of the panel −= Σ_r L[count + r, j]·(row count + r of the panel); l points at L[count, 0].</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void UpperUpdate(ref double l, int n, ref double x, int m, int count)
        {
            ref double t = ref Unsafe.Add(ref x, count * m);
            Vector512<double> s00 = Load(ref t, 0), s01 = Load(ref t, 8), s02 = Load(ref t, 16),
                s10 = Load(ref t, m), s11 = Load(ref t, m + 8), s12 = Load(ref t, m + 16),
                s20 = Load(ref t, 2 * m), s21 = Load(ref t, 2 * m + 8), s22 = Load(ref t, 2 * m + 16),
                s30 = Load(ref t, 3 * m), s31 = Load(ref t, 3 * m + 8), s32 = Load(ref t, 3 * m + 16),
                s40 = Load(ref t, 4 * m), s41 = Load(ref t, 4 * m + 8), s42 = Load(ref t, 4 * m + 16),
                s50 = Load(ref t, 5 * m), s51 = Load(ref t, 5 * m + 8), s52 = Load(ref t, 5 * m + 16),
                s60 = Load(ref t, 6 * m), s61 = Load(ref t, 6 * m + 8), s62 = Load(ref t, 6 * m + 16),
                s70 = Load(ref t, 7 * m), s71 = Load(ref t, 7 * m + 8), s72 = Load(ref t, 7 * m + 16);
            ref double l1 = ref Unsafe.Add(ref l, n);
            ref double l2 = ref Unsafe.Add(ref l, 2 * n);
            ref double l3 = ref Unsafe.Add(ref l, 3 * n);
            ref double l4 = ref Unsafe.Add(ref l, 4 * n);
            ref double l5 = ref Unsafe.Add(ref l, 5 * n);
            ref double l6 = ref Unsafe.Add(ref l, 6 * n);
            ref double l7 = ref Unsafe.Add(ref l, 7 * n);
            for (int j = 0; j < count; j++)
            {
                ref double xj = ref Unsafe.Add(ref x, j * m);
                var a0 = Load(ref xj, 0);
                var a1 = Load(ref xj, 8);
                var a2 = Load(ref xj, 16);
                var c = Vector512.Create(Unsafe.Add(ref l, j));
                a0 = Kernels.MinusProduct(c, s00, a0); a1 = Kernels.MinusProduct(c, s01, a1); a2 = Kernels.MinusProduct(c, s02, a2);
                c = Vector512.Create(Unsafe.Add(ref l1, j));
                a0 = Kernels.MinusProduct(c, s10, a0); a1 = Kernels.MinusProduct(c, s11, a1); a2 = Kernels.MinusProduct(c, s12, a2);
                c = Vector512.Create(Unsafe.Add(ref l2, j));
                a0 = Kernels.MinusProduct(c, s20, a0); a1 = Kernels.MinusProduct(c, s21, a1); a2 = Kernels.MinusProduct(c, s22, a2);
                c = Vector512.Create(Unsafe.Add(ref l3, j));
                a0 = Kernels.MinusProduct(c, s30, a0); a1 = Kernels.MinusProduct(c, s31, a1); a2 = Kernels.MinusProduct(c, s32, a2);
                c = Vector512.Create(Unsafe.Add(ref l4, j));
                a0 = Kernels.MinusProduct(c, s40, a0); a1 = Kernels.MinusProduct(c, s41, a1); a2 = Kernels.MinusProduct(c, s42, a2);
                c = Vector512.Create(Unsafe.Add(ref l5, j));
                a0 = Kernels.MinusProduct(c, s50, a0); a1 = Kernels.MinusProduct(c, s51, a1); a2 = Kernels.MinusProduct(c, s52, a2);
                c = Vector512.Create(Unsafe.Add(ref l6, j));
                a0 = Kernels.MinusProduct(c, s60, a0); a1 = Kernels.MinusProduct(c, s61, a1); a2 = Kernels.MinusProduct(c, s62, a2);
                c = Vector512.Create(Unsafe.Add(ref l7, j));
                a0 = Kernels.MinusProduct(c, s70, a0); a1 = Kernels.MinusProduct(c, s71, a1); a2 = Kernels.MinusProduct(c, s72, a2);
                Store(a0, ref xj, 0); Store(a1, ref xj, 8); Store(a2, ref xj, 16);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<double> Load(ref double at, int offset) => Vector512.LoadUnsafe(ref at, (nuint)offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Store(Vector512<double> v, ref double at, int offset) => v.StoreUnsafe(ref at, (nuint)offset);
    }

    /// <summary>256-bit lanes (AVX2: 16 registers), 4 rows of L: 12 accumulators (or 12 held values), three loads and four broadcasts a row.</summary>
    private readonly struct Narrow : ITile
    {
        public static int Rows => 4;
        public static int Lanes => 4;

        /// <summary>As <see cref="Wide.LowerUpdate"/>, four rows.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void LowerUpdate(ref double l, int n, ref double x, int m, int count, ref double t)
        {
            Vector256<double> a00 = Load(ref t, 0), a01 = Load(ref t, 4), a02 = Load(ref t, 8),
                a10 = Load(ref t, m), a11 = Load(ref t, m + 4), a12 = Load(ref t, m + 8),
                a20 = Load(ref t, 2 * m), a21 = Load(ref t, 2 * m + 4), a22 = Load(ref t, 2 * m + 8),
                a30 = Load(ref t, 3 * m), a31 = Load(ref t, 3 * m + 4), a32 = Load(ref t, 3 * m + 8);
            ref double l1 = ref Unsafe.Add(ref l, n);
            ref double l2 = ref Unsafe.Add(ref l, 2 * n);
            ref double l3 = ref Unsafe.Add(ref l, 3 * n);
            for (int j = 0; j < count; j++)
            {
                ref double xj = ref Unsafe.Add(ref x, j * m);
                var x0 = Load(ref xj, 0);
                var x1 = Load(ref xj, 4);
                var x2 = Load(ref xj, 8);
                var c = Vector256.Create(Unsafe.Add(ref l, j));
                a00 = Kernels.MinusProduct(c, x0, a00); a01 = Kernels.MinusProduct(c, x1, a01); a02 = Kernels.MinusProduct(c, x2, a02);
                c = Vector256.Create(Unsafe.Add(ref l1, j));
                a10 = Kernels.MinusProduct(c, x0, a10); a11 = Kernels.MinusProduct(c, x1, a11); a12 = Kernels.MinusProduct(c, x2, a12);
                c = Vector256.Create(Unsafe.Add(ref l2, j));
                a20 = Kernels.MinusProduct(c, x0, a20); a21 = Kernels.MinusProduct(c, x1, a21); a22 = Kernels.MinusProduct(c, x2, a22);
                c = Vector256.Create(Unsafe.Add(ref l3, j));
                a30 = Kernels.MinusProduct(c, x0, a30); a31 = Kernels.MinusProduct(c, x1, a31); a32 = Kernels.MinusProduct(c, x2, a32);
            }
            Store(a00, ref t, 0); Store(a01, ref t, 4); Store(a02, ref t, 8);
            Store(a10, ref t, m); Store(a11, ref t, m + 4); Store(a12, ref t, m + 8);
            Store(a20, ref t, 2 * m); Store(a21, ref t, 2 * m + 4); Store(a22, ref t, 2 * m + 8);
            Store(a30, ref t, 3 * m); Store(a31, ref t, 3 * m + 4); Store(a32, ref t, 3 * m + 8);
        }

        /// <summary>As <see cref="Wide.UpperUpdate"/>, four rows.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void UpperUpdate(ref double l, int n, ref double x, int m, int count)
        {
            ref double t = ref Unsafe.Add(ref x, count * m);
            Vector256<double> s00 = Load(ref t, 0), s01 = Load(ref t, 4), s02 = Load(ref t, 8),
                s10 = Load(ref t, m), s11 = Load(ref t, m + 4), s12 = Load(ref t, m + 8),
                s20 = Load(ref t, 2 * m), s21 = Load(ref t, 2 * m + 4), s22 = Load(ref t, 2 * m + 8),
                s30 = Load(ref t, 3 * m), s31 = Load(ref t, 3 * m + 4), s32 = Load(ref t, 3 * m + 8);
            ref double l1 = ref Unsafe.Add(ref l, n);
            ref double l2 = ref Unsafe.Add(ref l, 2 * n);
            ref double l3 = ref Unsafe.Add(ref l, 3 * n);
            for (int j = 0; j < count; j++)
            {
                ref double xj = ref Unsafe.Add(ref x, j * m);
                var a0 = Load(ref xj, 0);
                var a1 = Load(ref xj, 4);
                var a2 = Load(ref xj, 8);
                var c = Vector256.Create(Unsafe.Add(ref l, j));
                a0 = Kernels.MinusProduct(c, s00, a0); a1 = Kernels.MinusProduct(c, s01, a1); a2 = Kernels.MinusProduct(c, s02, a2);
                c = Vector256.Create(Unsafe.Add(ref l1, j));
                a0 = Kernels.MinusProduct(c, s10, a0); a1 = Kernels.MinusProduct(c, s11, a1); a2 = Kernels.MinusProduct(c, s12, a2);
                c = Vector256.Create(Unsafe.Add(ref l2, j));
                a0 = Kernels.MinusProduct(c, s20, a0); a1 = Kernels.MinusProduct(c, s21, a1); a2 = Kernels.MinusProduct(c, s22, a2);
                c = Vector256.Create(Unsafe.Add(ref l3, j));
                a0 = Kernels.MinusProduct(c, s30, a0); a1 = Kernels.MinusProduct(c, s31, a1); a2 = Kernels.MinusProduct(c, s32, a2);
                Store(a0, ref xj, 0); Store(a1, ref xj, 4); Store(a2, ref xj, 8);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<double> Load(ref double at, int offset) => Vector256.LoadUnsafe(ref at, (nuint)offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Store(Vector256<double> v, ref double at, int offset) => v.StoreUnsafe(ref at, (nuint)offset);
    }
}
