using Lsgd.Applications.Classification;
using Lsgd.IO;
using Lsgd.Models;
using Lsgd.Testing;

namespace Lsgd.IO.Tests;

/// <summary>A classifier saved as a model file: its score model, classes, encoding and label column come back.</summary>
public class ClassifierModelFileTest
{
    private static LeastSquaresClassifierModel Classifier(TargetEncoding encoding = TargetEncoding.PlusMinusOne)
    {
        var layout = new ParameterLayout(2, 3, true);
        var scores = new LinearModel(layout, [1, 0, 0.5, 0, 1, -0.5, -1, -1, 0.25], ["u", "v"], ["red", "green, light", "blue"]);
        return new LeastSquaresClassifierModel(scores, ["red", "green, light", "blue"], encoding);
    }

    [Fact]
    public void AClassifierRoundTripsWithItsClassesEncodingAndTarget()
    {
        using var t = new TempFolder();
        string path = t.File("c.json");
        var classifier = Classifier();
        new ModelFile(classifier, "colour", new Data.FeatureSpec(["u", "v"])) { Converged = true }.Save(path);
        var back = ModelFile.Load(path);
        Assert.NotNull(back.Classifier);
        Assert.Equal(["red", "green, light", "blue"], back.Classifier.Classes);
        Assert.Equal(TargetEncoding.PlusMinusOne, back.Classifier.Encoding);
        Assert.Equal("colour", back.ClassifierTarget);
        Assert.Same(back.Model, back.Classifier.Scores);
        Assert.Equal(classifier.Scores.Parameters.ToArray(), back.Model.Parameters.ToArray());
        Assert.Equal("blue", back.Classifier.Predict([-1.0, -1.0]));
        Assert.Equal(classifier.Predict([0.3, 2.0]), back.Classifier.Predict([0.3, 2.0]));
    }

    [Fact]
    public void ARegressionModelHasNoClassifier()
    {
        using var t = new TempFolder();
        string path = t.File("m.json");
        var model = new LinearModel(new ParameterLayout(1, 1, true), [2, 1], ["x"], ["y"]);
        new ModelFile(model, new Data.FeatureSpec(["x"])).Save(path);
        Assert.DoesNotContain("classifier", File.ReadAllText(path));
        Assert.Null(ModelFile.Load(path).Classifier);
    }

    [Fact]
    public void AClassifierWhoseClassesDoNotMatchItsOutputsIsRefused()
    {
        using var t = new TempFolder();
        string path = t.File("c.json");
        new ModelFile(Classifier(), "colour", new Data.FeatureSpec(["u", "v"])).Save(path);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"blue\"\n    ]", "\"blue\", \"pink\"\n    ]"));
        var e = Assert.Throws<LsgdException>(() => ModelFile.Load(path));
        Assert.Contains("its classifier lists 4 classes for 3 score outputs", e.Message);
    }
}
