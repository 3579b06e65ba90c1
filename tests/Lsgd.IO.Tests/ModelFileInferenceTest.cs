using System.Text.Json.Nodes;
using Lsgd.Estimators;
using Lsgd.IO;
using Lsgd.Models;

namespace Lsgd.IO.Tests;

/// <summary>The optional "inference" of a model file: the parameters' covariance and σ̂ for prediction intervals.</summary>
public class ModelFileInferenceTest
{
    private static ModelFile Sample(bool withCovariance)
    {
        var layout = new ParameterLayout(2, 2, true);
        var model = new LinearModel(layout, [0.1, 1.0 / 3, Math.PI, -2, 5, 7], ["u", "v"], ["a", "b"]);
        double[] first = [4, 0.5, -1.0 / 3, 0.5, 2, 0.25, -1.0 / 3, 0.25, 1e-300];
        double[] second = [.. first.Select(v => v * Math.E)];
        var covariance = new ParameterCovariance(["u", "v"], true, [first, second], [0.7, Math.Sqrt(2)], 17);
        return new ModelFile(model, new Lsgd.Data.FeatureSpec(["u", "v"])) { Covariance = withCovariance ? covariance : null };
    }

    [Fact]
    public void CovarianceRoundTripsBitForBit()
    {
        using var t = new TempFolder();
        string path = t.File("m.json");
        var file = Sample(withCovariance: true);
        file.Save(path);
        var back = ModelFile.Load(path).Covariance!;
        Assert.Equal(["(intercept)", "u", "v"], back.Names);
        Assert.Equal(2, back.Outputs);
        Assert.Equal(17, back.DegreesOfFreedom);
        Assert.Equal(Math.Sqrt(2), back.ResidualStandardDeviation(1));
        for (int o = 0; o < 2; o++)
            Assert.Equal(file.Covariance!.Matrix(o).ToArray(), back.Matrix(o).ToArray());
        var inference = JsonNode.Parse(File.ReadAllText(path))!["inference"]!;
        Assert.Equal("nonrobust", (string?)inference["cov_type"]);
        Assert.Equal(3, inference["covariance"]![0]!.AsArray().Count);   // p rows of p
    }

    [Fact]
    public void AFileWithoutInferenceLoadsWithoutCovariance()
    {
        using var t = new TempFolder();
        string path = t.File("m.json");
        Sample(withCovariance: false).Save(path);
        Assert.Null(JsonNode.Parse(File.ReadAllText(path))!["inference"]);
        var back = ModelFile.Load(path);
        Assert.Null(back.Covariance);
        Assert.Equal(Math.PI, back.Model.Intercept(0));
    }

    [Theory]
    [InlineData("names", "[\"(intercept)\", \"v\", \"u\"]", "names the parameters (intercept), v, u")]
    [InlineData("residual_sd", "[0.7]", "1 residual standard deviations for 2 targets")]
    [InlineData("degrees_of_freedom", "0", "residual degrees of freedom")]
    public void ADamagedInferenceIsRefusedWithAdvice(string field, string value, string expected)
    {
        using var t = new TempFolder();
        string path = t.File("m.json");
        Sample(withCovariance: true).Save(path);
        var root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        root["inference"]![field] = JsonNode.Parse(value);
        File.WriteAllText(path, root.ToJsonString());
        var e = Assert.Throws<LsgdException>(() => ModelFile.Load(path));
        Assert.Contains(expected, e.Message);
        Assert.Contains("re-create it with 'lsgd fit --output'", e.Message);
    }
}
