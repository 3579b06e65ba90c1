using System.Globalization;
using Lsgd.Engines;
using Lsgd.Models;
using Lsgd.Optimizers;

namespace Lsgd.Training;

/// <summary>
/// The base step size α of a run: how it was chosen (given, 1/L, or a multiple of the residual scale for adaptive
/// optimizers), and its halving when a diverging step is rolled back under <see cref="DivergencePolicy.Recover"/>.
/// </summary>
internal sealed class StepSize
{
    private StepSize(double alpha, string source, DivergencePolicy policy)
    {
        Alpha = alpha;
        Source = source;
        Policy = policy;
    }

    /// <summary>The current base α (after any halving).</summary>
    public double Alpha { get; set; }

    /// <summary>How α was chosen, for people.</summary>
    public string Source { get; }

    /// <summary>Stop or recover on divergence.</summary>
    public DivergencePolicy Policy { get; }

    /// <summary>Times a step was rolled back and α halved.</summary>
    public int Recoveries { get; private set; }

    /// <summary>A sentence on the last recovery, or null when there was none.</summary>
    public string? RecoveryNote { get; private set; }

    /// <summary>Whether α may still be halved (at most 60 times: 2⁻⁶⁰ ≈ 1e-18).</summary>
    public bool CanRecover => Policy == DivergencePolicy.Recover && Recoveries < 60;

    /// <summary>
    /// Picks α: the given one; or, when none is given, the optimizer's adaptive default (a multiple of the
    /// root-mean-square residual at the start) or 1/L from the objective's curvature estimate.
    /// </summary>
    public static StepSize Choose(IObjective objective, GradientDescentOptions options, IOptimizer optimizer, double initialLoss)
    {
        var policy = options.OnDivergence ?? (options.LearningRate is null ? DivergencePolicy.Recover : DivergencePolicy.Stop);
        var (alpha, source) = Automatic(objective, options, optimizer, initialLoss);
        return new StepSize(alpha, source, policy);
    }

    internal static (double Alpha, string Source) Automatic(IObjective objective, GradientDescentOptions options, IOptimizer optimizer, double initialLoss)
    {
        if (options.LearningRate is { } given)
            return (given, "given");
        var c = CultureInfo.InvariantCulture;
        if (optimizer.AdaptiveLearningRateFactor is { } factor)
        {
            // Adaptive methods move each coordinate by about α per step, so α must match the size of the
            // coefficients: take the root-mean-square residual at the start (≈ the scale of y) as that size.
            double rms = Math.Sqrt(2 * initialLoss / (objective.Scaling == LossScaling.Mean ? 1 : objective.Rows));
            double scale = rms > 0 && double.IsFinite(rms) ? rms : 1;
            return (factor * scale, string.Format(c, "auto: {0:G3} × {1:G4}, the RMS residual at the start (adaptive method: steps are about α per coordinate)", factor, scale));
        }
        double l = objective.LargestCurvature(maxIterations: 50, seed: options.Seed + 1, relativeTolerance: 1e-4);
        if (double.IsNaN(l))
            throw new LsgdException($"The {optimizer.Name} optimizer needs a learning rate, and this objective has no curvature estimate to choose one from. Give `LearningRate` (e.g. 0.01).");
        if (!(l > 0))
            return (1.0, "auto: 1 (the Hessian is zero)");
        return (1 / l, string.Format(c, "auto: 1/L with L = {0:G6}, the largest Hessian eigenvalue (power iteration)", l));
    }

    /// <summary>
    /// Whether the step from J = <paramref name="loss"/> to <paramref name="next"/> is rejected as divergence. A
    /// non-finite J always is. When every step must lower J (plain full-batch gradient descent with a constant α on a
    /// quadratic), any rise beyond rounding proves α ≥ 2/L; otherwise, under Recover, a rise a hundredfold above J₀.
    /// </summary>
    public bool Rejects(double next, double loss, double initialLoss, bool monotone)
    {
        if (!double.IsFinite(next)) return true;
        return monotone
            ? next > loss + 1e-10 * Math.Abs(loss) + 1e-14 * Math.Abs(initialLoss)
            : Policy == DivergencePolicy.Recover && next > 100 * Math.Max(initialLoss, 1e-300);
    }

    /// <summary>Halves α after a rolled-back step at <paramref name="k"/> and notes it.</summary>
    public void Halve(string unit, int k, double bad, double good)
    {
        Recoveries++;
        Alpha /= 2;
        RecoveryNote = string.Format(CultureInfo.InvariantCulture,
            "The loss rose to {0:G4} from {1:G4} at {2} {3}; the step was rolled back and α halved ({4} time{5}), to {6:G4}.",
            bad, good, unit, k, Recoveries, Recoveries == 1 ? "" : "s", Alpha);
    }
}
