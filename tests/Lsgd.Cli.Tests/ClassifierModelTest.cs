using System.Globalization;
using System.Text.Json;
using Lsgd.Testing;

namespace Lsgd.Cli.Tests;

/// <summary><c>lsgd classify --l2 --output</c> and <c>lsgd predict</c> with the classifier it writes.</summary>
public class ClassifierModelTest
{
    private static string Iris => Path.Combine(CliRunner.RepositoryRoot(), "examples", "04-classifier", "iris.csv");

    private static double[][] Coefficients(string modelPath)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(modelPath));
        return [.. doc.RootElement.GetProperty("coefficients").EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.GetDouble()).ToArray())];
    }

    [Fact]
    public void PredictWithASavedClassifierGivesTheClassesClassifyCountedAsCorrect()
    {
        using var temp = new TempFolder();
        string model = temp.File("iris-classifier.json");
        var fit = CliRunner.Run("classify", Iris, "--target", "species", "--output", model, "--json");
        Assert.Equal(0, fit.ExitCode);
        Assert.Equal(model, fit.Json.GetProperty("model_file").GetString());
        int correct = fit.Json.GetProperty("correct").GetInt32();

        var r = CliRunner.Run("predict", model, Iris, "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(["predicted_species", "score_setosa", "score_versicolor", "score_virginica"], r.Json.GetProperty("columns").EnumerateArray().Select(e => e.GetString()));
        var predicted = r.Json.GetProperty("predictions").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var scores = r.Json.GetProperty("scores").EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var labels = File.ReadAllLines(Iris).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')[^1].Trim('"')).ToArray();
        Assert.Equal(150, predicted.Length);
        Assert.Equal(correct, predicted.Zip(labels).Count(p => p.First == p.Second));
        string[] classes = ["setosa", "versicolor", "virginica"];
        for (int i = 0; i < predicted.Length; i++)
            Assert.Equal(classes[Array.IndexOf(scores[i], scores[i].Max())], predicted[i]);   // the class is the largest score

        var csv = CliRunner.Run("predict", model, Iris);
        Assert.Equal(0, csv.ExitCode);
        var lines = csv.Output.TrimEnd().Split('\n');
        Assert.Equal("predicted_species,score_setosa,score_versicolor,score_virginica", lines[0]);
        var first = lines[1].Split(',');
        Assert.Equal(predicted[0], first[0]);
        Assert.Equal(scores[0][2], double.Parse(first[3], CultureInfo.InvariantCulture));
    }

    [Fact]
    public void ClassifyL2IsFitsRidgeOnTheOneHotColumnsAndShrinksTheWeights()
    {
        using var temp = new TempFolder();
        // The same problem for fit: one 0/1 column per class.
        var rows = File.ReadAllLines(Iris).Where(l => l.Length > 0).ToArray();
        var header = rows[0].Split(',');
        string[] classes = ["setosa", "versicolor", "virginica"];
        var oneHot = new List<string> { string.Join(",", header[..^1].Concat(classes.Select(c => "is_" + c))) };
        foreach (var row in rows.Skip(1))
        {
            var cells = row.Split(',');
            string label = cells[^1].Trim('"');
            oneHot.Add(string.Join(",", cells[..^1].Concat(classes.Select(c => c == label ? "1" : "0"))));
        }
        string wide = temp.File("iris-onehot.csv", string.Join("\n", oneHot) + "\n");
        string ridgeModel = temp.File("ridge.json"), plainModel = temp.File("plain.json"), fitModel = temp.File("fit.json");

        var r = CliRunner.Run("classify", Iris, "--target", "species", "--l2", "0.5", "--output", ridgeModel, "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(0.5, r.Json.GetProperty("l2").GetDouble());
        Assert.True(r.Json.GetProperty("converged").GetBoolean());
        Assert.Equal(0, CliRunner.Run("classify", Iris, "--target", "species", "--output", plainModel).ExitCode);
        var f = CliRunner.Run(["fit", wide, "--targets", string.Join(",", classes.Select(c => "is_" + c)), "--features", string.Join(",", header[..^1]), "--l2", "0.5", "--output", fitModel]);
        Assert.Equal(0, f.ExitCode);

        var ridge = Coefficients(ridgeModel);
        var viaFit = Coefficients(fitModel);
        for (int c = 0; c < 3; c++)
            for (int j = 0; j < ridge[c].Length; j++)
                Assert.Equal(viaFit[c][j], ridge[c][j], 1e-6);
        double Norm(double[][] w) => Math.Sqrt(w.Sum(row => row.Sum(v => v * v)));
        Assert.True(Norm(ridge) < 0.9 * Norm(Coefficients(plainModel)), "λ₂ = 0.5 shrinks the weights");
    }

    [Fact]
    public void ClassifyL2WithTheExactMethodAndAnOutputOverTheDataAreRefused()
    {
        var exact = CliRunner.Run("classify", Iris, "--target", "species", "--l2", "0.5", "--method", "exact");
        Assert.Equal(2, exact.ExitCode);
        Assert.Contains("Use --method cg for ridge", exact.Error);
        var negative = CliRunner.Run("classify", Iris, "--target", "species", "--l2=-1");
        Assert.Equal(2, negative.ExitCode);
        Assert.StartsWith("lsgd: error: --l2 -1 is not allowed", negative.Error);
        var over = CliRunner.Run("classify", Iris, "--target", "species", "--output", Iris);
        Assert.Equal(2, over.ExitCode);
        Assert.StartsWith("lsgd: error: ", over.Error);
    }
}
