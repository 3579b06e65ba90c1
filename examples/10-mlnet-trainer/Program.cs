// Lsgd's ML.NET trainer next to ML.NET's own linear regression trainers, in one pipeline, on unscaled data.
using System.Diagnostics;
using System.Globalization;
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

internal sealed class Row
{
    public float X1 { get; set; }
    public float X2 { get; set; }
    public float X3 { get; set; }
    public float Label { get; set; }
}
