using Lsgd.MLNet;
using Microsoft.ML;
using Xunit.Abstractions;

namespace Lsgd.MLNet.Tests;

public sealed class WeightedLeastSquaresTrainerTest(ITestOutputHelper output)
{
    public sealed class Row
    {
        public float X1 { get; set; }
        public float X2 { get; set; }
        public float X3 { get; set; }
        public float Label { get; set; }
        public float Weight { get; set; }
    }

    /// <summary>
    /// y = 1 + 2 x1 − 0.5 x2 + 3 x3 + noise, weights 0–3, and one row in ten an outlier (y + 8) of weight 0.05:
    /// the weighted optimum all but ignores the outliers, the unweighted one does not.
    /// </summary>
    private static Row[] Rows()
    {
        var random = new Random(11);
        return [.. Enumerable.Range(0, 300).Select(i =>
        {
            float x1 = (float)(4 * random.NextDouble() - 2), x2 = (float)(5 * random.NextDouble()), x3 = (float)(2 * random.NextDouble() - 1);
            bool outlier = i % 10 == 3;
            double y = 1 + 2 * x1 - 0.5 * x2 + 3 * x3 + 0.3 * (random.NextDouble() - 0.5) + (outlier ? 8 : 0);
            return new Row { X1 = x1, X2 = x2, X3 = x3, Label = (float)y, Weight = outlier ? 0.05f : random.Next(4) };
        })];
    }

    private static double[] Features(Row r) => [r.X1, r.X2, r.X3];

    /// <summary>Σ wᵢ (yᵢ − ŷᵢ)² / Σ wᵢ of a fitted pipeline's scores.</summary>
    private static double WeightedMse(MLContext ml, ITransformer model, IDataView data)
    {
        var scores = ml.Data.CreateEnumerable<Scored>(model.Transform(data), reuseRowObject: false).ToArray();
        return scores.Sum(s => s.Weight * Math.Pow(s.Label - s.Score, 2)) / scores.Sum(s => (double)s.Weight);
    }

    public sealed class Scored
    {
        public float Label { get; set; }
        public float Weight { get; set; }
        public float Score { get; set; }
    }

    [Fact]
    public void AWeightsColumnGivesTheExactWeightedLeastSquaresSolution()
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows();
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Transforms.Concatenate("Features", nameof(Row.X1), nameof(Row.X2), nameof(Row.X3))
            .Append(ml.Regression.Trainers.LeastSquares(exampleWeightColumnName: nameof(Row.Weight)))
            .Fit(data);

        var fit = model.LastTransformer.Fit!;
        var exact = NormalEquations.Solve([.. rows.Select(Features)], [.. rows.Select(r => (double)r.Label)], [.. rows.Select(r => (double)r.Weight)]);
        var unweighted = NormalEquations.Solve([.. rows.Select(Features)], [.. rows.Select(r => (double)r.Label)]);
        Assert.True(fit.Converged);
        for (int j = 0; j < 3; j++)
            Assert.Equal(exact[j], fit.Model.Coefficients()[j], 1e-8 * (1 + Math.Abs(exact[j])));
        Assert.Equal(exact[3], fit.Model.Intercept(), 1e-8 * (1 + Math.Abs(exact[3])));
        // The weights matter here: the unweighted intercept is pulled up by the outliers by about 0.8.
        Assert.True(Math.Abs(unweighted[3] - exact[3]) > 0.3, $"unweighted intercept {unweighted[3]} vs weighted {exact[3]}");
    }

    [Fact]
    public void OnTheSameWeightedDataMlNetsSdcaDoesNotGoBelowLsgdsWeightedLoss()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows());
        var features = ml.Transforms.Concatenate("Features", nameof(Row.X1), nameof(Row.X2), nameof(Row.X3));

        double lsgd = WeightedMse(ml, features.Append(ml.Regression.Trainers.LeastSquares(exampleWeightColumnName: nameof(Row.Weight))).Fit(data), data);
        double lsgdUnweighted = WeightedMse(ml, features.Append(ml.Regression.Trainers.LeastSquares()).Fit(data), data);
        double sdca = WeightedMse(ml, features.Append(ml.Regression.Trainers.Sdca(exampleWeightColumnName: nameof(Row.Weight))).Fit(data), data);
        double sdcaUnweighted = WeightedMse(ml, features.Append(ml.Regression.Trainers.Sdca()).Fit(data), data);
        output.WriteLine($"weighted MSE: Lsgd weighted {lsgd:G8}, Lsgd unweighted {lsgdUnweighted:G8}, Sdca weighted {sdca:G8}, Sdca unweighted {sdcaUnweighted:G8}");

        // Lsgd's weighted fit is the weighted optimum: no other linear model, ML.NET's included, does better on it.
        Assert.True(lsgd <= sdca * (1 + 1e-6), $"Lsgd {lsgd} vs Sdca {sdca}");
        Assert.True(lsgd < lsgdUnweighted * 0.9, $"weighted {lsgd} vs unweighted {lsgdUnweighted}");
        // Both read the column the same way: Sdca's weighted fit is better on the weighted loss than its unweighted one.
        Assert.True(sdca < sdcaUnweighted, $"Sdca weighted {sdca} vs unweighted {sdcaUnweighted}");
    }

    [Fact]
    public void AMissingOrNonFloatWeightsColumnIsNamed()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows());
        var features = ml.Transforms.Concatenate("Features", nameof(Row.X1), nameof(Row.X2), nameof(Row.X3));
        var missing = Assert.ThrowsAny<ArgumentException>(() =>
            features.Append(ml.Regression.Trainers.LeastSquares(exampleWeightColumnName: "W")).Fit(data));
        Assert.Contains("'W'", missing.Message, StringComparison.Ordinal);
        var vector = Assert.ThrowsAny<ArgumentException>(() =>
            features.Append(ml.Regression.Trainers.LeastSquares(exampleWeightColumnName: "Features")).Fit(data));
        Assert.Contains("must be float", vector.Message, StringComparison.Ordinal);
    }
}
