using System.Globalization;
using System.Numerics.Tensors;
using Lsgd.Internals;
using Lsgd.LinearAlgebra;
using Lsgd.Solvers;

namespace Lsgd.Curves;

/// <summary>
/// The data and model of a least-squares curve fit: residuals rᵢ = yᵢ − f(xᵢ; θ), the Jacobian Jᵢⱼ = ∂f(xᵢ)/∂θⱼ
/// (column-major) and the statistics at a solution.
/// </summary>
internal sealed class CurveProblem
{
    private readonly double[] _values;

    public CurveProblem(ICurveModel model, ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        ArgumentNullException.ThrowIfNull(model);
        K = model.VariableNames.Count;
        if (x.Length != y.Length * K)
            Throw.Length("y", y.Length, x.Length / K, K == 1 ? "one y per x" : $"one y per point of {K} variables");
        Model = model;
        X = x.ToArray();
        Y = y.ToArray();
        N = y.Length;
        P = model.ParameterNames.Count;
        _values = new double[N];
        for (int i = 0; i < N; i++)
            if (!double.IsFinite(Y[i]) || !AllFinite(X.AsSpan(i * K, K)))
                Throw.Data($"Point {i + 1} is ({Point(i)}, {Throw.Format(Y[i])}): every x and y must be a finite number.");
        if (P == 0)
            Throw.Data($"The model {model.Formula} has no parameters, so there is nothing to fit. Name at least one parameter, e.g. a*x.");
        if (N < P)
            Throw.Data($"The data has {Throw.Plural(N, "point")} but the model has {Throw.Plural(P, "parameter")} ({string.Join(", ", model.ParameterNames)}): " +
                $"at least {P} points are needed. Add points or use a model with fewer parameters.");
        double mean = Accurate.Sum(Y) / N;
        double sst = 0;
        foreach (double v in Y) sst += (v - mean) * (v - mean);
        TotalSumOfSquares = sst;
    }

    public ICurveModel Model { get; }

    /// <summary>The points, n·k values row-major.</summary>
    public double[] X { get; }

    /// <summary>k, the number of variables.</summary>
    public int K { get; }
    public double[] Y { get; }
    public int N { get; }
    public int P { get; }

    /// <summary>Σ(y − ȳ)².</summary>
    public double TotalSumOfSquares { get; }

    /// <summary>Writes r = y − f(θ) and returns SSE = ‖r‖² (NaN or ∞ when the model is not finite somewhere).</summary>
    public double Residuals(ReadOnlySpan<double> theta, Span<double> r)
    {
        Model.Evaluate(X, theta, _values, []);
        TensorPrimitives.Subtract(Y, _values, r);
        return TensorPrimitives.Dot(r, r);
    }

    /// <summary>Writes r and the column-major n × p Jacobian of f; returns SSE.</summary>
    public double ResidualsAndJacobian(ReadOnlySpan<double> theta, Span<double> r, Span<double> jacobian)
    {
        Model.Evaluate(X, theta, _values, jacobian);
        TensorPrimitives.Subtract(Y, _values, r);
        return TensorPrimitives.Dot(r, r);
    }

    /// <summary>
    /// Evaluates r and J at the initial values, failing with a helpful message where the model or its
    /// derivatives are not finite; returns SSE.
    /// </summary>
    public double Start(ReadOnlySpan<double> theta, Span<double> r, Span<double> jacobian)
    {
        string Values(ReadOnlySpan<double> t)
        {
            var parts = new string[P];
            for (int j = 0; j < P; j++) parts[j] = $"{Model.ParameterNames[j]} = {Throw.Format(t[j])}";
            return string.Join(", ", parts);
        }
        for (int j = 0; j < P; j++)
            if (!double.IsFinite(theta[j]))
                Throw.Data($"The initial value of {Model.ParameterNames[j]} is {Throw.Format(theta[j])}: give every parameter a finite start.");
        double sse = ResidualsAndJacobian(theta, r, jacobian);
        for (int i = 0; i < N; i++)
            if (!double.IsFinite(_values[i]))
                Throw.Data($"The model {Model.Formula} is {Throw.Format(_values[i])} at {At(i)} (point {i + 1}) with the initial values {Values(theta)}. " +
                    "Choose initial values where it is finite (e.g. no log or sqrt of a negative number, no division by zero).");
        for (int j = 0; j < P; j++)
            for (int i = 0; i < N; i++)
                if (!double.IsFinite(jacobian[j * N + i]))
                    Throw.Data($"The derivative of {Model.Formula} by {Model.ParameterNames[j]} is {Throw.Format(jacobian[j * N + i])} at {At(i)} (point {i + 1}) " +
                        $"with the initial values {Values(theta)}. Choose initial values where the model is smooth (e.g. sqrt and abs away from 0).");
        return sse;
    }

