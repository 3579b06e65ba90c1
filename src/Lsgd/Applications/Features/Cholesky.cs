namespace Lsgd.Applications.Features;

/// <summary>Cholesky factorisation A = LLᵀ of a symmetric positive definite matrix, and solves with it.</summary>
internal sealed class Cholesky
{
    private readonly double[] _l;   // n × n row-major, lower triangle

    private Cholesky(double[] l, int n)
    {
        _l = l;
        Order = n;
    }

    public int Order { get; }

    /// <summary>Factorises <paramref name="a"/> (n × n row-major, lower triangle read; overwritten). Null when A is not positive definite.</summary>
    public static Cholesky? Factor(double[] a, int n)
    {
        for (int j = 0; j < n; j++)
        {
            var rowJ = a.AsSpan(j * n, j);
            double diagonal = a[j * n + j] - System.Numerics.Tensors.TensorPrimitives.SumOfSquares(rowJ);
            if (!(diagonal > 0)) return null;
            double ljj = Math.Sqrt(diagonal);
            a[j * n + j] = ljj;
            for (int i = j + 1; i < n; i++)
            {
                double s = a[i * n + j] - System.Numerics.Tensors.TensorPrimitives.Dot(a.AsSpan(i * n, j), rowJ);
                a[i * n + j] = s / ljj;
            }
        }
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) a[i * n + j] = 0;
        return new Cholesky(a, n);
    }

    /// <summary>Solves A x = b in place.</summary>
    public void Solve(Span<double> b)
    {
        int n = Order;
        for (int i = 0; i < n; i++)
        {
            double s = b[i];
            for (int j = 0; j < i; j++) s -= _l[i * n + j] * b[j];
            b[i] = s / _l[i * n + i];
        }
        for (int i = n - 1; i >= 0; i--)
        {
            double s = b[i];
            for (int j = i + 1; j < n; j++) s -= _l[j * n + i] * b[j];
            b[i] = s / _l[i * n + i];
        }
    }
}
