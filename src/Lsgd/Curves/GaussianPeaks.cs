using Lsgd.Internals;

namespace Lsgd.Curves;

/// <summary>
/// A sum of K Gaussian peaks, f(x) = Σₖ aₖ exp(−(x − mₖ)²/(2sₖ²)), with analytic derivatives; the parameters are
/// named a1, m1, s1, a2, m2, s2, … (height, centre and width of each peak).
/// </summary>
/// <remarks>
/// With zₖ = (x − mₖ)/sₖ and Eₖ = exp(−zₖ²/2): ∂f/∂aₖ = Eₖ, ∂f/∂mₖ = aₖEₖzₖ/sₖ, ∂f/∂sₖ = aₖEₖzₖ²/sₖ.
/// Each peak's area is aₖ|sₖ|√(2π): fitted to a density, that is the component's mixture weight
/// (<see cref="GaussianMixture"/>).
/// </remarks>
public sealed class GaussianPeaks : ICurveModel
{
    /// <summary>Creates the model with <paramref name="components"/> peaks (≥ 1).</summary>
    public GaussianPeaks(int components)
    {
        Check.AtLeast(components, 1, "components", "Use 1 for a single peak, 2 for a mixture of two.");
        Components = components;
        ParameterNames = [.. Enumerable.Range(1, components).SelectMany(k => new[] { $"a{k}", $"m{k}", $"s{k}" })];
        Formula = string.Join(" + ", Enumerable.Range(1, components).Select(k => $"a{k}*exp(-(x-m{k})^2/(2*s{k}^2))"));
    }

    /// <summary>K, the number of peaks.</summary>
    public int Components { get; }

    /// <inheritdoc />
    public string Formula { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> ParameterNames { get; }

    /// <inheritdoc />
    public double Evaluate(double x, ReadOnlySpan<double> parameters)
    {
        double sum = 0;
        for (int k = 0; k < Components; k++)
        {
            double a = parameters[3 * k], m = parameters[3 * k + 1], s = parameters[3 * k + 2];
            double z = (x - m) / s;
            sum += a * Math.Exp(-0.5 * z * z);
        }
        return sum;
    }

    /// <inheritdoc />
    public double Evaluate(double x, ReadOnlySpan<double> parameters, Span<double> gradient)
    {
        double sum = 0;
        for (int k = 0; k < Components; k++)
        {
            double a = parameters[3 * k], m = parameters[3 * k + 1], s = parameters[3 * k + 2];
            double z = (x - m) / s;
            double e = Math.Exp(-0.5 * z * z);
            gradient[3 * k] = e;
            gradient[3 * k + 1] = a * e * z / s;
            gradient[3 * k + 2] = a * e * z * z / s;
            sum += a * e;
        }
        return sum;
    }

    /// <summary>
    /// Starting values from the data, read as a density over x (negative y count as 0): the mass is cut at its
    /// 1/K, 2/K, … quantiles, and each slice gives a peak at its weighted mean, as wide as its weighted standard
    /// deviation (at least the typical spacing of x) and as high as its mass spread over that width.
    /// </summary>
    /// <param name="x">The points' x.</param>
    /// <param name="y">The points' y, as many as x.</param>
    /// <returns>(a1, m1, s1, …), the peaks ordered by centre.</returns>
    public double[] InitialValues(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length != y.Length)
            Throw.Length(nameof(y), y.Length, x.Length, "one y per x");
        int n = x.Length;
        if (n == 0)
            Throw.Data("There are no points to take starting values from.");
        var xs = x.ToArray();
        var ws = new double[n];
        for (int i = 0; i < n; i++) ws[i] = Math.Max(y[i], 0);
        Array.Sort(xs, ws);
        double range = xs[^1] - xs[0];
        double spacing = n > 1 ? range / (n - 1) : 1;
        if (!(spacing > 0)) spacing = 1;
        // Each point stands for the interval halfway to its neighbours.
        var mass = new double[n];
        for (int i = 0; i < n; i++)
        {
            double left = i > 0 ? 0.5 * (xs[i] - xs[i - 1]) : 0.5 * spacing;
            double right = i < n - 1 ? 0.5 * (xs[i + 1] - xs[i]) : 0.5 * spacing;
            mass[i] = ws[i] * (left + right);
        }
        double total = mass.Sum();
        if (!(total > 0))
        {
            for (int i = 0; i < n; i++) mass[i] = spacing;
            total = n * spacing;
        }

        var start = new double[3 * Components];
        double cumulative = 0;
        int next = 0;
        for (int k = 0; k < Components; k++)
        {
            double upper = (k + 1.0) / Components * total;
            double m0 = 0, m1 = 0, m2 = 0;
            // Points whose mass midpoint falls in this slice; the last slice takes the rest.
            while (next < n && (k == Components - 1 || cumulative + 0.5 * mass[next] < upper))
            {
                m0 += mass[next];
                m1 += mass[next] * xs[next];
                m2 += mass[next] * xs[next] * xs[next];
                cumulative += mass[next];
                next++;
            }
            double centre, width;
            if (m0 > 0)
            {
                centre = m1 / m0;
                width = Math.Sqrt(Math.Max(m2 / m0 - centre * centre, 0));
            }
            else
            {
                centre = xs[Math.Min(next, n - 1)];
                width = 0;
                m0 = total / Components;
            }
            width = Math.Max(width, spacing);
            start[3 * k] = m0 / (width * Math.Sqrt(2 * Math.PI));
            start[3 * k + 1] = centre;
            start[3 * k + 2] = width;
        }
        return start;
    }
}
