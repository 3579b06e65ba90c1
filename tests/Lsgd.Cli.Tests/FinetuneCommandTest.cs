using System.Globalization;
using System.Text;
using Lsgd.Embeddings;
using Lsgd.IO;

namespace Lsgd.Cli.Tests;

/// <summary><c>lsgd finetune</c> and <c>lsgd predict HEAD.json --text</c>; the encoder runs only on a handful of texts.</summary>
public class FinetuneCommandTest
{
    /// <summary>n rows of texts with a class and a value, and 6-d features that separate the classes.</summary>
    private static (string Csv, string Npy) Data(TempFolder t, int n = 150)
    {
        var random = new Random(1);
        string[] classes = ["cat", "dog", "fish"];
        var csv = new StringBuilder("text,animal,weight,owner\n");
        var x = new float[n * 6];
        for (int i = 0; i < n; i++)
        {
            int c = i % 3;
            for (int j = 0; j < 6; j++) x[i * 6 + j] = (j == c ? 2f : 0f) + (float)(random.NextDouble() - 0.5);
            double weight = 3 * x[i * 6] - x[i * 6 + 1] + 0.1 * random.NextDouble();
            csv.Append(CultureInfo.InvariantCulture, $"\"my {classes[c]}, number {i}\",{classes[c]},{weight:R},owner{i / 2}\n");
        }
        string npy = t.File("features.npy");
        NpyFile.Write(npy, x, n, 6);
        return (t.File("pets.csv", csv.ToString()), npy);
    }

    [Fact]
    public void FinetuneOnGivenFeaturesReportsTestAccuracyNextToBaselines()
    {
        using var t = new TempFolder();
        var (csv, npy) = Data(t);
        string head = t.File("pets.head.json");
        var r = CliRunner.Run("finetune", csv, "--text", "text", "--target", "animal", "--embeddings", npy, "--output", head, "--json");
        Assert.Equal(0, r.ExitCode);
        var json = r.Json;
        Assert.Equal("classification", json.GetProperty("task").GetString());
        Assert.Equal(1.0, json.GetProperty("test").GetProperty("accuracy").GetDouble());
        Assert.Equal(30, json.GetProperty("test").GetProperty("rows").GetInt32());
        Assert.True(json.GetProperty("baselines").GetProperty("majority").GetProperty("accuracy").GetDouble() < 0.5);
        Assert.True(json.GetProperty("baselines").GetProperty("bag_of_words").TryGetProperty("accuracy", out _));
        Assert.Equal(HeadOptions.AutoL2Candidates.Count, json.GetProperty("l2_trials").GetArrayLength());
        Assert.Equal(["cat", "dog", "fish"], HeadFile.Load(head).Classes);

        var p = CliRunner.Run("predict", head, npy);
        Assert.Equal(0, p.ExitCode);
        var lines = p.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("predicted_animal,score", lines[0]);
        Assert.Equal(["cat", "dog", "fish", "cat"], lines.Skip(1).Take(4).Select(l => l.Split(',')[0]));
    }

    [Fact]
    public void NumericTargetIsRegressionWithGroupedSplitAndMeanBaseline()
    {
        using var t = new TempFolder();
        var (csv, npy) = Data(t);
        var r = CliRunner.Run("finetune", csv, "--text", "text", "--target", "weight", "--group-by", "owner", "--embeddings", npy,
            "--output", t.File("w.head.json"), "--onnx", t.File("w.onnx"), "--no-bag-of-words", "--json");
        Assert.Equal(0, r.ExitCode);
        var json = r.Json;
        Assert.Equal("regression", json.GetProperty("task").GetString());
        Assert.True(json.GetProperty("test").GetProperty("r_squared").GetDouble() > 0.99);
        Assert.True(json.GetProperty("baselines").GetProperty("mean").GetProperty("r_squared").GetDouble() < 0.05);
        Assert.Equal(75, json.GetProperty("split").GetProperty("groups").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, json.GetProperty("baselines").GetProperty("bag_of_words").ValueKind);
        Assert.True(new FileInfo(t.File("w.onnx")).Length > 0);
    }

