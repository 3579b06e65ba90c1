using Microsoft.ML.OnnxRuntime;

namespace Lsgd.Embeddings.Tests;

public class OnnxExportTest
{
    private static (float[] X, HeadFile Head) Trained(HeadTask task, int n = 120, int d = 12)
    {
        var random = new Random(11);
        var x = new float[n * d];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 2 - 1);
        HeadTarget target = task == HeadTask.Regression
            ? HeadTarget.Regression("y", [.. Enumerable.Range(0, n).Select(i => 3 * x[i * d] - x[i * d + 1] + 0.5 + 0.1 * random.NextDouble())])
            : HeadTarget.Classification("c", [.. Enumerable.Range(0, n).Select(i => x[i * d] > 0.3 ? "high" : x[i * d] < -0.3 ? "low" : "mid")]);
        return (x, HeadFile.FromFit(new HeadTrainer(new HeadOptions { L2 = 0.01 }).Fit(x, d, target), target.Name, null, "text"));
    }

    private static HeadPredictions Predict(HeadFile head, float[] x)
    {
        using var predictor = new HeadPredictor(head);
        return predictor.PredictFeatures(x);
    }

    private static (double[] Scores, long[]? Classes) RunOnnx(byte[] model, float[] x, int d)
    {
        using var session = new InferenceSession(model);
        using var input = OrtValue.CreateTensorValueFromMemory(x, [x.Length / d, d]);
        using var outputs = session.Run(new RunOptions(), new Dictionary<string, OrtValue> { [OnnxExport.InputName] = input }, session.OutputNames);
        var scores = outputs[0].GetTensorDataAsSpan<double>().ToArray();
        long[]? classes = outputs.Count > 1 ? outputs[1].GetTensorDataAsSpan<long>().ToArray() : null;
        return (scores, classes);
    }

    [Fact]
    public void OnnxRegressionHeadReproducesLsgdPredictions()
    {
        var (x, head) = Trained(HeadTask.Regression);
        var (scores, classes) = RunOnnx(OnnxExport.ToBytes(head), x, head.Dimension);
        Assert.Null(classes);
        var expected = Predict(head, x).Scores.ToArray();
        Assert.Equal(expected.Length, scores.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], scores[i], 1e-5);
    }

    [Fact]
    public void OnnxClassifierReproducesLsgdScoresAndClasses()
    {
        var (x, head) = Trained(HeadTask.Classification);
        var (scores, classes) = RunOnnx(OnnxExport.ToBytes(head), x, head.Dimension);
        var expected = Predict(head, x).Scores.ToArray();
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], scores[i], 1e-5);
        Assert.Equal(Predict(head, x).ClassIndices!.Select(c => (long)c), classes!);
    }

    [Fact]
    public void OnnxModelDescribesItsInputsOutputsAndClasses()
    {
        var (_, head) = Trained(HeadTask.Classification);
        using var session = new InferenceSession(OnnxExport.ToBytes(head, new Dictionary<string, string> { ["lsgd.encoder"] = "test" }));
        Assert.Equal([OnnxExport.InputName], session.InputNames);
        Assert.Equal([OnnxExport.ScoresName, OnnxExport.ClassName], session.OutputNames);
        Assert.Equal([-1, 12], session.InputMetadata[OnnxExport.InputName].Dimensions);
        var metadata = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("[\"high\",\"low\",\"mid\"]", metadata["lsgd.classes"]);
        Assert.Equal("classification", metadata["lsgd.task"]);
        Assert.Equal("test", metadata["lsgd.encoder"]);
        Assert.Equal("lsgd", session.ModelMetadata.ProducerName);
    }
}
