using Lsgd.Applications.Networks;
using Lsgd.Data;
using Lsgd.Models;
using Lsgd.Optimizers;
using Lsgd.Solvers;
using Lsgd.Training;

namespace Lsgd.Tests.Applications;

public class ShallowNetworkTest
{
    /// <summary>Random inputs and two targets, so every block of θ (both layers, both outputs) gets a gradient.</summary>
    private static Dataset Small(int n = 25)
    {
        var rng = new Random(11);
        var x = new double[n * 3];
        var y = new double[n * 2];
        for (int i = 0; i < x.Length; i++) x[i] = TestData.Gaussian(rng);
        for (int i = 0; i < y.Length; i++) y[i] = TestData.Gaussian(rng);
        return new Dataset(x, y, n, 3, 2);
    }

    private static double[] RandomTheta(int count, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => TestData.Gaussian(rng))];
    }

    /// <summary>‖g − g_fd‖ / max(‖g‖, ‖g_fd‖), with g_fd by central differences of step h.</summary>
    private static double GradientError(Func<double[], double> loss, double[] theta, double[] gradient, double h = 1e-5)
    {
        double diff = 0, norm = 0, normFd = 0;
        for (int i = 0; i < theta.Length; i++)
        {
            var plus = (double[])theta.Clone();
            var minus = (double[])theta.Clone();
            plus[i] += h;
            minus[i] -= h;
            double fd = (loss(plus) - loss(minus)) / (2 * h);
            diff += (gradient[i] - fd) * (gradient[i] - fd);
            norm += gradient[i] * gradient[i];
            normFd += fd * fd;
        }
        return Math.Sqrt(diff) / Math.Max(Math.Sqrt(norm), Math.Sqrt(normFd));
    }

    [Theory]
    [InlineData(HiddenActivation.Tanh, LossScaling.Sum)]
    [InlineData(HiddenActivation.Tanh, LossScaling.Mean)]
    [InlineData(HiddenActivation.Relu, LossScaling.Sum)]
    [InlineData(HiddenActivation.Relu, LossScaling.Mean)]
    public void BackpropagationMatchesCentralDifferences(HiddenActivation activation, LossScaling scaling)
    {
        // Central differences have error O(h²) ≈ 1e-10 from truncation plus O(ε/h) ≈ 1e-11 from rounding, far below 1e-6.
        // ReLU is not differentiable at 0, but a random pre-activation lands within h of a kink with probability ~1e-5.
        var objective = new ShallowNetworkObjective(Small(), hidden: 5, activation, scaling);
        var theta = RandomTheta(objective.ParameterCount, 2);
        var gradient = new double[theta.Length];
        objective.Evaluate(theta, gradient);
        double error = GradientError(t => objective.Loss(t), theta, gradient);
        Assert.True(error < 1e-6, $"relative error {error:E2}");
    }

    [Fact]
    public void MiniBatchGradientMatchesCentralDifferencesOfTheBatchLoss()
    {
        var objective = new ShallowNetworkObjective(Small(), hidden: 4, HiddenActivation.Tanh, LossScaling.Mean);
        var theta = RandomTheta(objective.ParameterCount, 3);
        int[] rows = [3, 17, 0, 9];
        var gradient = new double[theta.Length];
        objective.Evaluate(theta, gradient, rows);
        double error = GradientError(t => objective.Evaluate(t, new double[t.Length], rows), theta, gradient);
        Assert.True(error < 1e-6, $"relative error {error:E2}");
    }

    [Fact]
    public void AllRowsAsOneBatchGiveTheFullLoss()
    {
        var objective = new ShallowNetworkObjective(Small(), hidden: 4, HiddenActivation.Relu, LossScaling.Mean);
        var theta = RandomTheta(objective.ParameterCount, 4);
        var g1 = new double[theta.Length];
        var g2 = new double[theta.Length];
        double full = objective.Evaluate(theta, g1);
        double batch = objective.Evaluate(theta, g2, [.. Enumerable.Range(0, objective.Rows)]);
        Assert.Equal(full, batch, 1e-12 * full);
        Assert.Equal(g1, g2, (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Theory]
    [InlineData(HiddenActivation.Tanh)]
    [InlineData(HiddenActivation.Relu)]
    public void NetworkFitsTheXorLikeSaddleThatALinearModelCannot(HiddenActivation activation)
    {
        // y = x₁x₂: a plane through it has R² ≈ 0 (x₁x₂ is uncorrelated with x₁, x₂ and 1 on a symmetric square).
        var data = ApplicationData.Saddle();
        double linear = ExactLeastSquares.Solve(data).RSquared[0];
        var fit = new ShallowNetworkRegressor(new ShallowNetworkOptions { HiddenUnits = 16, Activation = activation, MaxIterations = 1500 }).Fit(data);
        Assert.True(linear < 0.1, $"linear R² = {linear}");
        Assert.True(fit.Statistics[0].RSquared > 0.99, $"network R² = {fit.Statistics[0].RSquared}");
        Assert.Equal(StopReason.MaxIterations, fit.StopReason);
        Assert.Equal("adam", fit.Optimizer);
    }

    [Fact]
    public void ExactRefitOfTheOutputLayerIsNoWorseThanTraining()
    {
        // With the hidden layer frozen the loss is a linear least-squares problem in the output layer; its exact
        // solution is its minimum, so it cannot be above the output layer that gradient training reached.
        var data = ApplicationData.Saddle();
        var fit = new ShallowNetworkRegressor(new ShallowNetworkOptions { HiddenUnits = 8, MaxIterations = 300 }).Fit(data);
        var hidden = fit.Network.HiddenActivations(data);
        Assert.Equal(8, hidden.Features);
        var refit = fit.Network.WithOutputLayer(ExactLeastSquares.Solve(hidden).Model);
        double Sse(ShallowNetwork net) => net.Predict(data).Select((p, i) => (p - data.Y[i]) * (p - data.Y[i])).Sum();
        Assert.True(Sse(refit) <= Sse(fit.Network) * (1 + 1e-12), $"refit {Sse(refit)} vs trained {Sse(fit.Network)}");
        Assert.Equal(0.5 * Sse(fit.Network) / data.Rows, fit.Loss, 1e-12);
        Assert.Equal(fit.Network.Parameters[..(8 * 3)].ToArray(), refit.Parameters[..(8 * 3)].ToArray());   // hidden layer untouched
    }

    [Fact]
    public void OutputLayerRoundTripsThroughALinearModel()
    {
        var net = new ShallowNetwork(2, 3, 2, HiddenActivation.Tanh, RandomTheta(ShallowNetwork.ParameterCount(2, 3, 2), 5));
        var data = ApplicationData.Saddle(n: 10);
        Assert.Equal(net.Predict(data), net.WithOutputLayer(net.OutputLayer()).Predict(data));
        var z = net.HiddenActivations(data);
        var direct = net.OutputLayer().Predict(z);
        Assert.Equal(net.Predict(data), direct, (a, b) => Math.Abs(a - b) < 1e-14);
    }

    public static TheoryData<string> OptimizerNames => ["gd", "momentum", "adam", "rmsprop", "adagrad"];

    [Theory]
    [MemberData(nameof(OptimizerNames))]
    public void EveryOptimizerTrainsTheNetwork(string name)
    {
        var optimizer = OptimizerCatalog.Create(name);
        double rate = name switch { "gd" => 0.1, "momentum" => 0.02, "adagrad" => 0.05, _ => 0.01 };
        var data = ApplicationData.Saddle(n: 200);
        var fit = new ShallowNetworkRegressor(new ShallowNetworkOptions { Optimizer = optimizer, LearningRate = rate, MaxIterations = 300, HiddenUnits = 8 }).Fit(data);
        Assert.Equal(name, fit.Optimizer);
        Assert.True(fit.LossHistory[^1] < 0.5 * fit.LossHistory[0], $"{name}: {fit.LossHistory[0]} → {fit.LossHistory[^1]}");
    }

    [Fact]
    public void MiniBatchTrainingIsSeededAndFitsACurve()
    {
        // cos x on [−π, π]: even, so the best straight line is flat (R² = 0); mini-batches of 32 fit it.
        int n = 200;
        var x = Enumerable.Range(0, n).Select(i => -Math.PI + 2 * Math.PI * i / (n - 1)).ToArray();
        var data = Dataset.FromPoints(x, [.. x.Select(Math.Cos)]);
        var options = new ShallowNetworkOptions { BatchSize = 32, MaxIterations = 150, Seed = 4 };
        var fit = new ShallowNetworkRegressor(options).Fit(data);
        Assert.True(ExactLeastSquares.Solve(data).RSquared[0] < 1e-10);
        Assert.True(fit.Statistics[0].RSquared > 0.99, $"R² = {fit.Statistics[0].RSquared}");
        Assert.Equal(fit.Network.Parameters.ToArray(), new ShallowNetworkRegressor(options).Fit(data).Network.Parameters.ToArray());
    }

    [Fact]
    public void TooLargeAStepStopsAsDivergedWithFiniteWeights()
    {
        var fit = new ShallowNetworkRegressor(new ShallowNetworkOptions { Optimizer = new Sgd(), LearningRate = 1e6, MaxIterations = 50, LossScaling = LossScaling.Sum })
            .Fit(ApplicationData.Saddle(n: 100));
        Assert.Equal(StopReason.Diverged, fit.StopReason);
        Assert.All(fit.Network.Parameters.ToArray(), v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void TheTrainerRecoversFromADivergingStepOnTheNetworkAsOnLeastSquares()
    {
        // The same trainer, stopping rules and recovery as the linear model, over a non-convex objective.
        var objective = new ShallowNetworkObjective(ApplicationData.Saddle(n: 100), hidden: 6, HiddenActivation.Tanh, LossScaling.Mean);
        var start = ShallowNetworkRegressor.Initial(2, 6, 1, HiddenActivation.Tanh, seed: 1);
        var run = GradientDescent.Minimize(objective, new GradientDescentOptions
        {
            LearningRate = 1e4, Optimizer = new Sgd(), OnDivergence = DivergencePolicy.Recover, MaxIterations = 300, Tolerance = 0,
        }, start);
        Assert.NotEqual(StopReason.Diverged, run.StopReason);
        Assert.True(run.Recoveries > 0);
        Assert.Contains("the step was rolled back and α halved", run.Message);
        Assert.True(run.FinalLoss < run.LossHistory[0], $"{run.LossHistory[0]} → {run.FinalLoss}");
        Assert.False(run.Converged);   // no certificate and no gradient tolerance: a non-convex fit is never called converged
        Assert.Contains("stationarity", run.ConvergenceTest);
    }

    [Fact]
    public void ANetworkFitIsConvergedOnlyAtAStationaryPoint()
    {
        var data = ApplicationData.Saddle(n: 100);
        var options = new ShallowNetworkOptions { HiddenUnits = 4, Optimizer = new Sgd(), LearningRate = 0.2, MaxIterations = 20_000, Tolerance = 1e-12 };
        var byLossChange = new ShallowNetworkRegressor(options).Fit(data);
        Assert.False(byLossChange.Converged, byLossChange.Training.Message);
        var stationary = new ShallowNetworkRegressor(options with { Tolerance = 0, GradientTolerance = 1e-3 }).Fit(data);
        Assert.Equal(StopReason.GradientNormBelowTolerance, stationary.StopReason);
        Assert.True(stationary.Converged);
        Assert.True(stationary.Training.GradientNorm < 1e-3);
    }

    [Fact]
    public void TheNetworkHasNoCurvatureEstimateSoTheTrainerAsksForALearningRate()
    {
        var objective = new ShallowNetworkObjective(ApplicationData.Saddle(n: 20), hidden: 3, HiddenActivation.Tanh, LossScaling.Mean);
        Assert.True(double.IsNaN(((Lsgd.Engines.IObjective)objective).LargestCurvature()));
        var e = Assert.Throws<LsgdException>(() => GradientDescent.Minimize(objective, new GradientDescentOptions()));
        Assert.Equal("The gd optimizer needs a learning rate, and this objective has no curvature estimate to choose one from. Give `LearningRate` (e.g. 0.01).", e.Message);
    }

    [Fact]
    public void BadOptionsSayWhatIsAllowed()
    {
        Assert.Equal("HiddenUnits = 0 is not allowed: it must be an integer >= 1. Try 16.",
            Assert.Throws<InvalidOptionException>(() => new ShallowNetworkOptions { HiddenUnits = 0 }).Message);
        Assert.Equal("LearningRate = 0 is not allowed: it must be a finite number > 0. Try 0.01 with Adam, or 0.1 with plain gradient descent on the mean loss.",
            Assert.Throws<InvalidOptionException>(() => new ShallowNetworkOptions { LearningRate = 0 }).Message);
    }
}
