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
/// above); or after <see cref="MaxIterations"/> trial steps. Gradient descent uses the stopping rules of
/// <see cref="GradientDescent"/>, the same ones as every other fit in Lsgd, and the same convergence test.</para>
/// </remarks>
public sealed record CurveFitOptions
{
    /// <summary>Levenberg–Marquardt (default) or gradient descent. <see cref="CurveFitMethod.Exact"/> is for linear models only.</summary>
    public CurveFitMethod Method { get; init; } = CurveFitMethod.LevenbergMarquardt;

    /// <summary>Levenberg–Marquardt: most trial steps (≥ 1), rejected ones included. Default 500; most fits need under 50.</summary>
    public int MaxIterations
    {
        get;
        init => field = Check.AtLeast(value, 1, nameof(MaxIterations), "Try 500.");
    } = 500;

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