    [Fact]
    public void PredictFromTextsEmbedsWithTheHeadsEncoder()
    {
        // A head whose weights are the embedding of "happy": its score is the cosine similarity with "happy".
        using var encoder = new MiniLmEncoder();
        var happy = new TextEmbedder(encoder).Embed(["happy"]).Vectors;
        var weights = happy.Select(v => (double)v).Append(0).ToArray();
        var model = new Models.LinearModel(new Models.ParameterLayout(384, 1, true), weights, HeadTrainer.FeatureNames(384), ["mood"]);
        using var t = new TempFolder();
        string head = t.File("mood.head.json");
        new HeadFile(model, "mood", MiniLmEncoder.Id, "text").Save(head);

        var r = CliRunner.Run("predict", head, "--text", "happy", "--text", "a carburetor, rusty", "--json");

        Assert.Equal(0, r.ExitCode);
        var predictions = r.Json.GetProperty("predictions").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(1.0, predictions[0], 5);
        Assert.True(predictions[1] < 0.5);
        var csv = CliRunner.Run("predict", head, "--text", "a carburetor, rusty");
        Assert.StartsWith("text,predicted_mood\n\"a carburetor, rusty\",", csv.Output);
    }

    private static void AssertUserError(CliRunner.Result r, string expected)
    {
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("lsgd: error: " + expected, r.Error.TrimEnd());
        Assert.DoesNotContain("   at ", r.Error);
    }

    [Fact]
    public void MissingTextColumnIsAUserError()
    {
        using var t = new TempFolder();
        var (csv, npy) = Data(t, 3);
        AssertUserError(CliRunner.Run("finetune", csv, "--text", "sentence", "--target", "animal", "--embeddings", npy),
            $"{csv} has no column 'sentence'; its columns are 'text', 'animal', 'weight', 'owner'. Check the spelling (names are case-sensitive).");
    }

    [Fact]
    public void EmptyTextIsAUserErrorNamingItsLine()
    {
        using var t = new TempFolder();
        string csv = t.File("e.csv", "text,label\nfine,a\n  ,b\n");
        AssertUserError(CliRunner.Run("finetune", csv, "--text", "text", "--target", "label"),
            $"{csv}, line 3: the text in column 'text' is empty. Every row needs a text to embed: fill it in or remove the row.");
    }

    [Fact]
    public void TargetWithOneClassIsAUserError()
    {
        using var t = new TempFolder();
        string csv = t.File("one.csv", "text,label\nfine,a\ngood,a\n");
        AssertUserError(CliRunner.Run("finetune", csv, "--text", "text", "--target", "label"),
            "The target 'label' has only one class ('a') in all 2 rows: a classifier needs at least two. Check the column.");
    }

    [Fact]
    public void FeaturesWithTheWrongNumberOfRowsAreAUserError()
    {
        using var t = new TempFolder();
        var (csv, _) = Data(t, 6);
        string npy = t.File("short.npy");
        NpyFile.Write(npy, new float[10], 5, 2);
        AssertUserError(CliRunner.Run("finetune", csv, "--text", "text", "--target", "animal", "--embeddings", npy),
            $"{npy} has 5 rows but {csv} has 6 data rows: the features need one row per text, in the same order.");
    }

    [Fact]
    public void RefusedOptionNamesTheFlag()
    {
        using var t = new TempFolder();
        var (csv, npy) = Data(t, 6);
        AssertUserError(CliRunner.Run("finetune", csv, "--text", "text", "--target", "animal", "--embeddings", npy, "--test-fraction", "1.5"),
            "--test-fraction 1.5 is not allowed: it must be a number in (0, 1). Try 0.2.");
        AssertUserError(CliRunner.Run("finetune", csv, "--text", "text", "--target", "animal", "--threads", "0"),
            "--threads 0 is not allowed: it must be an integer >= 1. Use 1, or leave it unset to use every core.");
    }

    [Fact]
    public void PredictingTextsWithAHeadOnFileFeaturesIsAUserError()
    {
        using var t = new TempFolder();
        var (csv, npy) = Data(t);
        string head = t.File("h.json");
        Assert.Equal(0, CliRunner.Run("finetune", csv, "--text", "text", "--target", "animal", "--embeddings", npy, "--output", head, "--no-bag-of-words").ExitCode);
        AssertUserError(CliRunner.Run("predict", head, "--text", "my cat"),
            "This head was trained on features from a file (--embeddings), so it cannot embed texts itself. " +
            "Compute the texts' features with the same model and give them as a .npy file instead of --text.");
    }
}