    private static bool AllFinite(ReadOnlySpan<double> values)
    {
        foreach (double v in values)
            if (!double.IsFinite(v)) return false;
        return true;
    }

    /// <summary>Point i's variables as text: "x" or "x1, x2".</summary>
    private string Point(int i) => string.Join(", ", X.AsSpan(i * K, K).ToArray().Select(v => Throw.Format(v)));

    /// <summary>"x = 1.5" or "x1 = 1, x2 = 3".</summary>
    private string At(int i) => string.Join(", ", Model.VariableNames.Select((name, v) => $"{name} = {Throw.Format(X[i * K + v])}"));

    /// <summary>
    /// Cov(θ̂) = σ̂² (JᵀJ)⁻¹ from a QR factorisation of J with unit-norm columns (never forming JᵀJ), and the
    /// condition number of that scaled J. NaN entries when n = p or when J is (numerically) rank-deficient.
    /// </summary>
    public static (double[] Covariance, double ConditionNumber) Covariance(ReadOnlySpan<double> jacobian, int n, int p, double sse)
    {
        var covariance = new double[p * p];
        var a = jacobian[..(n * p)].ToArray();
        var scale = new double[p];
        for (int j = 0; j < p; j++)
        {
            var column = a.AsSpan(j * n, n);
            double norm = TensorPrimitives.Norm(column);
            if (!(norm > 0) || !double.IsFinite(norm))
            {
                covariance.AsSpan().Fill(double.NaN);
                return (covariance, double.PositiveInfinity);
            }
            TensorPrimitives.Divide(column, norm, column);
            scale[j] = norm;
        }
        var qr = QrFactorization.Factor(a, n, p);
        if (qr.DiagonalRatio(out _) < RankTolerance)
        {
            covariance.AsSpan().Fill(double.NaN);
            return (covariance, double.PositiveInfinity);
        }
        double condition = qr.ConditionNumber();
        double sigma2 = n > p ? sse / (n - p) : double.NaN;
        // (JᵀJ)⁻¹ = S⁻¹ R⁻¹ R⁻ᵀ S⁻¹.
        var rinv = qr.InverseR(); // row-major
        for (int i = 0; i < p; i++)
            for (int j = 0; j <= i; j++)
            {
                double s = TensorPrimitives.Dot(rinv.AsSpan(i * p, p), rinv.AsSpan(j * p, p));
                covariance[i * p + j] = covariance[j * p + i] = sigma2 * s / (scale[i] * scale[j]);
            }
        return (covariance, condition);
    }

    /// <summary>Diagonal ratio of R below which the scaled Jacobian is treated as rank-deficient (as in <see cref="ExactLeastSquares"/>).</summary>
    private const double RankTolerance = 1e-13;

