using Lsgd.Internals;
using Lsgd.Training;

namespace Lsgd.Curves;

/// <summary>How a curve is fitted.</summary>
public enum CurveFitMethod
{
    /// <summary>Levenberg–Marquardt: Gauss–Newton steps damped towards scaled gradient descent (the default for non-linear models).</summary>
    LevenbergMarquardt,

    /// <summary>Gradient descent on J(θ) = ½ Σ (yᵢ − f(xᵢ; θ))², by the library's trainer (Armijo line search by default).</summary>
    GradientDescent,

    /// <summary>Linear least squares solved exactly by QR (polynomials and user basis functions); not iterative.</summary>
    Exact,
}

/// <summary>Settings of a non-linear curve fit (<see cref="CurveFitter.Fit"/>). Immutable; each value is checked when set.</summary>
/// <remarks>
/// <para>A fit is converged only at a stationary point of the sum of squares S: when the share of S that a full
/// Gauss–Newton step would still remove (<see cref="CurveFit.Stationarity"/>, the relative objective gap of the
/// linearised problem) is at most <see cref="StationarityTolerance"/> at the final parameters — never because a step
/// stalled or S stopped changing.</para>
/// <para>Levenberg–Marquardt stops when the largest cosine between the residuals and a Jacobian column (MINPACK's gtol
/// test) is at most <see cref="GradientTolerance"/>; when an accepted step
/// lowers S by less than <see cref="Tolerance"/>·S and the linear model predicted no more (MINPACK's rule), but only
/// at a stationary point; when no damping makes a step that lowers S (rounding limit, converged or not by the test
/// above); when it stops making progress (the automatic budget, <see cref="MaxIterations"/> unset); or after
/// <see cref="MaxIterations"/> trial steps. A Levenberg–Marquardt fit that stalls away from a stationary point (a
/// plateau, where a parameter has wandered to where the model no longer depends on it) restarts once from each of a
/// few points (<see cref="RestartOnPlateau"/>) and keeps a restart only where it converges lower. Gradient descent uses the stopping rules of
/// <see cref="GradientDescent"/>, the same ones as every other fit in Lsgd, and the same convergence test.</para>
/// </remarks>
public sealed record CurveFitOptions
{
    /// <summary>Levenberg–Marquardt (default) or gradient descent. <see cref="CurveFitMethod.Exact"/> is for linear models only.</summary>
    public CurveFitMethod Method { get; init; } = CurveFitMethod.LevenbergMarquardt;

    /// <summary>
    /// Levenberg–Marquardt: most trial steps (≥ 1), rejected ones included. Default null: automatic — the fit goes on
    /// while it makes progress (S falls by at least <see cref="AutomaticBudgetProgress"/> of itself in every
    /// <see cref="AutomaticBudgetWindow"/> trial steps), up to <see cref="AutomaticBudgetCap"/>. Most fits need under
    /// 50 steps; some walk a long curved valley (NIST's MGH10 from its first start: about 7 700).
    /// </summary>
    public int? MaxIterations
    {
        get;
        init => field = value is { } v ? Check.AtLeast(v, 1, nameof(MaxIterations), "Try 500, or leave it unset for the automatic budget.") : null;
    }

    /// <summary>The automatic budget's window: trial steps over which S must fall by <see cref="AutomaticBudgetProgress"/> of itself.</summary>
    public const int AutomaticBudgetWindow = 200;

    /// <summary>The automatic budget's least relative progress of S per <see cref="AutomaticBudgetWindow"/> trial steps.</summary>
    public const double AutomaticBudgetProgress = 1e-6;

    /// <summary>The automatic budget's most trial steps, however steady the progress.</summary>
    public const int AutomaticBudgetCap = 100_000;

    /// <summary>
    /// Levenberg–Marquardt: when the fit stalls away from a stationary point, restart it with each parameter whose
    /// derivatives have faded (its Jacobian column below 1e-3 of its largest norm) put back where they were largest,
    /// then back at its start, keeping a restart only if it converges to a lower sum of squares (default true).
    /// </summary>
    public bool RestartOnPlateau { get; init; } = true;

    /// <summary>
    /// Levenberg–Marquardt: stop when a step lowers the sum of squares S by less than Tolerance·S, relative
    /// (≥ 0; 0 turns the rule off). Default 1e-12: a few more digits than MINPACK's √ε, at the cost of one or two steps.
    /// </summary>
    public double Tolerance
    {
        get;
        init => field = Check.NonNegative(value, nameof(Tolerance), "Try 1e-12.");
    } = 1e-12;

    /// <summary>
    /// Levenberg–Marquardt: stop when |cos| of the angle between the residuals and every Jacobian column is at most
    /// this (≥ 0; 0 turns the rule off): the scale-free form of ∇J = 0. Default 1e-10.
    /// </summary>
    public double GradientTolerance
    {
        get;
        init => field = Check.NonNegative(value, nameof(GradientTolerance), "Try 1e-10.");
    } = 1e-10;

    /// <summary>
    /// A fit is converged when a full Gauss–Newton step would remove at most this share of the sum of squares at the
    /// final parameters (≥ 0): the same relative-gap tolerance as linear fits certify. Default 1e-10. A plateau (NIST's
    /// BoxBOD from its first start, S 8× its minimum) stays near 0.4.
    /// </summary>
    public double StationarityTolerance
    {
        get;
        init => field = Check.NonNegative(value, nameof(StationarityTolerance), "Try 1e-10.");
    } = 1e-10;

    /// <summary>
    /// Gradient descent: the trainer's settings. The default is plain gradient descent with Armijo backtracking
    /// (a fixed α cannot suit a non-linear model everywhere), at most 200 000 iterations, stopping at a stationary
    /// point (<see cref="StationarityTolerance"/>, the trainer's certified stop); the article's rule |ΔJ| &lt; tolerance
    /// is off (0) by default and can be set, but a stop by it is converged only at a stationary point.
    /// Mini-batches are not available for curves.
    /// </summary>
    public GradientDescentOptions GradientDescent
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(GradientDescent));
    } = DefaultGradientDescent;

    /// <summary>
    /// Gradient descent: run on scaled parameters uⱼ = dⱼθⱼ, dⱼ the norm of the Jacobian's column j at the start,
    /// so every parameter moves at a comparable rate (default true). Levenberg–Marquardt always scales (Marquardt's D).
    /// </summary>
    public bool ScaleParameters { get; init; } = true;

    /// <summary>The gradient-descent settings used when none are given.</summary>
    public static GradientDescentOptions DefaultGradientDescent { get; } = new()
    {
        LineSearch = true,
        MaxIterations = 200_000,
        Tolerance = 0,
        TraceIterations = 0,
    };
}
