using Lsgd.Data;
using Lsgd.Models;

namespace Lsgd.Tests.Data;

public class LinearModelPredictionsTest
{
    [Fact]
    public void PredictingADatasetGivesEachRowsPredictionInBothPrecisions()
    {
        var model = new LinearModel(new ParameterLayout(2, 2, true), [1, -2, 0.5, 3, 0.25, -1], ["a", "b"], ["u", "v"]);
        double[] x = [1, 2, -0.5, 4, 3, 0.125];
        var doubles = new Dataset(x, new double[6], 3, 2, 2);
        var singles = Dataset.FromSingle([.. x.Select(v => (float)v)], new double[6], 3, 2, 2);
        var row = new double[2];
        var expected = new List<double>();
        for (int i = 0; i < 3; i++)
        {
            model.Predict(x.AsSpan(i * 2, 2), row);
            expected.AddRange(row);
        }
        Assert.Equal(expected, model.Predict(doubles));
        Assert.Equal(expected, model.Predict(singles));
        Assert.Equal(1 * 1 - 2 * 2 + 0.5, expected[0]);
    }

    [Fact]
    public void DataWithOtherFeaturesIsRefusedNamingTheModelsFeatures()
    {
        var model = new LinearModel(new ParameterLayout(2, 1, true), [1, 2, 3], ["a", "b"], ["y"]);
        var e = Assert.Throws<LsgdException>(() => model.Predict(new Dataset([1, 2, 3], [0], 1, 3)));
        Assert.Equal("The model expects 2 features (a, b) but the data has 3.", e.Message);
    }
}
