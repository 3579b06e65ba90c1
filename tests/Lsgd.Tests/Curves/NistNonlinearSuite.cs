using System.Globalization;
using System.Text.RegularExpressions;
using Lsgd.Curves;

namespace Lsgd.Tests.Curves;

/// <summary>
/// The 27 problems of NIST's StRD nonlinear regression suite (https://www.itl.nist.gov/div898/strd/nls/nls_main.shtml),
/// read from NIST's own <c>.dat</c> files in tests/data/nist-nls with the models of its <c>models.tsv</c>.
/// </summary>
internal static partial class NistNonlinearSuite
{
    /// <summary>One problem: the model, the points (n·k row-major), both starts and NIST's certified values, by parameter name.</summary>
    internal sealed record Problem(string Name, string Difficulty, Expression Model, double[] X, double[] Y,
        double[] Start1, double[] Start2, double[] Certified, double[] CertifiedSd, double CertifiedRss)
    {
        public double[] Start(int which) => which == 1 ? Start1 : Start2;

        public override string ToString() => Name;
    }

    public static string Folder => Path.Combine(TestData.RepositoryRoot(), "tests", "data", "nist-nls");

    /// <summary>The names in NIST's order (lower, average, higher difficulty).</summary>
    public static IReadOnlyList<string> Names => [.. Models().Select(m => m.Name)];

    private static (string Name, string Difficulty, string Response, string Expression)[] Models() =>
        [.. File.ReadAllLines(Path.Combine(Folder, "models.tsv")).Skip(1).Where(l => l.Length > 0)
            .Select(l => l.Split('\t')).Select(f => (f[0], f[1], f[2], f[3]))];

    private static readonly Dictionary<string, Problem> Cache = [];

    public static Problem Load(string name)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue(name, out var cached)) return cached;
            var (_, difficulty, response, expression) = Models().Single(m => m.Name == name);
            var lines = File.ReadAllLines(Path.Combine(Folder, name + ".dat"));
            static double P(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
            var starts = new SortedDictionary<int, double[]>();
            double rss = double.NaN;
            int dataStart = -1, dataEnd = -1;
            foreach (string line in lines)
            {
                if (ParameterLine().Match(line) is { Success: true } m)
                    starts[int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)] = [P(m.Groups[2].Value), P(m.Groups[3].Value), P(m.Groups[4].Value), P(m.Groups[5].Value)];
                else if (RssLine().Match(line) is { Success: true } r)
                    rss = P(r.Groups[1].Value);
                else if (dataStart < 0 && DataLines().Match(line) is { Success: true } d)
                    (dataStart, dataEnd) = (int.Parse(d.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(d.Groups[2].Value, CultureInfo.InvariantCulture));
            }
            // NIST's data columns: y, then the predictors (x, or x1 x2 for Nelson).
            var rows = lines[(dataStart - 1)..dataEnd].Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(P).ToArray()).ToArray();
            int k = rows[0].Length - 1;
            string[] variables = k == 1 ? ["x"] : [.. Enumerable.Range(1, k).Select(v => "x" + v)];
            var model = Expression.Parse(expression, variables);
            double[] y = [.. rows.Select(r => response == "log(y)" ? Math.Log(r[0]) : r[0])];
            double[] x = [.. rows.SelectMany(r => r[1..])];
            // Certified values by name: the model numbers its parameters in order of first appearance (ENSO: b1 b2 b3 b5 b4 …).
            double[] ByName(int column) => [.. model.ParameterNames.Select(p => starts[int.Parse(p[1..], CultureInfo.InvariantCulture)][column])];
            var problem = new Problem(name, difficulty, model, x, y, ByName(0), ByName(1), ByName(2), ByName(3), rss);
            Cache[name] = problem;
            return problem;
        }
    }

    /// <summary>Fewest correct digits (LRE, capped at 15; 0 for a wrong or non-finite estimate) over the parameters.</summary>
    public static double Digits(Problem problem, IReadOnlyList<double> parameters) =>
        Enumerable.Range(0, parameters.Count).Min(j => double.IsFinite(parameters[j]) ? Math.Max(0, TestData.Lre(parameters[j], problem.Certified[j])) : 0);

    [GeneratedRegex(@"^\s*b(\d+)\s*=\s*(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*$")]
    private static partial Regex ParameterLine();

    [GeneratedRegex(@"^\s*Residual Sum of Squares:\s+(\S+)")]
    private static partial Regex RssLine();

    [GeneratedRegex(@"Data\s+\(lines (\d+) to (\d+)\)")]
    private static partial Regex DataLines();
}
