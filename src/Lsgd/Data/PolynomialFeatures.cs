using Lsgd.Internals;

namespace Lsgd.Data;

/// <summary>The polynomial basis x, x², …, xᴺ of a single input column.</summary>
public static class PolynomialFeatures
{
    /// <summary>Names of the expanded columns: <c>x</c>, <c>x^2</c>, …</summary>
    public static string[] Names(string source, int degree) =>
        [.. Enumerable.Range(1, degree).Select(p => p == 1 ? source : $"{source}^{p}")];

    /// <summary>Expands n values into an n × degree row-major matrix [x, x², …, xᴺ].</summary>
    public static double[] Expand(ReadOnlySpan<double> x, int degree)
    {
        Check.AtLeast(degree, 1, nameof(degree), "Use `Degree = 1` for a straight line, 2 for a parabola.");
        var result = new double[x.Length * degree];
        for (int i = 0; i < x.Length; i++)
        {
            double v = 1;
            for (int p = 0; p < degree; p++)
            {
                v *= x[i];
                result[i * degree + p] = v;
            }
        }
        return result;
    }
}
