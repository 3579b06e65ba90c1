using System.Numerics.Tensors;
using Lsgd.Internals;

namespace Lsgd.LinearAlgebra;

/// <summary>
/// Cholesky factorisation A = LLᵀ of a symmetric positive definite n × n matrix, and what is done with the
/// factor: solves with A, L and Lᵀ, products with L and Lᵀ, and the condition number. The one Cholesky of the
/// library (normal equations of sufficient statistics, kernel ridge).
/// </summary>
internal sealed class Cholesky
{
    private readonly double[] _l;   // n × n row-major, lower triangle (the upper triangle is zeroed)

    private Cholesky(double[] l, int n)
    {
        _l = l;
        Order = n;
    }

    /// <summary>n.</summary>
    public int Order { get; }

    /// <summary>Lᵢⱼ (j ≤ i).</summary>
    public double L(int i, int j) => _l[i * Order + j];

    /// <summary>
    /// Factorises <paramref name="a"/> (n × n row-major; the lower triangle is read; overwritten by L). Null
    /// when a pivot is not above <paramref name="minimumPivot"/> (A is not, or not numerically, positive definite).
    /// </summary>
    public static Cholesky? Factor(double[] a, int n, double minimumPivot = 0) =>
        TryFactor(a, n, minimumPivot, out var factor, out _) ? factor : null;

    /// <summary>
    /// As <see cref="Factor"/>, also saying which column's pivot failed (<paramref name="failedColumn"/>, −1 on
    /// success): that column is (close to) a combination of the columns before it.
    /// </summary>
    public static bool TryFactor(double[] a, int n, double minimumPivot, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Cholesky? factor, out int failedColumn) =>
        TryFactor(a, n, minimumPivot, MultiVectorKernels.DefaultBits, out factor, out failedColumn);

    /// <summary>Order from which the factorisation is blocked by panels (<see cref="TriangularPanels.Factor"/>) where vectors are accelerated.</summary>
    internal const int PanelOrder = 64;

