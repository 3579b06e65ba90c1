// Lsgd's ML.NET trainer next to ML.NET's own linear regression trainers, in one pipeline, on unscaled data.
using System.Diagnostics;
using System.Globalization;
using Lsgd.Applications.Classification;
using Lsgd.Estimators;
using Lsgd.MLNet;
using Microsoft.ML;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var ml = new MLContext(seed: 1);
var random = new Random(7);
// y = 0.003 x1 − 200 x2 + 0.5 x3 + 4 + noise, with x1 in the thousands and x2 in hundredths.
var rows = Enumerable.Range(0, 20_000).Select(_ =>
{
    float x1 = (float)(1000 + 4000 * random.NextDouble()), x2 = (float)(0.01 * random.NextDouble()), x3 = (float)(random.NextDouble() * 10 - 5);
    return new Row { X1 = x1, X2 = x2, X3 = x3, Label = (float)(0.003 * x1 - 200 * x2 + 0.5 * x3 + 4 + random.NextDouble() - 0.5) };
}).ToArray();
var data = ml.Data.LoadFromEnumerable(rows);
var features = ml.Transforms.Concatenate("Features", nameof(Row.X1), nameof(Row.X2), nameof(Row.X3));

var trainers = new (string Name, IEstimator<ITransformer> Trainer)[]
{
    ("Lsgd LeastSquares (auto)", ml.Regression.Trainers.LeastSquares()),
    ("ML.NET Sdca", ml.Regression.Trainers.Sdca()),
    ("ML.NET OnlineGradientDescent", ml.Regression.Trainers.OnlineGradientDescent()),
};
Console.WriteLine($"{"trainer",-30} {"mean sq. error",16} {"R²",10} {"time",10}");
foreach (var (name, trainer) in trainers)
{
    var clock = Stopwatch.StartNew();
    try
    {
        var model = features.Append(trainer).Fit(data);
        var time = clock.Elapsed;
        var metrics = ml.Regression.Evaluate(model.Transform(data));
        Console.WriteLine($"{name,-30} {metrics.MeanSquaredError,16:G8} {metrics.RSquared,10:F6} {time.TotalMilliseconds,8:F0} ms");
    }
    catch (InvalidOperationException e)
    {
        Console.WriteLine($"{name,-30} {"diverged",16} {"",10} {clock.Elapsed.TotalMilliseconds,8:F0} ms   ({e.Message.Split('.')[0]})");
    }
}

// The multi-class variant: four classes of Gaussian clouds in six features, one of them in the thousands,
// next to ML.NET's maximum-entropy trainers. Accuracy on held-out rows; Lsgd's least-squares objective checked.
var random2 = new Random(9);
double Normal() => Math.Sqrt(-2 * Math.Log(1 - random2.NextDouble())) * Math.Cos(2 * Math.PI * random2.NextDouble());
string[] kinds = ["amber", "blue", "cyan", "dune"];
var points = Enumerable.Range(0, 30_000).Select(i =>
{
    int c = i % 4;
    var x = Enumerable.Range(0, 6).Select(j => (float)(Normal() + (j == c ? 1.6 : 0) + (j == 4 && c == 3 ? -1.2 : 0))).ToArray();
    x[5] = 1000 * x[5] + 3000;   // an unscaled feature: a sensor in other units
    return new Point { Features = x, Kind = kinds[c] };
}).ToArray();
var split = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(points), testFraction: 1.0 / 3, seed: 2);
var toKey = ml.Transforms.Conversion.MapValueToKey("Label", nameof(Point.Kind));
var classifiers = new (string Name, IEstimator<ITransformer> Trainer)[]
{
    ("Lsgd LeastSquares (auto)", ml.MulticlassClassification.Trainers.LeastSquares()),
    ("ML.NET SdcaMaximumEntropy", ml.MulticlassClassification.Trainers.SdcaMaximumEntropy()),
    ("ML.NET LbfgsMaximumEntropy", ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy()),
};
Console.WriteLine();
Console.WriteLine($"{"multi-class trainer",-30} {"test accuracy",14} {"macro acc.",11} {"time",10}");
foreach (var (name, trainer) in classifiers)
{
    var clock = Stopwatch.StartNew();
    var model = toKey.Append(trainer).Fit(split.TrainSet);
    var time = clock.Elapsed;
    var metrics = ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet));
    Console.WriteLine($"{name,-30} {metrics.MicroAccuracy,14:F4} {metrics.MacroAccuracy,11:F4} {time.TotalMilliseconds,8:F0} ms");
    if (model.LastTransformer is LeastSquaresMulticlassTransformer lsgd && lsgd.Regression is { } fit)
    {
        // The same objective solved exactly (QR), for comparison with the method auto chose.
        var exactOptions = new LeastSquaresClassifierOptions();
        exactOptions = exactOptions with { Regression = exactOptions.Regression with { Method = SolverMethod.Exact } };
        var exact = toKey.Append(ml.MulticlassClassification.Trainers.LeastSquares(options: exactOptions)).Fit(split.TrainSet).LastTransformer.Regression!;
        Console.WriteLine($"{"",30} least-squares loss {fit.Loss:G10} ({fit.Method}, {(fit.Converged ? "certified" : "NOT converged: " + fit.NotConvergedReason)}); exact optimum {exact.Loss:G10}");
    }
}

internal sealed class Point
{
    [Microsoft.ML.Data.VectorType(6)]
    public float[] Features { get; set; } = [];
    public string Kind { get; set; } = "";
}

internal sealed class Row
{
    public float X1 { get; set; }
    public float X2 { get; set; }
    public float X3 { get; set; }
    public float Label { get; set; }
}
