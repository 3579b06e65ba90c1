using System.Diagnostics;
using Lsgd.Data;
using Lsgd.Estimators;
using Lsgd.Internals;
using Lsgd.Models;
using Lsgd.Optimizers;
using Lsgd.Training;

namespace Lsgd.Applications.Networks;

/// <summary>
/// Trains a <see cref="ShallowNetwork"/> on the squared loss with the library's trainer (<see cref="GradientDescent"/>,
/// the same loop, stopping rules and divergence handling as the linear model's gradient descent — full-batch steps
/// or seeded mini-batch epochs, θ ← update(θ, ∇J, α)) over <see cref="ShallowNetworkObjective"/>, whose gradients
/// come by backpropagation.
/// </summary>
/// <remarks>
/// Initial weights (seeded): W₁ ~ N(0, g/d) with g = 1 for tanh and 2 for ReLU (Glorot/He), b₁ ~ N(0, 1) so the
/// units' bends spread over the standardised inputs, W₂ ~ N(0, 1/h), b₂ = 0. Unlike least squares the loss is
/// not convex: a different seed can end in a different (usually equally good) minimum. With no certificate of
/// optimality possible, the fit is converged only at a stationary point: ‖∇J‖ below
/// <see cref="ShallowNetworkOptions.GradientTolerance"/> (<see cref="ShallowNetworkFit.Converged"/>).
/// </remarks>
/// <example>
/// <code>
/// var fit = new ShallowNetworkRegressor(new ShallowNetworkOptions { HiddenUnits = 16 }).Fit(data);
/// double r2 = fit.Statistics[0].RSquared;
/// </code>
/// </example>
public sealed class ShallowNetworkRegressor
{
    /// <summary>Creates the trainer with <paramref name="options"/> (defaults when null).</summary>
    public ShallowNetworkRegressor(ShallowNetworkOptions? options = null) => Options = options ?? new ShallowNetworkOptions();

    /// <summary>The settings.</summary>
    public ShallowNetworkOptions Options { get; }

    /// <summary>Trains a network on <paramref name="data"/> (features in, targets out).</summary>
    /// <exception cref="LsgdException">The data has no features.</exception>
    public ShallowNetworkFit Fit(Dataset data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var o = Options;
        var clock = Stopwatch.StartNew();
        data = data.ToDoublePrecision();
        int d = data.Features, k = data.Outputs, h = o.HiddenUnits;
        if (d == 0)
            Throw.Data("The data has no features: a network needs at least one input column.");
        var inputScaling = o.Standardize ? Standardizer.Fit(data, center: true) : null;
        var (yMean, ySd) = o.Standardize ? TargetScaling(data) : (new double[k], Enumerable.Repeat(1.0, k).ToArray());
        var train = inputScaling?.Transform(data) ?? data;
        if (o.Standardize)
        {
            var y = train.Y.ToArray();
            for (int i = 0; i < y.Length; i++) y[i] = (y[i] - yMean[i % k]) / ySd[i % k];
            train = new Dataset(train.X.ToArray(), y, train.Rows, d, k, train.FeatureNames, train.TargetNames);
        }

        var objective = new ShallowNetworkObjective(train, h, o.Activation, o.LossScaling);
        var run = GradientDescent.Minimize(objective, TrainerOptions(o), Initial(d, h, k, o.Activation, o.Seed), cancellationToken: cancellationToken);
        var theta = run.Parameters.ToArray();

        var network = new ShallowNetwork(d, h, k, o.Activation, ToDataUnits(theta, inputScaling, yMean, ySd, d, h, k), data.FeatureNames, data.TargetNames);
        var (statistics, sse) = Statistics(network, data);
        double finalLoss = o.LossScaling == LossScaling.Mean ? 0.5 * sse / data.Rows : 0.5 * sse;
        return new ShallowNetworkFit(network, o, run, finalLoss, statistics, clock.Elapsed);
    }

