using Lsgd.Data;
using Lsgd.Estimators;
using Lsgd.MLNet;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit.Abstractions;

namespace Lsgd.MLNet.Tests;

public sealed class LeastSquaresTrainerTest(ITestOutputHelper output)
{
    public sealed class Row
    {
        public float X1 { get; set; }
        public float X2 { get; set; }
        public float X3 { get; set; }
        public float Label { get; set; }
    }

    public sealed class Prediction
    {
        public float Score { get; set; }
    }

    /// <summary>Unscaled features (x1 in the thousands, x2 in hundredths), y = 0.003 x1 − 200 x2 + 0.5 x3 + 4 + noise.</summary>
    private static Row[] Rows()
    {
        var random = new Random(7);
        return Enumerable.Range(0, 400).Select(_ =>
        {
            float x1 = (float)(1000 + 4000 * random.NextDouble()), x2 = (float)(0.01 * random.NextDouble()), x3 = (float)(random.NextDouble() * 10 - 5);
            return new Row { X1 = x1, X2 = x2, X3 = x3, Label = (float)(0.003 * x1 - 200 * x2 + 0.5 * x3 + 4 + random.NextDouble() - 0.5) };
        }).ToArray();
    }

    /// <summary>The exact least-squares optimum's mean squared error on the same (float) values.</summary>
    private static double ExactMeanSquaredError(Row[] rows)
    {
        var data = Dataset.FromRows(rows.Select(r => new double[] { r.X1, r.X2, r.X3 }).ToArray(), rows.Select(r => (double)r.Label).ToArray());
        var fit = new LinearRegressor(new LinearRegressorOptions { Method = SolverMethod.Exact }).Fit(data);
        return rows.Select(r =>
        {
            Span<double> p = stackalloc double[1];
            fit.Model.Predict([r.X1, r.X2, r.X3], p);
            return (r.Label - p[0]) * (r.Label - p[0]);
        }).Average();
    }

    [Fact]
    public void InOnePipelineLsgdReachesTheExactOptimumWhereSdcaAndOnlineGradientDescentDoNot()
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows();
        var data = ml.Data.LoadFromEnumerable(rows);
        var features = ml.Transforms.Concatenate("Features", nameof(Row.X1), nameof(Row.X2), nameof(Row.X3));
        double exact = ExactMeanSquaredError(rows);

        double Mse(IEstimator<ITransformer> trainer) =>
            ml.Regression.Evaluate(features.Append(trainer).Fit(data).Transform(data)).MeanSquaredError;

        double lsgd = Mse(ml.Regression.Trainers.LeastSquares());
        double sdca = Mse(ml.Regression.Trainers.Sdca());
        double ogd;
        try
        {
            ogd = Mse(ml.Regression.Trainers.OnlineGradientDescent());
        }
        catch (InvalidOperationException e) when (e.Message.Contains("NaN or Infinite", StringComparison.Ordinal))
        {
            ogd = double.PositiveInfinity;   // diverged on the unscaled features: ML.NET refuses its weights
        }

        output.WriteLine($"mean squared error: exact optimum {exact:G6}, Lsgd {lsgd:G6}, Sdca {sdca:G6}, OnlineGradientDescent {ogd:G6}");
        // Scores are floats: the optimum's MSE is reproduced to float rounding.
        Assert.Equal(exact, lsgd, exact * 1e-4);
        Assert.True(sdca > exact * 1.05, $"Sdca's MSE {sdca} vs the optimum {exact}");
        Assert.True(double.IsNaN(ogd) || ogd > exact * 1.05, $"OnlineGradientDescent's MSE {ogd} vs the optimum {exact}");
    }

    [Fact]
    public void TransformerScoresThroughAPredictionEngineAndReportsItsCertifiedFit()
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows();
        var model = ml.Transforms.Concatenate("Features", nameof(Row.X1), nameof(Row.X2), nameof(Row.X3))
            .Append(ml.Regression.Trainers.LeastSquares())
            .Fit(ml.Data.LoadFromEnumerable(rows));

        var lsgd = model.LastTransformer;
        Assert.True(lsgd.Fit is { Converged: true });
        var engine = ml.Model.CreatePredictionEngine<Row, Prediction>(model);
        var row = new Row { X1 = 2000, X2 = 0.005f, X3 = 1 };
        Span<double> expected = stackalloc double[1];
        lsgd.Model.Predict([row.X1, row.X2, row.X3], expected);
        Assert.Equal(expected[0], engine.Predict(row).Score, 1e-3);
    }

    [Fact]
    public void OutputSchemaAddsAFloatScoreAndAMissingFeaturesColumnIsNamed()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows());
        var withFeatures = ml.Transforms.Concatenate("Features", nameof(Row.X1), nameof(Row.X2), nameof(Row.X3));
        var model = withFeatures.Append(ml.Regression.Trainers.LeastSquares()).Fit(data);
        Assert.Equal(NumberDataViewType.Single, model.GetOutputSchema(data.Schema)["Score"].Type);

        var error = Assert.ThrowsAny<ArgumentException>(() =>
            withFeatures.Append(ml.Regression.Trainers.LeastSquares(featureColumnName: "Missing")).Fit(data));
        Assert.Contains("'Missing'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SavingWithMlNetSaysToUseLsgdsModelFile()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows());
        var model = ml.Transforms.Concatenate("Features", nameof(Row.X1), nameof(Row.X2), nameof(Row.X3))
            .Append(ml.Regression.Trainers.LeastSquares()).Fit(data);
        using var stream = new MemoryStream();
        var error = Assert.ThrowsAny<Exception>(() => ml.Model.Save(model, data.Schema, stream));
        Assert.Contains("ModelFile", error.ToString(), StringComparison.Ordinal);
    }
}
