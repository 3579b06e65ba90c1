using Lsgd.MLNet;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit.Abstractions;

namespace Lsgd.MLNet.Tests;

public sealed class LeastSquaresMulticlassTrainerTest(ITestOutputHelper output)
{
    public sealed class Row
    {
        public float X1 { get; set; }
        public float X2 { get; set; }
        public float X3 { get; set; }
        public float X4 { get; set; }
        public string Label { get; set; } = "";
        public float Weight { get; set; } = 1;
    }

    public sealed class Prediction
    {
        public string PredictedLabel { get; set; } = "";
        public float[] Score { get; set; } = [];
    }

    private static readonly string[] Classes = ["north", "south", "west"];

    /// <summary>Three Gaussian classes in four features (unit spread, centres 2.5 apart in two of them), 150 rows each.</summary>
    private static Row[] Rows(int seed = 5, int perClass = 150)
    {
        var random = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        double[][] centres = [[0, 0, 0, 0], [2.5, 0, 1, 0], [0, 2.5, 0, -1]];
        return [.. Enumerable.Range(0, perClass * 3).Select(i =>
        {
            int c = i % 3;
            return new Row
            {
                X1 = (float)(centres[c][0] + Normal()), X2 = (float)(centres[c][1] + Normal()),
                X3 = (float)(centres[c][2] + Normal()), X4 = (float)(centres[c][3] + Normal()),
                Label = Classes[c], Weight = random.Next(3),
            };
        })];
    }

    private static double[] Features(Row r) => [r.X1, r.X2, r.X3, r.X4];

    private static EstimatorChain<Microsoft.ML.Transforms.ValueToKeyMappingTransformer> Prepare(MLContext ml) =>
        ml.Transforms.Concatenate("Features", nameof(Row.X1), nameof(Row.X2), nameof(Row.X3), nameof(Row.X4))
            .Append(ml.Transforms.Conversion.MapValueToKey("Label"));

