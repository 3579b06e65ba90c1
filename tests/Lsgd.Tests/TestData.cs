using System.Globalization;
using System.Text.Json;
using Lsgd.Data;

namespace Lsgd.Tests;

/// <summary>Shared fixtures: the article's five points, random problems and NIST's certified datasets.</summary>
internal static class TestData
{
    public static Dataset ArticlePoints() => Dataset.FromPoints([1, 2, 3, 4, 5], [3, 5, 7, 9, 11]);

    /// <summary>y = Xβ + b + noise with well-conditioned Gaussian X, seeded.</summary>
    public static (Dataset Data, double[] Beta) Random(int n, int d, int k, int seed, double noise = 0.1)
    {
        var rng = new Random(seed);
        var x = new double[n * d];
        for (int i = 0; i < x.Length; i++) x[i] = Gaussian(rng);
        var beta = new double[k * (d + 1)];
        for (int i = 0; i < beta.Length; i++) beta[i] = 2 * rng.NextDouble() - 1;
        var y = new double[n * k];
        for (int i = 0; i < n; i++)
            for (int o = 0; o < k; o++)
            {
                double v = beta[o * (d + 1) + d];
                for (int j = 0; j < d; j++) v += beta[o * (d + 1) + j] * x[i * d + j];
                y[i * k + o] = v + noise * Gaussian(rng);
            }
        return (new Dataset(x, y, n, d, k), beta);
    }

    public static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Lsgd.slnx")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Lsgd.slnx not found above " + AppContext.BaseDirectory);
    }

    public sealed record Nist(string Name, Dataset Data, bool Intercept, double[] Beta, double[] BetaSd, double ResidualSd, double RSquared)
    {
        /// <summary>For a polynomial set, its degree and the single input column (else 0 and null).</summary>
        public int PolynomialDegree { get; init; }

        public double[]? Input { get; init; }
    }

    /// <summary>Loads tests/data/nist/NAME.csv and its certified values; polynomial sets are expanded.</summary>
    public static Nist LoadNist(string name)
    {
        string folder = Path.Combine(RepositoryRoot(), "tests", "data", "nist");
        var lines = File.ReadAllLines(Path.Combine(folder, name + ".csv")).Where(l => l.Length > 0).ToArray();
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, name + ".json")));
        var root = json.RootElement;
        static double P(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
        var header = lines[0].Split(',');
        int n = lines.Length - 1;
        int degree = root.TryGetProperty("degree", out var deg) ? deg.GetInt32() : 1;
        bool polynomial = root.GetProperty("model").GetString() == "polynomial";
        int raw = header.Length - 1;
        int d = polynomial ? degree : raw;
        var x = new double[n * d];
        var y = new double[n];
        var input = new double[n];
        for (int i = 0; i < n; i++)
        {
            var cells = lines[i + 1].Split(',');
            y[i] = P(cells[0]);
            input[i] = P(cells[1]);
            if (polynomial)
                PolynomialFeatures.Expand([P(cells[1])], degree).CopyTo(x, i * d);   // as the CLI's --degree does
            else
                for (int j = 0; j < raw; j++) x[i * d + j] = P(cells[j + 1]);
        }
        bool intercept = root.GetProperty("intercept").GetBoolean();
        double[] Arr(string prop) => [.. root.GetProperty(prop).EnumerateArray().Select(e => P(e.GetString()!))];
        return new Nist(name, new Dataset(x, y, n, d), intercept, Arr("beta"), Arr("beta_sd"),
            P(root.GetProperty("residual_sd").GetString()!), P(root.GetProperty("r_squared").GetString()!))
        { PolynomialDegree = polynomial ? degree : 0, Input = polynomial ? input : null };
    }

    /// <summary>Log relative error: correct significant digits, capped at 15.</summary>
    public static double Lre(double estimate, double certified)
    {
        if (estimate == certified) return 15;
        double rel = certified == 0 ? Math.Abs(estimate) : Math.Abs(estimate - certified) / Math.Abs(certified);
        return Math.Min(15, -Math.Log10(rel));
    }
}