    /// <summary>
    /// MINPACK's gtol measure maxⱼ |Jⱼᵀr| / (‖Jⱼ‖‖r‖): the largest cosine between the residuals and a column of the
    /// Jacobian (0 when SSE = 0). A zero column does not count; NaN derivatives give +∞.
    /// </summary>
    public static double MaxCosine(ReadOnlySpan<double> jacobian, ReadOnlySpan<double> r, int n, int p)
    {
        double rn = TensorPrimitives.Norm(r);
        if (rn == 0) return 0;
        double max = 0;
        for (int j = 0; j < p; j++)
        {
            var column = jacobian.Slice(j * n, n);
            double cn = TensorPrimitives.Norm(column);
            if (cn == 0) continue;
            max = Math.Max(max, Math.Abs(TensorPrimitives.Dot(column, r)) / (cn * rn));
        }
        return double.IsNaN(max) ? double.PositiveInfinity : max;
    }

    /// <summary>
    /// The stationarity measure of a curve fit: ‖P_J r‖² / ‖r‖², the share of the sum of squares that a full
    /// Gauss–Newton step would remove (P_J the projection onto the Jacobian's columns, by Householder QR of J with
    /// unit-norm columns). It is the relative objective gap of the linearised problem — exact for a linear model, a
    /// local estimate otherwise — and 0 exactly at a stationary point; it is at least the square of
    /// <see cref="MaxCosine"/>. 0 when the curve passes through the points to rounding; +∞ for non-finite derivatives.
    /// </summary>
    public double Stationarity(ReadOnlySpan<double> jacobian, ReadOnlySpan<double> r)
    {
        double rr = TensorPrimitives.Dot(r, r);
        if (!(rr > 1e-30 * TensorPrimitives.Dot(Y, Y))) return double.IsNaN(rr) ? double.PositiveInfinity : 0;
        var a = new double[N * P];
        int columns = 0;
        for (int j = 0; j < P; j++)
        {
            var column = jacobian.Slice(j * N, N);
            double norm = TensorPrimitives.Norm(column);
            if (!double.IsFinite(norm)) return double.PositiveInfinity;
            if (norm == 0) continue;
            TensorPrimitives.Divide(column, norm, a.AsSpan(columns * N, N));
            columns++;
        }
        if (columns == 0) return 0;
        var qr = QrFactorization.Factor(a, N, columns);
        var b = r.ToArray();
        qr.ApplyQt(b);
        double projected = TensorPrimitives.Dot(b.AsSpan(0, columns), b.AsSpan(0, columns));
        return Math.Min(1, projected / rr);
    }

    /// <summary>
    /// Builds the result at <paramref name="theta"/>: SSE, R², covariance, and the stationarity test that alone makes
    /// an iterative fit converged (<see cref="Stationarity"/> at most <paramref name="tolerance"/>).
    /// </summary>
    public CurveFit Finish(double[] theta, CurveFitMethod method, int iterations, Training.StopReason? reason, string message, double tolerance)
    {
        var r = new double[N];
        var jacobian = new double[N * P];
        double sse = ResidualsAndJacobian(theta, r, jacobian);
        double stationarity = Stationarity(jacobian, r);
        bool converged = reason is null || stationarity <= tolerance;
        if (reason is not null && !converged && reason is not (Training.StopReason.Cancelled or Training.StopReason.MaxIterations))
            message += string.Format(CultureInfo.InvariantCulture,
                " Not converged: this is not a stationary point (a Gauss–Newton step would still remove {0:G3} of the sum of squares, above the tolerance {1:G3}); " +
                "the fit stalled, e.g. on a plateau: {2}", stationarity, tolerance,
                method == CurveFitMethod.LevenbergMarquardt
                    ? "start elsewhere (nearer the values you expect), or fix a parameter the data cannot determine."
                    : "start elsewhere, or use Levenberg–Marquardt.");
        var (covariance, condition) = Covariance(jacobian, N, P, sse);
        if (double.IsPositiveInfinity(condition))
            message += " The parameters cannot all be determined at this solution (the Jacobian's columns are linearly dependent), so their standard errors are not available; " +
                "fix or remove a parameter, or start elsewhere.";
        return new CurveFit(Model, method, theta, covariance, N, sse, TotalSumOfSquares, condition, iterations, reason, message)
        {
            Stationarity = reason is null ? 0 : stationarity,
            Converged = converged,
        };
    }
}
