using Lsgd.Data;
using Lsgd.Models;
using Lsgd.Solvers;
using Lsgd.Training;

namespace Lsgd.Estimators;

/// <summary>
/// The outcome of <see cref="LinearRegressor"/>'s fits: the model, how it was found, and how good it is. Built by
/// the fit pipeline with named members (an object initialiser), never by position.
/// </summary>
public sealed class LinearFit
{
    internal LinearFit() { }

    /// <summary>The fitted model, coefficients in original units.</summary>
    public required LinearModel Model { get; init; }

    /// <summary>The options the fit ran with.</summary>
    public required LinearRegressorOptions Options { get; init; }

    /// <summary>The method whose parameters are reported (never <see cref="SolverMethod.Auto"/>: the one auto chose, or fell back to).</summary>
    public required SolverMethod Method { get; init; }

    /// <summary>For <see cref="SolverMethod.Auto"/>, which method it chose and why (and any fallback).</summary>
    public string? MethodChoice { get; init; }

    /// <summary>The engine that computed losses and gradients.</summary>
    public EngineKind Engine { get; init; } = EngineKind.Rows;

    /// <summary>n, the number of rows fitted.</summary>
    public required int Rows { get; init; }

    /// <summary>The iterative run (null for the exact method).</summary>
    public GradientDescentResult? Training { get; init; }

    /// <summary>
    /// Passes over the rows of X the whole fit made: building the statistics, the exact solution's reads, the
    /// standardisation, every objective evaluation of the run (and of auto's checks), the final certified gap and the
    /// goodness-of-fit pass. Fractions are mini-batch epochs and validation rows. docs/ENGINES.md gives the count per method.
    /// </summary>
    public double DataPasses { get; init; }

    /// <summary>The standardisation applied before the iterative method, if any.</summary>
    public Standardizer? Standardization { get; init; }

    /// <summary>Goodness of fit per output.</summary>
    public required IReadOnlyList<OutputStatistics> Statistics { get; init; }

    /// <summary>The exact (unpenalised) least-squares solution with standard errors, when it was computed.</summary>
    public ExactSolution? Exact { get; init; }

    /// <summary>
    /// The statistician's report per output (adjusted R², t, p, 95 % intervals, F): only for unpenalised fits at
    /// certified estimates (<see cref="Converged"/>), whose exact solution was computed; null otherwise, since
    /// inference at estimates that are not the least-squares ones would mislead. Standard errors are those of the
    /// exact least-squares coefficients, shown at this fit's own estimates.
    /// </summary>
    public IReadOnlyList<OutputReport>? Report { get; init; }

    /// <summary>The certified gap to the optimum (and, when the exact solution is known, the distance to it); null for the exact method.</summary>
    public Optimality? Optimality { get; init; }

    /// <summary>Why the exact solution was not computed or no certificate could be made, when that happened.</summary>
    public string? ExactCheckSkipped { get; init; }

    /// <summary>
    /// Whether the reported parameters are the optimum: the exact method by construction; an iterative one only
    /// when its certified relative objective gap is at most
    /// <see cref="GradientDescentOptions.RelativeGapTolerance"/>, whatever rule stopped it.
    /// </summary>
    public bool Converged => Training is null || Optimality is { Certified: true };

    /// <summary>Why the fit stopped: <c>exact</c> for the exact solver, else the iterative method's stop reason.</summary>
    public string StopReasonName => Training?.StopReason.ToSnakeCase() ?? "exact";

    /// <summary>A sentence on why the fit is not converged (null when it is).</summary>
    public string? NotConvergedReason => Converged ? null
        : Optimality is not { } o
            ? $"no optimality certificate could be made ({ExactCheckSkipped ?? "unknown reason"}; stopped: {StopReasonName})"
            : double.IsFinite(o.RelativeObjectiveGap)
                ? string.Format(System.Globalization.CultureInfo.InvariantCulture,
                    "the certified relative objective gap is {0:G3}, above the tolerance {1:G3} (stopped: {2})",
                    o.RelativeObjectiveGap, o.Tolerance, StopReasonName)
                : $"the run stopped ({StopReasonName}) where no finite gap can be certified";

    /// <summary>J at the fitted parameters under the fit's loss scaling, on all rows, without any penalty (comparable across methods).</summary>
    public double Loss
    {
        get
        {
            double sse = Statistics.Sum(s => s.SumOfSquaredResiduals);
            return Options.GradientDescent.LossScaling == LossScaling.Mean ? 0.5 * sse / Rows : 0.5 * sse;
        }
    }
}
