using System.Globalization;
using Lsgd.Data;
using Lsgd.Internals;
using Lsgd.LinearAlgebra;
using Lsgd.Solvers;

namespace Lsgd.Curves;

/// <summary>
/// Polynomial least squares in a well-conditioned basis, reported in monomial coefficients.
/// </summary>
/// <remarks>
/// <para>With t = (x − m)/h mapping [min x, max x] onto [−1, 1], the design [T₀(t) … T_N(t)] of Chebyshev
/// polynomials (T₀ = 1, T₁ = t, Tₖ₊₁ = 2tTₖ − Tₖ₋₁) has a condition number that grows slowly with N, while the
/// monomial design [1, x, …, xᴺ] is hopeless beyond a few degrees on most data. The Chebyshev coefficients a are
/// found by <see cref="ExactLeastSquares"/> (the column of ones is its intercept).</para>
/// <para>The monomial coefficients are c = M a, M the linear map composed of Chebyshev → powers of t and
/// t = αx + β → powers of x (α = 1/h, β = −m/h), and Cov(c) = M Cov(a) Mᵀ = σ̂² (M R⁻¹)(M R⁻¹)ᵀ, R from a QR
/// factorisation of the Chebyshev design.</para>
/// </remarks>
internal static class PolynomialFit
{
    public static CurveFit Solve(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int degree)
    {
        var model = new PolynomialCurve(degree);
        var problem = new CurveProblem(model, x, y);
        int n = problem.N, p = degree + 1;
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double v in problem.X)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        if (min == max)
            Throw.Data($"Every x is {Throw.Format(min)}, so no curve in x is determined. Check that the right column was chosen as x.");
        double mid = 0.5 * (min + max), half = 0.5 * (max - min);

        // Chebyshev design, row-major for the dataset (T1..TN) and column-major for the covariance (T0..TN).
        var features = new double[n * degree];
        var design = new double[n * p];
        for (int i = 0; i < n; i++)
        {
            double t = (problem.X[i] - mid) / half;
            double previous = 1, current = t;
            design[i] = 1;
            for (int k = 1; k <= degree; k++)
            {
                if (k > 1)
                    (previous, current) = (current, 2 * t * current - previous);
                features[i * degree + k - 1] = current;
                design[k * n + i] = current;
            }
        }
        var names = Enumerable.Range(1, degree).Select(k => $"T{k}").ToArray();
        var data = new Dataset(features, problem.Y, n, degree, 1, names, ["y"]);
        var solution = ExactLeastSquares.Solve(data, fitIntercept: true);
        var a = new double[p];
        a[0] = solution.Model.Intercept(0);
        var w = solution.Model.Coefficients(0);
        for (int k = 1; k <= degree; k++) a[k] = w[k - 1];

        var map = MonomialMap(degree, 1 / half, -mid / half);
        var c = new double[p];
        for (int i = 0; i < p; i++) c[i] = Accurate.Dot(map.AsSpan(i * p, p), a);

        double sse = solution.ResidualSumOfSquares[0];
        var covariance = Covariance(design, n, p, map, sse);
        string message = string.Format(CultureInfo.InvariantCulture,
            "QR with iterative refinement in Chebyshev polynomials of t = (x − {0:G6})/{1:G6}, mapped to monomial coefficients.",
            mid, half);
        return new CurveFit(model, CurveFitMethod.Exact, c, covariance, n, sse, problem.TotalSumOfSquares,
            solution.ConditionNumber, 0, null, message)
        {
            StablePredictor = v => Clenshaw(a, (v - mid) / half),
        };
    }

    /// <summary>Σₖ aₖ Tₖ(t) by Clenshaw's recurrence.</summary>
    internal static double Clenshaw(double[] a, double t)
    {
        double b1 = 0, b2 = 0;
        for (int k = a.Length - 1; k >= 1; k--)
            (b1, b2) = (2 * t * b1 - b2 + a[k], b1);
        return t * b1 - b2 + a[0];
    }

    /// <summary>M (row-major p × p): c = M a takes Chebyshev coefficients in t = αx + β to monomial coefficients in x.</summary>
    internal static double[] MonomialMap(int degree, double alpha, double beta)
    {
        int p = degree + 1;
        // cheb[k, j]: coefficient of tʲ in Tₖ(t).
        var cheb = new double[p * p];
        cheb[0] = 1;
        if (degree >= 1) cheb[1 * p + 1] = 1;
        for (int k = 2; k <= degree; k++)
            for (int j = 0; j <= k; j++)
                cheb[k * p + j] = (j > 0 ? 2 * cheb[(k - 1) * p + j - 1] : 0) - cheb[(k - 2) * p + j];
        // power[j, i]: coefficient of xⁱ in (αx + β)ʲ = C(j, i) αⁱ βʲ⁻ⁱ.
        var power = new double[p * p];
        for (int j = 0; j <= degree; j++)
        {
            double binomial = 1;
            for (int i = 0; i <= j; i++)
            {
                power[j * p + i] = binomial * Math.Pow(alpha, i) * Math.Pow(beta, j - i);
                binomial = binomial * (j - i) / (i + 1);
            }
        }
        var map = new double[p * p];
        var column = new double[p];
        for (int i = 0; i <= degree; i++)
            for (int k = 0; k <= degree; k++)
            {
                for (int j = 0; j <= degree; j++) column[j] = power[j * p + i];
                map[i * p + k] = Accurate.Dot(cheb.AsSpan(k * p, p), column);
            }
        return map;
    }

    /// <summary>σ̂² (M R⁻¹)(M R⁻¹)ᵀ with R from the QR of the Chebyshev design.</summary>
    private static double[] Covariance(double[] design, int n, int p, double[] map, double sse)
    {
        var qr = QrFactorization.Factor(design, n, p);
        double sigma2 = n > p ? sse / (n - p) : double.NaN;
        var b = new double[p * p]; // row-major: row i of M R⁻¹ solves Rᵀ z = (row i of M)ᵀ
        for (int i = 0; i < p; i++)
        {
            var row = b.AsSpan(i * p, p);
            map.AsSpan(i * p, p).CopyTo(row);
            qr.SolveRt(row);
        }
        var covariance = new double[p * p];
        for (int i = 0; i < p; i++)
            for (int j = 0; j <= i; j++)
                covariance[i * p + j] = covariance[j * p + i] = sigma2 * Accurate.Dot(b.AsSpan(i * p, p), b.AsSpan(j * p, p));
        return covariance;
    }
}

/// <summary>c₀ + c₁x + … + c_N xᴺ, with parameters named c0 … cN.</summary>
internal sealed class PolynomialCurve : ICurveModel
{
    public PolynomialCurve(int degree)
    {
        Degree = degree;
        ParameterNames = [.. Enumerable.Range(0, degree + 1).Select(k => $"c{k}")];
        Formula = string.Join(" + ", Enumerable.Range(0, degree + 1).Select(k => k switch
        {
            0 => "c0",
            1 => "c1*x",
            _ => $"c{k}*x^{k}",
        }));
    }

    public int Degree { get; }

    public string Formula { get; }

    public IReadOnlyList<string> ParameterNames { get; }

    public double Evaluate(double x, ReadOnlySpan<double> parameters)
    {
        double s = 0;
        for (int k = Degree; k >= 0; k--) s = s * x + parameters[k];
        return s;
    }

    public double Evaluate(double x, ReadOnlySpan<double> parameters, Span<double> gradient)
    {
        double power = 1;
        for (int k = 0; k <= Degree; k++)
        {
            gradient[k] = power;
            power *= x;
        }
        return Evaluate(x, parameters);
    }
}
