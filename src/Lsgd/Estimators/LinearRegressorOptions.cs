using Lsgd.Internals;
using Lsgd.Training;

namespace Lsgd.Estimators;

/// <summary>How a linear least-squares model is solved.</summary>
public enum SolverMethod
{
    /// <summary>Batch gradient descent, the article's algorithm.</summary>
    GradientDescent,

    /// <summary>The exact solution by Householder QR with iterative refinement.</summary>
    Exact,
}

/// <summary>Settings of <see cref="LinearRegressor"/>. Immutable; each value is checked when set.</summary>
public sealed record LinearRegressorOptions
{
    /// <summary>Gradient descent (default) or the exact solver.</summary>
    public SolverMethod Method { get; init; } = SolverMethod.GradientDescent;

    /// <summary>Fit an intercept b per output (default true).</summary>
    public bool FitIntercept { get; init; } = true;

    /// <summary>
    /// Run gradient descent on standardised features (x − μ)/σ and report coefficients in original units
    /// (default false, so the article's algorithm runs on the data as given). Strongly recommended when
    /// features have different scales: it can cut the iterations needed by orders of magnitude.
    /// </summary>
    public bool Standardize { get; init; }

    /// <summary>Learning rate, stopping rules, loss scaling and initial values for gradient descent.</summary>
    public GradientDescentOptions GradientDescent { get; init => field = value ?? throw new ArgumentNullException(nameof(GradientDescent)); } = new();

    /// <summary>
    /// After an iterative fit, also compute the exact solution and report how far from it the fit stopped
    /// (default true). Skipped when the problem has more than <see cref="MaxParametersForExactCheck"/> parameters.
    /// </summary>
    public bool CompareWithExact { get; init; } = true;

    /// <summary>Largest parameter count for which the exact comparison is computed (≥ 1). Default 2000.</summary>
    public int MaxParametersForExactCheck
    {
        get;
        init => field = Check.AtLeast(value, 1, nameof(MaxParametersForExactCheck), "Try 2000.");
    } = 2000;

    /// <summary>Upper bound on threads for the gradient passes (≥ 1); <c>null</c> uses every core.</summary>
    public int? MaxThreads
    {
        get;
        init => field = value is { } v ? Check.AtLeast(v, 1, nameof(MaxThreads), "Use 1, or leave it unset to use every core.") : null;
    }
}
