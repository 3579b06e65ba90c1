namespace Lsgd.Formulas;

/// <summary>
/// The orthogonal polynomials of R's <c>poly(x, degree)</c>: on the fitted x, column j (1..degree) is the monic
/// polynomial of degree j orthogonal to all lower degrees, divided by its norm, so the columns are orthonormal
/// and orthogonal to the constant. New x are evaluated by the three-term recurrence R's <c>predict.poly</c> uses:
/// p₀ = 1, p₁ = x − α₀, p_{j+1} = (x − α_j) p_j − (N_j / N_{j−1}) p_{j−1}, column j = p_j / √N_j.
/// </summary>
/// <param name="Alpha">α₀ … α_{degree−1}, R's <c>attr(, "coefs")$alpha</c>.</param>
/// <param name="Norm2">N₀ … N_degree (N_j = Σ p_j² on the fitted x); R's <c>coefs$norm2</c> without its leading 1.</param>
public sealed record OrthogonalPolynomial(IReadOnlyList<double> Alpha, IReadOnlyList<double> Norm2)
{
    /// <summary>The degree.</summary>
    public int Degree => Alpha.Count;

    /// <summary>
    /// The basis of <paramref name="degree"/> on <paramref name="x"/> (Stieltjes' procedure: α_j = Σ x p_j² / N_j
    /// computed with x centred, as R centres before its QR; R's columns are the same polynomials).
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than degree + 1 distinct values.</exception>
    public static OrthogonalPolynomial Fit(IReadOnlyList<double> x, int degree)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentOutOfRangeException.ThrowIfLessThan(degree, 1);
        int n = x.Count;
        if (x.Distinct().Count() <= degree)
            throw new ArgumentException($"A polynomial of degree {degree} needs at least {degree + 1} distinct values; there are {x.Distinct().Count()}.", nameof(x));
        double mean = x.Average();
        var alpha = new double[degree];
        var norm2 = new double[degree + 1];
        var previous = new double[n];
        var current = new double[n];
        Array.Fill(current, 1.0);
        norm2[0] = n;
        for (int j = 0; j < degree; j++)
        {
            double s = 0;
            for (int i = 0; i < n; i++) s += (x[i] - mean) * current[i] * current[i];
            alpha[j] = s / norm2[j] + mean;
            var next = new double[n];
            double ratio = j == 0 ? 0 : norm2[j] / norm2[j - 1];
            double nn = 0;
            for (int i = 0; i < n; i++)
            {
                next[i] = (x[i] - alpha[j]) * current[i] - ratio * previous[i];
                nn += next[i] * next[i];
            }
            norm2[j + 1] = nn;
            previous = current;
            current = next;
        }
        return new OrthogonalPolynomial(alpha, norm2);
    }

    /// <summary>Columns 1..degree at <paramref name="x"/> (one array per column).</summary>
    public double[][] Evaluate(IReadOnlyList<double> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        int n = x.Count, degree = Degree;
        var columns = new double[degree][];
        var previous = new double[n];
        var current = new double[n];
        Array.Fill(current, 1.0);
        for (int j = 0; j < degree; j++)
        {
            double ratio = j == 0 ? 0 : Norm2[j] / Norm2[j - 1];
            var next = new double[n];
            for (int i = 0; i < n; i++)
                next[i] = (x[i] - Alpha[j]) * current[i] - ratio * previous[i];
            previous = current;
            current = next;
            double scale = Math.Sqrt(Norm2[j + 1]);
            columns[j] = [.. next.Select(v => v / scale)];
        }
        return columns;
    }
}
