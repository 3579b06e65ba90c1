using System.Globalization;
using Lsgd.Data;

namespace Lsgd.Tests.Applications;

/// <summary>Fixtures of the application tests: a spectrum with known gaps, Fisher's iris, the XOR-like saddle.</summary>
internal static class ApplicationData
{
    /// <summary>
    /// n rows of x = μ + Σⱼ sⱼ zⱼ qⱼ with z ~ N(0, 1) and q a seeded random orthonormal basis: a sample whose covariance has
    /// eigenvalues near sⱼ² (25, 9, 4, 1, …) — well separated — and eigenvectors near qⱼ.
    /// </summary>
    public static Dataset Spectrum(int n = 2000, int seed = 1)
    {
        double[] sd = [5, 3, 2, 1, 0.5, 0.3, 0.2, 0.1];
        int d = sd.Length;
        var rng = new Random(seed);
        var q = new double[d * d];
        for (int i = 0; i < q.Length; i++) q[i] = TestData.Gaussian(rng);
        for (int j = 0; j < d; j++)
        {
            for (int i = 0; i < j; i++)
            {
                double dot = 0;
                for (int c = 0; c < d; c++) dot += q[i * d + c] * q[j * d + c];
                for (int c = 0; c < d; c++) q[j * d + c] -= dot * q[i * d + c];
            }
            double norm = Math.Sqrt(Enumerable.Range(0, d).Sum(c => q[j * d + c] * q[j * d + c]));
            for (int c = 0; c < d; c++) q[j * d + c] /= norm;
        }
        var x = new double[n * d];
        var s = new double[d];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++) s[j] = sd[j] * TestData.Gaussian(rng);
            for (int c = 0; c < d; c++)
            {
                double v = 3 + c;
                for (int j = 0; j < d; j++) v += s[j] * q[j * d + c];
                x[i * d + c] = v;
            }
        }
        return new Dataset(x, new double[n], n, d);
    }

    /// <summary>The sample covariance Σ(x − x̄)(x − x̄)ᵀ/(n − 1), d × d, computed directly (the reference's input).</summary>
    public static double[] Covariance(Dataset data, bool standardize = false)
    {
        int n = data.Rows, d = data.Features;
        var mean = new double[d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) mean[j] += data.Feature(i, j) / n;
        var c = new double[d * d];
        for (int i = 0; i < n; i++)
            for (int a = 0; a < d; a++)
                for (int b = 0; b < d; b++)
                    c[a * d + b] += (data.Feature(i, a) - mean[a]) * (data.Feature(i, b) - mean[b]) / (n - 1);
        if (standardize)
        {
            var sd = Enumerable.Range(0, d).Select(j => Math.Sqrt(c[j * d + j])).ToArray();
            for (int a = 0; a < d; a++)
                for (int b = 0; b < d; b++) c[a * d + b] /= sd[a] * sd[b];
        }
        return c;
    }

    /// <summary>Fisher's iris (R's and scikit-learn's version), shipped as examples/04-classifier/iris.csv: features and species.</summary>
    public static (Dataset Features, string[] Species) Iris()
    {
        var lines = File.ReadAllLines(Path.Combine(TestData.RepositoryRoot(), "examples", "04-classifier", "iris.csv"))
            .Skip(1).Where(l => l.Length > 0).ToArray();
        var x = lines.SelectMany(l => l.Split(',').Take(4).Select(v => double.Parse(v, CultureInfo.InvariantCulture))).ToArray();
        var names = new[] { "sepal_length", "sepal_width", "petal_length", "petal_width" };
        return (new Dataset(x, new double[lines.Length], lines.Length, 4, 1, names), [.. lines.Select(l => l.Split(',')[4])]);
    }

    /// <summary>y = x₁x₂ on [−1, 1]², seeded: the sign of y is the XOR of the signs of x₁ and x₂, and no straight plane fits it.</summary>
    public static Dataset Saddle(int n = 400, int seed = 3)
    {
        var rng = new Random(seed);
        var x = new double[2 * n];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[2 * i] = 2 * rng.NextDouble() - 1;
            x[2 * i + 1] = 2 * rng.NextDouble() - 1;
            y[i] = x[2 * i] * x[2 * i + 1];
        }
        return new Dataset(x, y, n, 2, 1, ["x1", "x2"]);
    }

    /// <summary>A source that hands out the rows of <paramref name="data"/> in chunks of <paramref name="rows"/>, whatever it is asked for (to test passes that span chunks).</summary>
    public sealed class SmallChunks(Dataset data, int rows, Action<int>? onPass = null) : IRowSource
    {
        private readonly DatasetRowSource _inner = new(data);

        public int Features => _inner.Features;
        public int Outputs => _inner.Outputs;
        public IReadOnlyList<string> FeatureNames => _inner.FeatureNames;
        public IReadOnlyList<string> TargetNames => _inner.TargetNames;
        public long? RowCount => null;
        public int Passes { get; private set; }

        public IEnumerable<RowChunk> ReadChunks(int chunkRows, CancellationToken cancellationToken = default)
        {
            Passes++;
            onPass?.Invoke(Passes);
            return _inner.ReadChunks(rows, cancellationToken);
        }
    }
}