    /// <summary>
    /// As <see cref="TryFactor(double[], int, double, out Cholesky?, out int)"/> on <paramref name="bits"/>-bit lanes (512, 256 or 0, for
    /// tests): from order <see cref="PanelOrder"/> on with vectors, by panels and the register tile; else column by column.
    /// </summary>
    internal static bool TryFactor(double[] a, int n, double minimumPivot, int bits, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Cholesky? factor, out int failedColumn)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.Length != (long)n * n)
            throw new ArgumentException($"The matrix has {a.Length} values but {n} × {n} were expected.", nameof(a));
        factor = null;
        if (bits >= 256 && n >= PanelOrder)
        {
            if (!TriangularPanels.Factor(a, n, minimumPivot, bits, out failedColumn))
                return false;
            for (int i = 0; i < n; i++)
                a.AsSpan(i * n + i + 1, n - i - 1).Clear();
            factor = new Cholesky(a, n);
            return true;
        }
        // Left-looking, column by column: Lᵢⱼ = (aᵢⱼ − Lᵢ,..ⱼ·Lⱼ,..ⱼ)/Lⱼⱼ for every i below j, four rows of the
        // column against row j's prefix at once (that prefix stays in L1 while the rows below stream past).
        var sums = n > 1 ? new double[n - 1] : [];
        for (int j = 0; j < n; j++)
        {
            var rowJ = a.AsSpan(j * n, j);
            double pivot = a[j * n + j] - TensorPrimitives.SumOfSquares(rowJ);
            if (!(pivot > minimumPivot))
            {
                failedColumn = j;
                return false;
            }
            double ljj = Math.Sqrt(pivot);
            a[j * n + j] = ljj;
            int below = n - j - 1;
            if (below == 0) continue;
            MultiVectorKernels.Dots(rowJ, a.AsSpan((j + 1) * n), n, below, sums);
            for (int i = j + 1; i < n; i++)
                a[i * n + j] = (a[i * n + j] - sums[i - j - 1]) / ljj;
        }
        for (int i = 0; i < n; i++)
            a.AsSpan(i * n + i + 1, n - i - 1).Clear();
        failedColumn = -1;
        factor = new Cholesky(a, n);
        return true;
    }

    /// <summary>Solves A x = b in place.</summary>
    public void Solve(Span<double> b)
    {
        SolveLower(b);
        SolveUpper(b);
    }

    /// <summary>Solves L z = b in place.</summary>
    public void SolveLower(Span<double> b)
    {
        int n = Order;
        for (int i = 0; i < n; i++)
            b[i] = (b[i] - TensorPrimitives.Dot(_l.AsSpan(i * n, i), b[..i])) / _l[i * n + i];
    }

    /// <summary>Solves Lᵀ z = b in place (by rows of L: after zᵢ, zᵢ·Lᵢ,..ᵢ leaves the entries before it, contiguous reads).</summary>
    public void SolveUpper(Span<double> b)
    {
        int n = Order;
        if (b.Length < n) Throw.Length(nameof(b), b.Length, n, "one value per row of the factor");
        for (int i = n - 1; i >= 0; i--)
        {
            double zi = b[i] /= _l[i * n + i];
            if (zi != 0) TensorPrimitives.MultiplyAdd(_l.AsSpan(i * n, i), -zi, b[..i], b[..i]);
        }
    }

    /// <summary>
    /// Solves A xₖ = bₖ in place for <paramref name="count"/> right-hand sides, bₖ the n values from k·<paramref name="stride"/>:
    /// each row of L is read once for all of them. The same solves as <see cref="Solve(Span{double})"/> one by one, to rounding.
    /// </summary>
    public void Solve(Span<double> b, int count, int stride) => Solve(b, count, stride, MultiVectorKernels.DefaultBits);

    /// <summary>
    /// As <see cref="Solve(Span{double}, int, int)"/> on <paramref name="bits"/>-bit lanes (512, 256 or 0, for tests): from
    /// <see cref="TriangularPanels.MinimumCount"/> right-hand sides on, blocked (<see cref="TriangularPanels"/>), else row by row.
    /// </summary>
    internal void Solve(Span<double> b, int count, int stride, int bits)
    {
        CheckBlock(b, count, stride);
        if (count >= TriangularPanels.MinimumCount(bits) && Order >= 16)
        {
            TriangularPanels.Solve(_l, Order, b, count, stride, bits);
            return;
        }
        SolveLower(b, count, stride);
        SolveUpper(b, count, stride);
    }

    /// <summary>Solves L zₖ = bₖ in place for <paramref name="count"/> right-hand sides at <paramref name="stride"/> (see <see cref="Solve(Span{double}, int, int)"/>).</summary>
    public void SolveLower(Span<double> b, int count, int stride)
    {
        int n = Order;
        CheckBlock(b, count, stride);
        if (count == 0) return;
        Span<double> sums = count <= 64 ? stackalloc double[count] : new double[count];
        for (int i = 0; i < n; i++)
        {
            MultiVectorKernels.Dots(_l.AsSpan(i * n, i), b, stride, count, sums);
            double lii = _l[i * n + i];
            for (int k = 0; k < count; k++)
                b[k * stride + i] = (b[k * stride + i] - sums[k]) / lii;
        }
    }

    /// <summary>Solves Lᵀ zₖ = bₖ in place for <paramref name="count"/> right-hand sides at <paramref name="stride"/> (see <see cref="Solve(Span{double}, int, int)"/>).</summary>
    public void SolveUpper(Span<double> b, int count, int stride)
    {
        int n = Order;
        CheckBlock(b, count, stride);
        if (count == 0) return;
        Span<double> z = count <= 64 ? stackalloc double[count] : new double[count];
        for (int i = n - 1; i >= 0; i--)
        {
            double lii = _l[i * n + i];
            for (int k = 0; k < count; k++)
                z[k] = b[k * stride + i] /= lii;
            MultiVectorKernels.SubtractScaled(_l.AsSpan(i * n, i), z, b, stride, count);
        }
    }

    private void CheckBlock(Span<double> b, int count, int stride)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > 0 && stride < Order) throw new ArgumentOutOfRangeException(nameof(stride), stride, $"The stride must be at least the order {Order}.");
        if (count > 0 && b.Length < (long)(count - 1) * stride + Order) Throw.Length(nameof(b), b.Length, (long)(count - 1) * stride + Order, "count right-hand sides at the stride");
    }

    /// <summary>
    /// A⁻¹ = L⁻ᵀL⁻¹, n × n row-major (symmetric, both triangles). Column j of L⁻¹ is L⁻¹eⱼ, zero above j; the
    /// columns are found eight at a time by forward substitution from the first of them (each row of L read once
    /// for the eight), then [A⁻¹]ᵢⱼ = (L⁻¹eᵢ)·(L⁻¹eⱼ) over the entries from max(i, j), again a row against eight.
    /// About n³/3 multiply-adds, against n³ for n solves with A.
    /// </summary>
    public double[] Inverse() => Inverse(MultiVectorKernels.DefaultBits);

    /// <summary>
    /// As <see cref="Inverse()"/> on <paramref name="bits"/>-bit lanes (512, 256 or 0, for tests): from order 16 on with
    /// vectors, by the register tile of <see cref="TriangularPanels.Inverse"/> (on every core from order ≈ 310); else eight columns at a time by rows.
    /// </summary>
    internal double[] Inverse(int bits) =>
        bits >= 256 && Order >= 16 ? TriangularPanels.Inverse(_l, Order, bits, (double)Order * Order * Order >= ParallelInverseWork ? Environment.ProcessorCount : 1) : InverseByRows();

    /// <summary>n³ from which the inverse's column groups are shared among the cores (about 10⁷ multiply-adds: a few milliseconds on one).</summary>
    private const double ParallelInverseWork = 3e7;

    /// <summary>The inverse eight columns of L⁻¹ at a time, row against row (see <see cref="Inverse()"/>).</summary>
    internal double[] InverseByRows()
    {
        int n = Order;
        // Row j of u holds column j of L⁻¹ (zero before j).
        var u = new double[(long)n * n];
        const int block = 8;
        Span<double> sums = stackalloc double[block];
        for (int j0 = 0; j0 < n; j0 += block)
        {
            int count = Math.Min(block, n - j0);
            for (int c = 0; c < count; c++) u[(j0 + c) * n + j0 + c] = 1;
            for (int i = j0; i < n; i++)
            {
                // Σ over m in [j0, i) of Lᵢₘ·uₖ[m] for the block's columns (entries before each column's own index are zero).
                MultiVectorKernels.Dots(_l.AsSpan(i * n + j0, i - j0), u.AsSpan(j0 * n + j0), n, count, sums);
                double lii = _l[i * n + i];
                for (int c = 0; c < count; c++)
                {
                    ref double x = ref u[(j0 + c) * n + i];
                    x = (x - sums[c]) / lii;
                }
            }
        }
        var inverse = new double[(long)n * n];
        for (int j0 = 0; j0 < n; j0 += block)
        {
            int count = Math.Min(block, n - j0);
            for (int i = j0; i < n; i++)
            {
                // [A⁻¹]ᵢⱼ for the block's j ≤ … : uᵢ is zero before i, so the sum runs from i.
                MultiVectorKernels.Dots(u.AsSpan(i * n + i, n - i), u.AsSpan(j0 * n + i), n, count, sums);
                for (int c = 0; c < count; c++)
                {
                    int j = j0 + c;
                    if (j > i) break;
                    inverse[i * n + j] = inverse[j * n + i] = sums[c];
                }
            }
        }
        return inverse;
    }

    /// <summary>x ← L x.</summary>
    public void MultiplyLower(Span<double> x)
    {
        int n = Order;
        for (int i = n - 1; i >= 0; i--)
            x[i] = TensorPrimitives.Dot(_l.AsSpan(i * n, i + 1), x[..(i + 1)]);
    }

    /// <summary>x ← Lᵀ x (by rows of L, as <see cref="SolveUpper(Span{double})"/>).</summary>
    public void MultiplyUpper(Span<double> x)
    {
        int n = Order;
        if (x.Length < n) Throw.Length(nameof(x), x.Length, n, "one value per row of the factor");
        // (Lᵀx)ᵢ = Σ_{m ≥ i} Lₘᵢ xₘ: row m of L adds xₘ·Lₘ,..ₘ to the entries before m, whose own xᵢ are used up.
        for (int m = 0; m < n; m++)
        {
            double xm = x[m];
            if (xm != 0) TensorPrimitives.MultiplyAdd(_l.AsSpan(m * n, m), xm, x[..m], x[..m]);
            x[m] = _l[m * n + m] * xm;
        }
    }

    /// <summary>
    /// √(λmax/λmin) of A = LLᵀ: the 2-norm condition number of any F with FᵀF = A (for normal equations, of
    /// the design itself), by the Lanczos method (see <see cref="ConditionEstimate.FromGram"/>); <paramref name="iterations"/> steps at most for each end.
    /// </summary>
    public double ConditionNumber(int iterations = ConditionEstimate.DefaultIterations) =>
        ConditionEstimate.FromGram(Order,
            w => { MultiplyUpper(w); MultiplyLower(w); },
            w => { SolveLower(w); SolveUpper(w); },
            iterations);
}
