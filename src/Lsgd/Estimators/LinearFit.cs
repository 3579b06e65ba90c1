using Lsgd.Data;
using Lsgd.Models;
using Lsgd.Solvers;
using Lsgd.Training;

namespace Lsgd.Estimators;

/// <summary>The outcome of <see cref="LinearRegressor.Fit(Data.Dataset, IProgress{Training.TrainingProgress}?, CancellationToken)"/>: the model, how it was found, and how good it is.</summary>
public sealed class LinearFit
{
    internal LinearFit(LinearModel model, LinearRegressorOptions options, SolverMethod method, string? methodChoice, GradientDescentResult? training,
        Standardizer? standardization, IReadOnlyList<OutputStatistics> statistics, ExactSolution? exact,
        Optimality? optimality, string? exactCheckSkipped, int rows)
    {
        Model = model;
        Options = options;
        Method = method;
        MethodChoice = methodChoice;
        Training = training;
        Standardization = standardization;
        Statistics = statistics;
        Exact = exact;
        Optimality = optimality;
        ExactCheckSkipped = exactCheckSkipped;
        Rows = rows;
    }

    /// <summary>The fitted model, coefficients in original units.</summary>
    public LinearModel Model { get; }

    /// <summary>The options the fit ran with.</summary>
    public LinearRegressorOptions Options { get; }

    /// <summary>The method used (never <see cref="SolverMethod.Auto"/>: the one auto chose).</summary>
    public SolverMethod Method { get; }

    /// <summary>For <see cref="SolverMethod.Auto"/>, which method it chose and why.</summary>
    public string? MethodChoice { get; }

    /// <summary>The engine that computed losses and gradients.</summary>
    public EngineKind Engine { get; internal init; } = EngineKind.Rows;

    /// <summary>n, the number of rows fitted.</summary>
    public int Rows { get; }

    /// <summary>The gradient-descent run (null for the exact method).</summary>
    public GradientDescentResult? Training { get; }

    /// <summary>The standardisation applied before gradient descent, if any.</summary>
    public Standardizer? Standardization { get; }

    /// <summary>Goodness of fit per output.</summary>
    public IReadOnlyList<OutputStatistics> Statistics { get; }

    /// <summary>The exact solution (with standard errors) when it was computed.</summary>
    public ExactSolution? Exact { get; }

    /// <summary>
    /// The statistician's report per output (adjusted R², t, p, 95 % intervals, F) for unregularised fits whose
    /// exact solution was computed, when the fit converged (or stopped within 1e-6 of that solution); null
    /// otherwise, since inference at estimates that are not the least-squares ones would mislead. Standard errors are those of the exact least-squares
    /// coefficients, shown at this fit's own estimates.
    /// </summary>
    public IReadOnlyList<OutputReport>? Report { get; internal init; }

    /// <summary>Distance of an iterative fit from the exact optimum, when the exact solution was computed.</summary>
    public Optimality? Optimality { get; }

    /// <summary>Why the exact comparison was not made, when it was not.</summary>
    public string? ExactCheckSkipped { get; }

    /// <summary>Why the fit stopped: <c>exact</c> for the exact solver, else the gradient-descent stop reason.</summary>
    public string StopReasonName => Training?.StopReason.ToSnakeCase() ?? "exact";

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
