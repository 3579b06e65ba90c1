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
        var head = new HeadTrainer().Fit(x, d, HeadTarget.Classification("answer", labels)).Head;
        using var folder = new TempFolder();
        string path = folder.File("answer.head.json");

        new HeadFile(head, "answer", MiniLmEncoder.Id, "question", 0.1).Save(path);
        var loaded = HeadFile.Load(path);

        Assert.True(HeadFile.IsHead(path));
        Assert.Equal(("answer", MiniLmEncoder.Id, "question", 0.1), (loaded.Target, loaded.Encoder, loaded.TextColumn, loaded.L2));
        Assert.Equal(HeadTask.Classification, loaded.Head.Task);
        Assert.Equal(["no", "yes"], loaded.Head.Classes);
        Assert.Equal(head.Scores(x), loaded.Head.Scores(x));
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
        using var predictor = new HeadPredictor(new HeadFile(new LinearHead(model, HeadTask.Regression), "y", null, "text"));
        var error = Assert.Throws<LsgdException>(() => predictor.PredictTexts(["hello"]));
        Assert.StartsWith("This head was trained on features from a file (--embeddings), so it cannot embed texts itself.", error.Message);
        Assert.Equal([1 * 0.5 + 2 * 0.25 + 3], predictor.PredictFeatures([0.5f, 0.25f]).Scores);
    }
}