    /// <summary>
    /// The trainer's settings for these options: the given α (the network has no curvature estimate), the optimizer
    /// (Adam by default), batches, schedule, the |ΔJ| and gradient rules; a diverging step stops the run, keeping the
    /// last finite weights. Iterations are not traced.
    /// </summary>
    internal static GradientDescentOptions TrainerOptions(ShallowNetworkOptions o) => new()
    {
        LearningRate = o.LearningRate,
        Optimizer = o.Optimizer ?? new Adam(),
        BatchSize = o.BatchSize,
        Schedule = o.Schedule,
        MaxIterations = o.MaxIterations,
        Tolerance = o.Tolerance,
        GradientTolerance = o.GradientTolerance,
        LossScaling = o.LossScaling,
        OnDivergence = DivergencePolicy.Stop,
        Seed = o.Seed,
        TraceIterations = 0,
    };

    /// <summary>The seeded initial θ (see the remarks of the class).</summary>
    internal static double[] Initial(int d, int h, int k, HiddenActivation activation, int seed)
    {
        var rng = new Random(seed);
        var theta = new double[ShallowNetwork.ParameterCount(d, h, k)];
        double hiddenScale = Math.Sqrt((activation == HiddenActivation.Relu ? 2.0 : 1.0) / d);
        for (int j = 0; j < h; j++)
        {
            for (int l = 0; l < d; l++) theta[j * (d + 1) + l] = hiddenScale * Sampling.Gaussian(rng);
            theta[j * (d + 1) + d] = Sampling.Gaussian(rng);
        }
        int offset = h * (d + 1);
        double outputScale = Math.Sqrt(1.0 / h);
        for (int o = 0; o < k; o++)
            for (int j = 0; j < h; j++) theta[offset + o * (h + 1) + j] = outputScale * Sampling.Gaussian(rng);
        return theta;
    }

    /// <summary>Target means and population standard deviations (1 for a constant target).</summary>
    private static (double[] Mean, double[] Sd) TargetScaling(Dataset data)
    {
        int n = data.Rows, k = data.Outputs;
        var mean = new double[k];
        var sd = new double[k];
        for (int o = 0; o < k; o++)
        {
            mean[o] = Accurate.SumStrided(data.Y, o, k, n) / n;
            double ss = 0;
            for (int i = 0; i < n; i++) { double v = data.Y[i * k + o] - mean[o]; ss += v * v; }
            double s = Math.Sqrt(ss / n);
            sd[o] = s > 0 && double.IsFinite(s) ? s : 1;
        }
        return (mean, sd);
    }

    /// <summary>Folds the input and target scaling into the weights: the network then takes and gives data units.</summary>
    private static double[] ToDataUnits(double[] theta, Standardizer? inputs, double[] yMean, double[] ySd, int d, int h, int k)
    {
        int offset = h * (d + 1);
        var result = (double[])theta.Clone();
        if (inputs is not null)
            inputs.ToOriginalUnits(theta.AsSpan(0, offset), new ParameterLayout(d, h, true)).CopyTo(result, 0);
        for (int o = 0; o < k; o++)
        {
            var block = result.AsSpan(offset + o * (h + 1), h + 1);
            for (int j = 0; j < h; j++) block[j] *= ySd[o];
            block[h] = ySd[o] * block[h] + yMean[o];
        }
        return result;
    }

    /// <summary>R², RMSE, MAE and residual SD per output, and the total SSE.</summary>
    internal static (IReadOnlyList<OutputStatistics> Statistics, double Sse) Statistics(ShallowNetwork network, Dataset data)
    {
        int n = data.Rows, k = data.Outputs;
        var predictions = network.Predict(data);
        int p = network.Parameters.Length;
        var result = new OutputStatistics[k];
        double total = 0;
        var r = new double[n];
        var centred = new double[n];
        for (int o = 0; o < k; o++)
        {
            double abs = 0, mean = Accurate.SumStrided(data.Y, o, k, n) / n;
            for (int i = 0; i < n; i++)
            {
                double y = data.Y[i * k + o];
                r[i] = y - predictions[i * k + o];
                centred[i] = y - mean;
                abs += Math.Abs(r[i]);
            }
            double sse = Accurate.Dot(r, r), tss = Accurate.Dot(centred, centred);
            total += sse;
            result[o] = new OutputStatistics(sse, tss > 0 ? 1 - sse / tss : (sse == 0 ? 1 : double.NaN), Math.Sqrt(sse / n), abs / n,
                n > p ? Math.Sqrt(sse / (n - p)) : double.NaN, tss);
        }
        return (result, total);
    }
}
