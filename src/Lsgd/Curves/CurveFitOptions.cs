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
/// Levenberg–Marquardt stops when an accepted step lowers the sum of squares S by less than
/// <see cref="Tolerance"/>·S and the linear model predicted no more (MINPACK's rule), when every column of the
/// Jacobian is orthogonal to the residuals to within <see cref="GradientTolerance"/>, when no damping makes a
/// step that lowers S (rounding limit), or after <see cref="MaxIterations"/> trial steps. Gradient descent uses
/// the stopping rules of <see cref="GradientDescent"/>, the same ones as every other fit in Lsgd.
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
    /// Gradient descent: the trainer's settings. The default is plain gradient descent with Armijo backtracking
    /// (a fixed α cannot suit a non-linear model everywhere), at most 200 000 iterations, and the article's rule
    /// |ΔJ| &lt; 1e-12. Mini-batches are not available for curves.
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
        Tolerance = 1e-12,
        TraceIterations = 0,
    };
}
