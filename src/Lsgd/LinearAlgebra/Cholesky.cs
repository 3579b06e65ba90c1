using System.Numerics.Tensors;

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
    public static bool TryFactor(double[] a, int n, double minimumPivot, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Cholesky? factor, out int failedColumn)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.Length != (long)n * n)
            throw new ArgumentException($"The matrix has {a.Length} values but {n} × {n} were expected.", nameof(a));
        factor = null;
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
            for (int i = j + 1; i < n; i++)
                a[i * n + j] = (a[i * n + j] - TensorPrimitives.Dot(a.AsSpan(i * n, j), rowJ)) / ljj;
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

    /// <summary>Solves Lᵀ z = b in place.</summary>
    public void SolveUpper(Span<double> b)
    {
        int n = Order;
        for (int i = n - 1; i >= 0; i--)
        {
            double v = b[i];
            for (int m = i + 1; m < n; m++) v -= _l[m * n + i] * b[m];
            b[i] = v / _l[i * n + i];
        }
    }

    /// <summary>x ← L x.</summary>
    public void MultiplyLower(Span<double> x)
    {
        int n = Order;
        for (int i = n - 1; i >= 0; i--)
            x[i] = TensorPrimitives.Dot(_l.AsSpan(i * n, i + 1), x[..(i + 1)]);
    }

    /// <summary>x ← Lᵀ x.</summary>
    public void MultiplyUpper(Span<double> x)
    {
        int n = Order;
        for (int i = 0; i < n; i++)
        {
            double v = 0;
            for (int m = i; m < n; m++) v += _l[m * n + i] * x[m];
            x[i] = v;
        }
    }

    /// <summary>
    /// √(λmax/λmin) of A = LLᵀ: the 2-norm condition number of any F with FᵀF = A (for normal equations, of
    /// the design itself), by power iteration (see <see cref="ConditionEstimate.FromGram"/>).
    /// </summary>
    public double ConditionNumber(int iterations = ConditionEstimate.DefaultIterations) =>
        ConditionEstimate.FromGram(Order,
            w => { MultiplyUpper(w); MultiplyLower(w); },
            w => { SolveLower(w); SolveUpper(w); },
            iterations);
}