    [Fact]
    public void InOnePipelineWithMaximumEntropyTrainersLsgdClassifiesAsWellAndReachesItsExactOptimum()
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows();
        var split = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(rows), testFraction: 0.3, seed: 3);

        (double Accuracy, ITransformer Model) Run(IEstimator<ITransformer> trainer)
        {
            var model = Prepare(ml).Append(trainer).Fit(split.TrainSet);
            return (ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet)).MicroAccuracy, model);
        }

        var (lsgd, lsgdModel) = Run(ml.MulticlassClassification.Trainers.LeastSquares());
        var (sdca, _) = Run(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy());
        var (lbfgs, _) = Run(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy());
        output.WriteLine($"test accuracy: Lsgd least squares {lsgd:F4}, SdcaMaximumEntropy {sdca:F4}, LbfgsMaximumEntropy {lbfgs:F4}");
        Assert.True(lsgd > 0.8, $"Lsgd's accuracy {lsgd}");
        Assert.True(lsgd >= Math.Max(sdca, lbfgs) - 0.05, $"Lsgd {lsgd}, Sdca {sdca}, Lbfgs {lbfgs}");

        // Its least-squares objective is at the exact optimum: the scores' coefficients are the normal equations'
        // solution of the one-hot targets of the training rows (key order = MapValueToKey's order of appearance).
        var lsgdTransformer = (LeastSquaresMulticlassTransformer)((TransformerChain<ITransformer>)lsgdModel).Last();
        Assert.True(lsgdTransformer.Regression is { Converged: true });
        var train = ml.Data.CreateEnumerable<Row>(split.TrainSet, reuseRowObject: false).ToArray();
        var classes = lsgdTransformer.Model.Classes;
        for (int c = 0; c < classes.Count; c++)
        {
            var exact = NormalEquations.Solve([.. train.Select(Features)], [.. train.Select(r => r.Label == classes[c] ? 1.0 : 0.0)]);
            var coefficients = lsgdTransformer.Model.Scores.Coefficients(c);
            for (int j = 0; j < 4; j++) Assert.Equal(exact[j], coefficients[j], 1e-9);
            Assert.Equal(exact[4], lsgdTransformer.Model.Scores.Intercept(c), 1e-9);
        }
    }

    [Fact]
    public void APredictionEngineGivesTheClassifiersScoresAndItsClassMappedBackToText()
    {
        var ml = new MLContext(seed: 1);
        var model = Prepare(ml).Append(ml.MulticlassClassification.Trainers.LeastSquares())
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"))
            .Fit(ml.Data.LoadFromEnumerable(Rows()));
        var lsgd = (LeastSquaresMulticlassTransformer)model.Reverse().Skip(1).First();
        var engine = ml.Model.CreatePredictionEngine<Row, Prediction>(model);

        foreach (var row in Rows(seed: 99, perClass: 5))
        {
            var prediction = engine.Predict(row);
            Assert.Equal(lsgd.Model.Predict(Features(row)), prediction.PredictedLabel);
            var expected = new double[3];
            lsgd.Model.Scores.Predict(Features(row), expected);
            for (int c = 0; c < 3; c++) Assert.Equal(expected[c], prediction.Score[c], 1e-5);
            Assert.Equal(1.0, prediction.Score.Sum(), 1e-5);   // one-hot targets with an intercept: the scores sum to 1
        }
    }

    [Fact]
    public void IntegerWeightsFitAsRepeatedRows()
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows();
        var repeated = rows.SelectMany(r => Enumerable.Repeat(r, (int)r.Weight)).ToArray();
        LeastSquaresMulticlassTransformer Fit(Row[] data, string? weights) =>
            Prepare(ml).Append(ml.MulticlassClassification.Trainers.LeastSquares(exampleWeightColumnName: weights))
                .Fit(ml.Data.LoadFromEnumerable(data)).LastTransformer;

        var weighted = Fit(rows, nameof(Row.Weight)).Model;
        var copies = Fit(repeated, null).Model;
        Assert.Equal(copies.Classes, weighted.Classes);
        for (int k = 0; k < weighted.Scores.Parameters.Length; k++)
            Assert.Equal(copies.Scores.Parameters[k], weighted.Scores.Parameters[k], 1e-9);
    }

    [Fact]
    public void EvaluateNamesTheClassesAndAFloatLabelIsAskedToBeMappedToAKey()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows());
        var model = Prepare(ml).Append(ml.MulticlassClassification.Trainers.LeastSquares()).Fit(data);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(data));
        Assert.Equal(3, metrics.ConfusionMatrix.NumberOfClasses);
        Assert.Equal(metrics.MicroAccuracy,
            metrics.ConfusionMatrix.Counts.Select((row, c) => row[c]).Sum() / metrics.ConfusionMatrix.Counts.Sum(r => r.Sum()), 1e-12);

        var error = Assert.ThrowsAny<ArgumentException>(() =>
            ml.Transforms.Concatenate("Features", nameof(Row.X1), nameof(Row.X2))
                .Append(ml.MulticlassClassification.Trainers.LeastSquares(labelColumnName: nameof(Row.Weight))).Fit(data));
        Assert.Contains("MapValueToKey", error.Message, StringComparison.Ordinal);
    }

    public sealed class NoColumns;

    public sealed class ShapeRow
    {
        public float[] Features { get; set; } = [];
        public uint Label { get; set; }
    }

    [Fact]
    public void TheOutputShapeHasAScoreVectorAndAKeyPredictedLabelCarryingTheKeyValues()
    {
        // SchemaShape.Create is internal: a custom mapping from no columns gives the input shape (a float vector of
        // features and a key label with key values) as its output shape.
        var ml = new MLContext(seed: 1);
        var definition = SchemaDefinition.Create(typeof(ShapeRow), SchemaDefinition.Direction.Write);
        definition[nameof(ShapeRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 4);
        definition[nameof(ShapeRow.Label)].ColumnType = new KeyDataViewType(typeof(uint), 3);
        definition[nameof(ShapeRow.Label)].AddAnnotation("KeyValues", new VBuffer<ReadOnlyMemory<char>>(3, [.. Classes.Select(c => c.AsMemory())]),
            new VectorDataViewType(TextDataViewType.Instance, 3));
        var input = ml.Transforms.CustomMapping<NoColumns, ShapeRow>((_, _) => { }, contractName: null, outputSchemaDefinition: definition)
            .GetOutputSchema(new SchemaShape([]));

        var shape = ml.MulticlassClassification.Trainers.LeastSquares().GetOutputSchema(input);
        var score = shape.Single(c => c.Name == "Score");
        Assert.Equal((SchemaShape.Column.VectorKind.Vector, (DataViewType)NumberDataViewType.Single), (score.Kind, score.ItemType));
        var predicted = shape.Single(c => c.Name == "PredictedLabel");
        Assert.True(predicted.IsKey);
        Assert.Contains(predicted.Annotations, a => a.Name == "KeyValues");
        var error = Assert.ThrowsAny<ArgumentException>(() =>
            ml.MulticlassClassification.Trainers.LeastSquares(labelColumnName: "Features").GetOutputSchema(input));
        Assert.Contains("MapValueToKey", error.Message, StringComparison.Ordinal);
    }
}
