using Lsgd.Estimators;
using Lsgd.Training;

namespace Lsgd.Applications.Networks;

/// <summary>The outcome of <see cref="ShallowNetworkRegressor.Fit"/>: the network, why training stopped, and how well it fits.</summary>
public sealed class ShallowNetworkFit
{
    internal ShallowNetworkFit(ShallowNetwork network, ShallowNetworkOptions options, StopReason stopReason, int iterations,
        double[] lossHistory, double loss, IReadOnlyList<OutputStatistics> statistics, string optimizer, TimeSpan elapsed)
    {
        Network = network;
        Options = options;
        StopReason = stopReason;
        Iterations = iterations;
        LossHistory = lossHistory;
        Loss = loss;
        Statistics = statistics;
        Optimizer = optimizer;
        Elapsed = elapsed;
    }

    /// <summary>The trained network, in the data's units.</summary>
    public ShallowNetwork Network { get; }

    /// <summary>The options of the run.</summary>
    public ShallowNetworkOptions Options { get; }

    /// <summary>Why training stopped (<see cref="StopReason.MaxIterations"/>, <see cref="StopReason.LossChangeBelowTolerance"/>, <see cref="StopReason.Diverged"/> or <see cref="StopReason.Cancelled"/>).</summary>
    public StopReason StopReason { get; }

    /// <summary>Iterations made (full-batch steps, or epochs).</summary>
    public int Iterations { get; }

    /// <summary>J(θ₀), J(θ₁), …: the full loss after each iteration, in the space trained in (standardised units when <see cref="ShallowNetworkOptions.Standardize"/> is on).</summary>
    public IReadOnlyList<double> LossHistory { get; }

    /// <summary>J of <see cref="Network"/> on the training data in its own units, under the options' loss scaling.</summary>
    public double Loss { get; }

    /// <summary>R², RMSE and MAE per output on the training data (residual SD uses p = all parameters).</summary>
    public IReadOnlyList<OutputStatistics> Statistics { get; }

    /// <summary>The optimizer's name.</summary>
    public string Optimizer { get; }

    /// <summary>Wall-clock time of training.</summary>
    public TimeSpan Elapsed { get; }
}
