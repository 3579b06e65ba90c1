using Lsgd.Internals;
using Lsgd.Training;

namespace Lsgd.Estimators;

/// <summary>How a linear least-squares model is solved.</summary>
public enum SolverMethod
{
    /// <summary>The gradient-descent family (the article's algorithm by default; see <see cref="Training.GradientDescentOptions.Optimizer"/>).</summary>
    GradientDescent,

    /// <summary>The exact solution by Householder QR with iterative refinement.</summary>
    Exact,

    /// <summary>Conjugate gradient on the normal equations (CGLS): exact in at most p steps in exact arithmetic.</summary>
    ConjugateGradient,

    /// <summary>
    /// Reaches the certified optimum by the cheapest sure way: the article's plain gradient descent when it is
    /// predicted (from the condition number of the standardised statistics) to get there within the iteration
    /// budget, else conjugate gradient; falls back to conjugate gradient, then the exact solver, when a run ends
    /// uncertified; the exact solver when no certificate can be made. Gradient descent with an L1 penalty.
    /// The |ΔJ| rule is off: the certificate decides when to stop. The CLI's default.
    /// </summary>
    Auto,
}

/// <summary>Which engine computes losses and gradients for the iterative methods.</summary>
public enum EngineKind
{
    /// <summary>Statistics for full-batch methods on large data (n ≥ 50 000 rows, d ≤ 2048), rows otherwise; for sources larger than memory, statistics or streaming.</summary>
    Auto,

    /// <summary>The rows in memory: one fused pass per evaluation (<see cref="Engines.InMemoryEngine"/>).</summary>
    Rows,

    /// <summary>XᵀX and Xᵀy from one pass, then O(d²) per step (<see cref="Engines.SufficientStatisticsEngine"/>); full batch only.</summary>
    Statistics,

    /// <summary>Rows streamed from the source on every pass (<see cref="Engines.StreamingEngine"/>); for sources only.</summary>
    Stream,
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

    /// <summary>Penalty on the weights (ridge, lasso, elastic net); applied to standardised weights when <see cref="Standardize"/> is on. Default none.</summary>
    public Models.Penalty Penalty { get; init => field = value ?? Models.Penalty.None; } = Models.Penalty.None;

    /// <summary>
    /// Fraction of rows (0 ≤ f &lt; 1, default 0) held out, chosen with the seed, to stop gradient descent early
    /// when their loss stops improving (after <see cref="Training.GradientDescentOptions.Patience"/> checks).
    /// </summary>
    public double ValidationFraction
    {
        get;
        init => field = value is >= 0 and < 1 ? value : throw new InvalidOptionException(nameof(ValidationFraction), value, "a number in [0, 1)", "Try 0.2, or 0 to use every row for training.");
    }

    /// <summary>Learning rate, optimizer, stopping rules, loss scaling and initial values for the gradient methods.</summary>
    public GradientDescentOptions GradientDescent { get; init => field = value ?? throw new ArgumentNullException(nameof(GradientDescent)); } = new();

    /// <summary>
    /// With an unpenalised iterative fit, also compute the exact solution of the training rows (QR of the rows in
    /// memory, Cholesky of the statistics otherwise) to give its standard errors, the report and the distance to it
    /// (default true). Whatever this says, every iterative fit is certified (<see cref="LinearFit.Converged"/>).
    /// </summary>
    public bool CompareWithExact { get; init; } = true;

    /// <summary>The engine for iterative methods (default <see cref="EngineKind.Auto"/>).</summary>
    public EngineKind Engine { get; init; } = EngineKind.Auto;

    /// <summary>Upper bound on threads for the passes over rows in memory (the statistics, the gradient passes, the goodness of fit; ≥ 1); <c>null</c> uses every core.</summary>
    public int? MaxThreads
    {
        get;
        init => field = value is { } v ? Check.AtLeast(v, 1, nameof(MaxThreads), "Use 1, or leave it unset to use every core.") : null;
    }

    /// <summary>
    /// The covariance behind the report's standard errors, tests, intervals and F (default
    /// <see cref="CovarianceType.NonRobust"/>). The robust sandwiches need the rows: for data in memory or
    /// streamed from a source (one more pass over the rows, counted in <see cref="LinearFit.DataPasses"/>); a fit of
    /// statistics alone with a robust type is refused.
    /// </summary>
    public CovarianceType Covariance { get; init => field = value ?? throw new ArgumentNullException(nameof(Covariance)); } = CovarianceType.NonRobust;

    /// <summary>
    /// Largest n·p² for which the exact solution of data in memory comes from QR of the rows (about 30 s at 10⁶ × 100
    /// here); above it, from the statistics (Cholesky), and auto does not trade conjugate gradient for a QR. Internal:
    /// tests lower it to reach the large-data branch on small data.
    /// </summary>
    internal double QrBudget { get; init; } = 4e9;
}
