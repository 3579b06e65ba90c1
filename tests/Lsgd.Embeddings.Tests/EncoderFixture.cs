namespace Lsgd.Embeddings.Tests;

/// <summary>One MiniLM encoder shared by a test class (loading the model takes a moment).</summary>
public sealed class EncoderFixture : IDisposable
{
    public MiniLmEncoder Encoder { get; } = new();

    public void Dispose() => Encoder.Dispose();
}

internal static class Vectors
{
    public static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (double)a[i] * b[i];
        return s;
    }

    /// <summary>A few dozen AFINN-165 words with their valence (from examples/06-afinn-valence).</summary>
    public static (string[] Words, double[] Valence) AfinnSample(int count)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "Lsgd.slnx")))
            dir = dir.Parent;
        var lines = System.IO.File.ReadAllLines(System.IO.Path.Combine(dir!.FullName, "examples", "06-afinn-valence", "afinn-165.csv"));
        var rows = lines.Skip(1).Where((_, i) => i % 97 == 0).Take(count).Select(l => l.Split(',')).ToArray();
        return ([.. rows.Select(r => r[0])], [.. rows.Select(r => double.Parse(r[1], System.Globalization.CultureInfo.InvariantCulture))]);
    }
}
