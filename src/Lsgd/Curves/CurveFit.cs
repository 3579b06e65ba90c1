using Lsgd.Internals;
using Lsgd.Training;

namespace Lsgd.Curves;

/// <summary>
/// A fitted curve: the parameters, their standard errors, how the fit went and how well it fits.
/// </summary>
/// <remarks>
/// <para>Standard errors come from the Jacobian J at the solution, as for linear least squares:
/// Cov(θ) ≈ σ̂² (JᵀJ)⁻¹ with σ̂² = SSE/(n − p). They assume independent errors of equal variance and are exact
/// only for linear models; for non-linear ones they are the usual first-order (Wald) approximation. They are
/// <see cref="double.NaN"/> when n = p, or when the parameters cannot be told apart at the solution (JᵀJ singular).</para>
/// <para><see cref="RSquared"/> is always the centred 1 − SSE/Σ(y − ȳ)², for every kind of curve.</para>
/// </remarks>
public sealed class CurveFit
{
    private readonly double[] _parameters;
    private readonly double[] _covariance;

    internal CurveFit(ICurveModel model, CurveFitMethod method, double[] parameters, double[] covariance, int rows,
        double sse, double totalSumOfSquares, double conditionNumber, int iterations, StopReason? stopReason, string message)
    {
        Model = model;
        Method = method;
        _parameters = parameters;
        _covariance = covariance;
        Rows = rows;
        ResidualSumOfSquares = sse;
        RSquared = totalSumOfSquares > 0 ? 1 - sse / totalSumOfSquares : (sse == 0 ? 1 : double.NaN);
        ConditionNumber = conditionNumber;
        Iterations = iterations;
        StopReason = stopReason;
        Message = message;
        int p = parameters.Length;
        var se = new double[p];
        for (int j = 0; j < p; j++) se[j] = Math.Sqrt(covariance[j * p + j]);
        StandardErrors = se;
    }

    /// <summary>The model that was fitted; <see cref="Predict(double)"/> evaluates it at the fitted parameters.</summary>
    public ICurveModel Model { get; }

    /// <summary>How the fit was computed.</summary>
    public CurveFitMethod Method { get; }

    /// <summary>The parameter names, in the order of <see cref="Parameters"/>.</summary>
    public IReadOnlyList<string> ParameterNames => Model.ParameterNames;

    /// <summary>θ̂, the fitted parameters.</summary>
    public IReadOnlyList<double> Parameters => _parameters;

    /// <summary>SE(θ̂ⱼ) = √Cov(θ̂)ⱼⱼ (see the remarks).</summary>
    public IReadOnlyList<double> StandardErrors { get; }

    /// <summary>Cov(θ̂ᵢ, θ̂ⱼ) ≈ σ̂² [(JᵀJ)⁻¹]ᵢⱼ.</summary>
    public double Covariance(int i, int j) => _covariance[i * _parameters.Length + j];

    /// <summary>The fitted value of the parameter called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No parameter has that name.</exception>
    public double Parameter(string name) => _parameters[IndexOf(name)];

    /// <summary>The standard error of the parameter called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No parameter has that name.</exception>
    public double StandardError(string name) => StandardErrors[IndexOf(name)];

    /// <summary>
    /// The two-sided confidence interval θ̂ⱼ ± t(1 − (1 − level)/2, n − p)·SE(θ̂ⱼ) (exact for linear models with
    /// normal errors, approximate otherwise).
    /// </summary>
    /// <param name="index">The parameter's index.</param>
    /// <param name="level">Coverage in (0, 1), default 0.95.</param>
    public (double Lower, double Upper) ConfidenceInterval(int index, double level = 0.95)
    {
        if (!(level > 0 && level < 1))
            Throw.Option(nameof(level), level, "a number in (0, 1)", "Try 0.95.");
        double t = DegreesOfFreedom > 0 ? SpecialFunctions.StudentTQuantile(1 - (1 - level) / 2, DegreesOfFreedom) : double.NaN;
        double half = t * StandardErrors[index];
        return (_parameters[index] - half, _parameters[index] + half);
    }

