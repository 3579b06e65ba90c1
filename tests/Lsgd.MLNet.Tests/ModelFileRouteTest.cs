using Lsgd.Data;
using Lsgd.IO;
using Lsgd.MLNet;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Lsgd.MLNet.Tests;

/// <summary>
/// mlContext.Model.Save cannot carry an Lsgd model; the route that does: ML.NET saves the featurisation, Lsgd.IO's
/// ModelFile saves the model, and a transformer rebuilt from the loaded model scores as the fitted one did.
/// </summary>
public sealed class ModelFileRouteTest : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lsgd-mlnet-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public sealed class Row
    {
        public float X1 { get; set; }
        public float X2 { get; set; }
        public float Label { get; set; }
        public string Kind { get; set; } = "";
    }

    public sealed class Scores
    {
        public float Score { get; set; }
    }

    public sealed class ClassScores
    {
        public float[] Score { get; set; } = [];
        public string PredictedLabel { get; set; } = "";
    }

    private static Row[] Rows()
    {
        var random = new Random(3);
        return [.. Enumerable.Range(0, 120).Select(i =>
        {
            float x1 = (float)(3 * random.NextDouble()), x2 = (float)(2 * random.NextDouble() - 1);
            return new Row { X1 = x1, X2 = x2, Label = (float)(1 + x1 - 2 * x2 + 0.1 * random.NextDouble()), Kind = x1 + x2 > 2 ? "high" : x1 > 1 ? "middle" : "low" };
        })];
    }

    [Fact]
    public void ARegressionModelSavedWithModelFileScoresTheSameInARebuiltPipeline()
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows();
        var data = ml.Data.LoadFromEnumerable(rows);
        var featurise = ml.Transforms.Concatenate("Features", nameof(Row.X1), nameof(Row.X2));
        var fitted = featurise.Append(ml.Regression.Trainers.LeastSquares()).Fit(data);

        string features = Path.Combine(_folder, "features.zip"), model = Path.Combine(_folder, "model.json");
        ml.Model.Save(fitted.Take(1).Single(), data.Schema, features);
        new ModelFile(fitted.LastTransformer.Model, new FeatureSpec([nameof(Row.X1), nameof(Row.X2)])).Save(model);

        var loaded = ml.Model.Load(features, out _).Append(new LeastSquaresTransformer(ModelFile.Load(model).Model));
        var before = ml.Data.CreateEnumerable<Scores>(fitted.Transform(data), false).Select(s => s.Score).ToArray();
        var after = ml.Data.CreateEnumerable<Scores>(loaded.Transform(data), false).Select(s => s.Score).ToArray();
        Assert.Equal(before, after);
    }

    [Fact]
    public void AClassifierSavedWithModelFilePredictsTheSameClassesInARebuiltPipeline()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows());
        var fitted = ml.Transforms.Concatenate("Features", nameof(Row.X1), nameof(Row.X2))
            .Append(ml.Transforms.Conversion.MapValueToKey("Label", nameof(Row.Kind)))
            .Append(ml.MulticlassClassification.Trainers.LeastSquares())
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"))
            .Fit(data);
        var classifier = fitted.OfType<LeastSquaresMulticlassTransformer>().Single().Model;

        string model = Path.Combine(_folder, "classifier.json");
        new ModelFile(classifier, nameof(Row.Kind), new FeatureSpec([nameof(Row.X1), nameof(Row.X2)])).Save(model);
        var scored = ml.Transforms.Concatenate("Features", nameof(Row.X1), nameof(Row.X2)).Fit(data)
            .Append(new LeastSquaresMulticlassTransformer(ModelFile.Load(model).Classifier!));
        // The rebuilt PredictedLabel's key values are the class names, so it maps back to the same text.
        var loaded = scored.Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel").Fit(scored.Transform(data)));

        var before = ml.Data.CreateEnumerable<ClassScores>(fitted.Transform(data), false).ToArray();
        var after = ml.Data.CreateEnumerable<ClassScores>(loaded.Transform(data), false).ToArray();
        Assert.Equal(before.Select(p => p.PredictedLabel), after.Select(p => p.PredictedLabel));
        Assert.Equal(before.SelectMany(p => p.Score), after.SelectMany(p => p.Score));
    }
}
