namespace Lsgd.Embeddings.Tests;

public class HeadFileTest
{
    [Fact]
    public void SavedHeadLoadsAndPredictsTheSame()
    {
        var random = new Random(2);
        int n = 60, d = 4;
        var x = new float[n * d];
        for (int i = 0; i < x.Length; i++) x[i] = (float)random.NextDouble();
        var labels = Enumerable.Range(0, n).Select(i => x[i * d] > 0.5 ? "yes" : "no").ToArray();
        var fit = new HeadTrainer().Fit(x, d, HeadTarget.Classification("answer", labels));
        using var folder = new TempFolder();
        string path = folder.File("answer.head.json");

        new HeadFile(fit.Classification!.Model, "answer", MiniLmEncoder.Id, "question", 0.1).Save(path);
        var loaded = HeadFile.Load(path);

        Assert.True(HeadFile.IsHead(path));
        Assert.Equal(("answer", MiniLmEncoder.Id, "question", 0.1), (loaded.Target, loaded.Encoder, loaded.TextColumn, loaded.L2));
        Assert.Equal(HeadTask.Classification, loaded.Task);
        Assert.Equal(["no", "yes"], loaded.Classes);
        using var predictor = new HeadPredictor(loaded);
        Assert.Equal(fit.Scores(x), predictor.PredictFeatures(x).Scores);
        // It is also an ordinary Lsgd model file.
        Assert.Equal(d, Lsgd.IO.ModelFile.Load(path).Model.Features);
    }

    [Fact]
    public void PlainModelFileIsNotAHead()
    {
        using var folder = new TempFolder();
        string path = folder.File("plain.json");
        var model = new Models.LinearModel(new Models.ParameterLayout(1, 1, true), [2, 1], ["x"], ["y"]);
        new Lsgd.IO.ModelFile(model, new Lsgd.Data.FeatureSpec(["x"])).Save(path);
        Assert.False(HeadFile.IsHead(path));
        var error = Assert.Throws<LsgdException>(() => HeadFile.Load(path));
        Assert.Equal($"{path} is a linear model but not a head (it has no \"head\" object): predicting from texts needs a head written by 'lsgd finetune'.", error.Message);
    }

    [Fact]
    public void HeadOnFeaturesFromAFileCannotEmbedTexts()
    {
        var model = new Models.LinearModel(new Models.ParameterLayout(2, 1, true), [1, 2, 3], ["e1", "e2"], ["y"]);
        using var predictor = new HeadPredictor(new HeadFile(model, "y", null, "text"));
        var error = Assert.Throws<LsgdException>(() => predictor.PredictTexts(["hello"]));
        Assert.StartsWith("This head was trained on features from a file (--embeddings), so it cannot embed texts itself.", error.Message);
        Assert.Equal([1 * 0.5 + 2 * 0.25 + 3], predictor.PredictFeatures([0.5f, 0.25f]).Scores);
    }

    /// <summary>
    /// A head written by lsgd before heads shared the classifier (its "head" object is version 1, as now): numeric
    /// classes were then ordered as text, and the file lists them in that output order.
    /// </summary>
    private const string HeadWrittenBeforeTheSharedClassifier = """
        {
          "format": "lsgd.linear-model", "version": 1, "inputs": ["e1", "e2"], "degree": 1, "features": ["e1", "e2"],
          "targets": ["1", "10", "2"], "intercept": true,
          "coefficients": [[-0.30058053734855245, -0.30726376780707804], [-0.009301814988980767, 0.3248838666887984], [0.30988235233753314, -0.01762009888172052]],
          "intercepts": [0.9610194128767416, -0.00179115688939957, 0.04077174401265815],
          "standardization": null,
          "training": {"task": "classification", "data": "stars.csv", "rows": 60, "classes": ["1", "10", "2"], "l2": 0, "iterations": 45},
          "head": {"version": 1, "task": "classification", "classes": ["1", "10", "2"], "target": "stars", "text_column": "text", "encoder": null, "l2": 0}
        }
        """;

    [Fact]
    public void HeadWrittenBeforeTheSharedClassifierLoadsWithItsOwnClassOrder()
    {
        using var folder = new TempFolder();
        string path = folder.File("stars.head.json");
        File.WriteAllText(path, HeadWrittenBeforeTheSharedClassifier);
        var head = HeadFile.Load(path);
        Assert.Equal(["1", "10", "2"], head.Classes);
        // Its three clusters were centred on (0, 0) → "1", (3, 0) → "2" and (0, 3) → "10".
        using var predictor = new HeadPredictor(head);
        Assert.Equal(["1", "2", "10"], predictor.PredictFeatures([0, 0, 3, 0, 0, 3]).Labels);
        Assert.Equal("1", head.Classifier!.Predict([0.1, -0.2]));
        // Saved again, it is the same head.
        head.Save(path);
        Assert.Equal(["1", "10", "2"], HeadFile.Load(path).Classes);
    }
}