    /// <summary>n, the number of points fitted.</summary>
    public int Rows { get; }

    /// <summary>n − p.</summary>
    public int DegreesOfFreedom => Rows - _parameters.Length;

    /// <summary>SSE = Σ (yᵢ − f(xᵢ; θ̂))².</summary>
    public double ResidualSumOfSquares { get; }

    /// <summary>σ̂ = √(SSE/(n − p)); NaN when n = p.</summary>
    public double ResidualStandardDeviation => DegreesOfFreedom > 0 ? Math.Sqrt(ResidualSumOfSquares / DegreesOfFreedom) : double.NaN;

    /// <summary>1 − SSE/Σ(y − ȳ)² (centred, whatever the model).</summary>
    public double RSquared { get; }

    /// <summary>
    /// Condition number of the Jacobian at the solution after scaling its columns to unit norm (of the
    /// well-conditioned basis for polynomials): large values (above about 1e8) mean some parameters are nearly
    /// interchangeable and their standard errors large.
    /// </summary>
    public double ConditionNumber { get; }

    /// <summary>Iterations made: trial steps for Levenberg–Marquardt, updates for gradient descent, 0 for exact fits.</summary>
    public int Iterations { get; }

    /// <summary>Why the iterations stopped; <c>null</c> for exact (non-iterative) fits.</summary>
    public StopReason? StopReason { get; }

    /// <summary>
    /// Whether the fit is at a stationary point of the sum of squares: <see cref="Stationarity"/> at most
    /// <see cref="CurveFitOptions.StationarityTolerance"/> (always true for exact fits). Never because a step stalled or
    /// the sum of squares stopped changing: a stall on a plateau is reported as not converged, and
    /// <see cref="Message"/> says why.
    /// </summary>
    public bool Converged { get; internal init; } = true;

    /// <summary>
    /// ‖P_J r‖²/‖r‖² at <see cref="Parameters"/>: the share of the sum of squares a full Gauss–Newton step would still
    /// remove (P_J the projection onto the Jacobian's columns) — a scale-free measure of the gradient Jᵀr in the metric
    /// of JᵀJ, and the relative objective gap of the linearised problem. 0 at a stationary point and for exact fits.
    /// </summary>
    public double Stationarity { get; internal init; }

    /// <summary>A sentence on how the fit ended, and what to do when something can be done.</summary>
    public string Message { get; }

    /// <summary>f(x; θ̂).</summary>
    /// <remarks>
    /// Polynomial fits evaluate their Chebyshev form (Clenshaw's recurrence) here, which stays accurate where the
    /// monomial coefficients cancel badly (high degrees, x far from 0); <c>Model.Evaluate(x, Parameters)</c> uses
    /// the monomials.
    /// </remarks>
    public double Predict(double x) => StablePredictor?.Invoke(x) ?? Model.Evaluate(x, _parameters);

    /// <summary>f(point; θ̂) for a model of several variables (<see cref="ICurveModel.VariableNames"/>, in that order).</summary>
    /// <param name="point">One value per variable.</param>
    /// <exception cref="ArgumentException">Not one value per variable.</exception>
    public double Predict(ReadOnlySpan<double> point)
    {
        int k = Model.VariableNames.Count;
        if (point.Length != k)
            Throw.Length(nameof(point), point.Length, k, "one value per variable: " + string.Join(", ", Model.VariableNames));
        if (k == 1) return Predict(point[0]);
        Span<double> value = stackalloc double[1];
        Model.Evaluate(point, _parameters, value, []);
        return value[0];
    }

    /// <summary>A better-conditioned way to evaluate the fitted curve than the reported parameters, when there is one.</summary>
    internal Func<double, double>? StablePredictor { get; init; }

    private int IndexOf(string name)
    {
        for (int j = 0; j < ParameterNames.Count; j++)
            if (ParameterNames[j] == name) return j;
        throw new ArgumentException($"The model has no parameter '{name}'; its parameters are {string.Join(", ", ParameterNames)}.", nameof(name));
    }
}
