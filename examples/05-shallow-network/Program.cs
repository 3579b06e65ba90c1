// Where a linear model is not enough: a shallow network and random Fourier features against straight lines.
// Usage: dotnet run --project examples/05-shallow-network -c Release [-- PLOT.png]
using System.Globalization;
using Lsgd.Applications.Features;
using Lsgd.Applications.Networks;
using Lsgd.Data;
using Lsgd.Plots;
using Lsgd.Solvers;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string plotPath = args.Length > 0 ? args[0] : "shallow-network.png";
var rng = new Random(3);

// 1. The XOR-like saddle y = x₁x₂ on [−1, 1]²: the sign of y is the XOR of the signs of x₁ and x₂.
const int n = 400;
var x = new double[2 * n];
var y = new double[n];
for (int i = 0; i < n; i++)
{
    x[2 * i] = 2 * rng.NextDouble() - 1;
    x[2 * i + 1] = 2 * rng.NextDouble() - 1;
    y[i] = x[2 * i] * x[2 * i + 1];
}
var saddle = new Dataset(x, y, n, 2, 1, ["x1", "x2"]);
var linear = ExactLeastSquares.Solve(saddle);
Console.WriteLine("1. y = x1·x2 (XOR-like saddle), 400 points");
Console.WriteLine($"   {"linear least squares (exact)",-48} R² = {linear.RSquared[0]:F6}");
foreach (var activation in new[] { HiddenActivation.Tanh, HiddenActivation.Relu })
{
    var fit = new ShallowNetworkRegressor(new ShallowNetworkOptions { HiddenUnits = 16, Activation = activation, MaxIterations = 3000 }).Fit(saddle);
    Console.WriteLine($"   {$"network, 16 {activation.ToString().ToLowerInvariant()} units, Adam, 3000 steps",-48} R² = {fit.Statistics[0].RSquared:F6}");
    if (activation == HiddenActivation.Tanh)
    {
        // Freeze the hidden layer and refit the output layer exactly: never worse than training left it.
        var refit = fit.Network.WithOutputLayer(ExactLeastSquares.Solve(fit.Network.HiddenActivations(saddle)).Model);
        double Sse(ShallowNetwork net) => net.Predict(saddle).Select((p, i) => (p - y[i]) * (p - y[i])).Sum();
        Console.WriteLine($"   {"  … output layer refitted by exact least squares",-48} SSE {Sse(fit.Network):G4} → {Sse(refit):G4}");
    }
}

// 2. y = cos x on [−π, π]: even, so the best straight line is flat. Plot the two fits.
const int m = 200;
var t = Enumerable.Range(0, m).Select(i => -Math.PI + 2 * Math.PI * i / (m - 1)).ToArray();
var c = t.Select(v => Math.Cos(v) + 0.05 * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble())).ToArray();
var curve = Dataset.FromPoints(t, c);
var line = ExactLeastSquares.Solve(curve);
var net = new ShallowNetworkRegressor(new ShallowNetworkOptions { HiddenUnits = 8, BatchSize = 32, MaxIterations = 300 }).Fit(curve);
Console.WriteLine();
Console.WriteLine("2. y = cos x + noise (σ = 0.05) on [−π, π], 200 points");
Console.WriteLine($"   {"straight line (exact)",-48} R² = {line.RSquared[0]:F4}");
Console.WriteLine($"   {"network, 8 tanh units, batches of 32, 300 epochs",-48} R² = {net.Statistics[0].RSquared:F4}   (the noise caps R² near {1 - 0.0025 / 0.5:F3})");
ApplicationPlots.SaveCurves(plotPath, t, c,
    [("straight line", line.Model.Predict(curve)), ("network (8 tanh units)", net.Network.Predict(curve))],
    "y = cos x: a straight line against a shallow network");
Console.WriteLine($"   plot written to {plotPath}");

// 3. The kernel trick: random Fourier features + ridge (linear machinery) against exact kernel ridge.
const int trainRows = 200, testRows = 100;
double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
var xw = new double[2 * trainRows];
var yw = new double[trainRows];
for (int i = 0; i < trainRows; i++)
{
    xw[2 * i] = Gaussian();
    xw[2 * i + 1] = Gaussian();
    yw[i] = Math.Sin(2 * xw[2 * i]) * Math.Cos(xw[2 * i + 1]) + 0.1 * Gaussian();
}
var wave = new Dataset(xw, yw, trainRows, 2);
var probe = new Dataset([.. Enumerable.Range(0, 2 * testRows).Select(_ => Gaussian())], new double[testRows], testRows, 2);
var exact = new KernelRidge(new KernelRidgeOptions { LengthScale = 1, Lambda = 0.1 }).Fit(wave).Predict(probe);
Console.WriteLine();
Console.WriteLine("3. y = sin(2x1)·cos(x2) + noise, 200 points; RBF kernel ℓ = 1, λ = 0.1");
var exactFitted = new KernelRidge(new KernelRidgeOptions { LengthScale = 1, Lambda = 0.1 }).Fit(wave).Predict(wave);
double RSquared(double[] fitted)
{
    double mean = yw.Average();
    return 1 - fitted.Select((p, i) => (yw[i] - p) * (yw[i] - p)).Sum() / yw.Sum(v => (v - mean) * (v - mean));
}
Console.WriteLine($"   {"linear least squares (exact)",-48} R² = {ExactLeastSquares.Solve(wave).RSquared[0]:F4}");
Console.WriteLine($"   {"exact kernel ridge (200 × 200 Cholesky)",-48} R² = {RSquared(exactFitted):F4}");
Console.WriteLine("   random Fourier features + ridge by CG (mean of 3 seeds):");
Console.WriteLine("         D   R²       RMS gap to exact kernel ridge on 100 new points");
foreach (int features in new[] { 50, 200, 500, 2000, 8000 })
{
    double r2 = 0, gap = 0;
    for (int seed = 0; seed < 3; seed++)
    {
        var fit = new RandomFourierRegressor(new RandomFourierRegressorOptions { Map = new() { Features = features, Seed = seed }, Lambda = 0.1 }).Fit(wave);
        r2 += RSquared(fit.Predict(wave)) / 3;
        gap += Math.Sqrt(fit.Predict(probe).Select((p, i) => (p - exact[i]) * (p - exact[i])).Average()) / 3;
    }
    Console.WriteLine($"   {features,7}   {r2:F4}   {gap:F4}");
}
