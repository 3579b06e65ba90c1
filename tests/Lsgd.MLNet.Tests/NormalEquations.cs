namespace Lsgd.MLNet.Tests;

/// <summary>
/// The exact weighted least-squares solution by the normal equations (XᵀWX)β = XᵀWy with an intercept column,
/// solved by Gaussian elimination with partial pivoting: a reference independent of Lsgd, for small well-scaled data.
/// </summary>
internal static class NormalEquations
{
    /// <summary>β: the d coefficients, then the intercept.</summary>
    public static double[] Solve(IReadOnlyList<double[]> x, IReadOnlyList<double> y, IReadOnlyList<double>? w = null)
    {
        int d = x[0].Length, p = d + 1;
        var a = new double[p, p + 1];
        for (int i = 0; i < x.Count; i++)
        {
            double wi = w?[i] ?? 1;
            var row = x[i].Append(1.0).ToArray();
            for (int r = 0; r < p; r++)
            {
                for (int c = 0; c < p; c++) a[r, c] += wi * row[r] * row[c];
                a[r, p] += wi * row[r] * y[i];
            }
        }
        for (int k = 0; k < p; k++)
        {
            int pivot = k;
            for (int r = k + 1; r < p; r++)
                if (Math.Abs(a[r, k]) > Math.Abs(a[pivot, k])) pivot = r;
            for (int c = 0; c <= p; c++) (a[k, c], a[pivot, c]) = (a[pivot, c], a[k, c]);
            for (int r = 0; r < p; r++)
            {
                if (r == k) continue;
                double f = a[r, k] / a[k, k];
                for (int c = k; c <= p; c++) a[r, c] -= f * a[k, c];
            }
        }
        return [.. Enumerable.Range(0, p).Select(k => a[k, p] / a[k, k])];
    }
}
