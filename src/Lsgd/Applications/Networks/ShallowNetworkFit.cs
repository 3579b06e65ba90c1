using Lsgd.Estimators;
using Lsgd.Training;

namespace Lsgd.Applications.Networks;

/// <summary>The outcome of <see cref="ShallowNetworkRegressor.Fit"/>: the network, why training stopped, and how well it fits.</summary>
public sealed class ShallowNetworkFit
{
    internal ShallowNetworkFit(ShallowNetwork network, ShallowNetworkOptions options, GradientDescentResult training,
        double loss, IReadOnlyList<OutputStatistics> statistics, TimeSpan elapsed)
    {
        Network = network;
        Options = options;
        Training = training;
        Loss = loss;
        Statistics = statistics;
        Elapsed = elapsed;
    }

    /// <summary>The trained network, in the data's units.</summary>
    public ShallowNetwork Network { get; }

    /// <summary>The options of the run.</summary>
    public ShallowNetworkOptions Options { get; }

    /// <summary>The trainer's account of the run (in the space trained in: standardised units when <see cref="ShallowNetworkOptions.Standardize"/> is on).</summary>
    public GradientDescentResult Training { get; }

    /// <summary>Why training stopped (<see cref="StopReason.MaxIterations"/>, <see cref="StopReason.LossChangeBelowTolerance"/>, <see cref="StopReason.GradientNormBelowTolerance"/>, <see cref="StopReason.Diverged"/> or <see cref="StopReason.Cancelled"/>).</summary>
    public StopReason StopReason => Training.StopReason;

    /// <summary>
    /// Whether training reached a stationary point: ‖∇J‖ &lt; <see cref="ShallowNetworkOptions.GradientTolerance"/> at the
    /// final weights. The loss is not convex, so this is the only honest test (a stationary point need not be the global
    /// minimum); with the tolerance at 0 (the default) a fit is never called converged.
    /// </summary>
    public bool Converged => Training.Converged;

    /// <summary>Iterations made (full-batch steps, or epochs).</summary>
    public int Iterations => Training.Iterations;

    /// <summary>J(θ₀), J(θ₁), …: the full loss after each iteration, in the space trained in (standardised units when <see cref="ShallowNetworkOptions.Standardize"/> is on).</summary>
    public IReadOnlyList<double> LossHistory => Training.LossHistory;

    /// <summary>J of <see cref="Network"/> on the training data in its own units, under the options' loss scaling.</summary>
    public double Loss { get; }

    /// <summary>R², RMSE and MAE per output on the training data (residual SD uses p = all parameters).</summary>
    public IReadOnlyList<OutputStatistics> Statistics { get; }

    /// <summary>The optimizer's name.</summary>
    public string Optimizer => Training.Optimizer;

    /// <summary>Wall-clock time of training.</summary>
    public TimeSpan Elapsed { get; }
}
