using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Text.Json.Nodes;
using Lsgd.Data;
using Lsgd.Engines;
using Lsgd.Models;
using Lsgd.Training;
using Spectre.Console;

namespace Lsgd.Cli.Commands;

/// <summary>
/// <c>lsgd bench</c>: the machine's memory bandwidth (a STREAM-triad kernel) and every engine's speed measured
/// in the same run, reported as ratios: to the bandwidth, and to the article's loop written naively.
/// </summary>
internal static class BenchCommand
{
    public static Command Create(CliContext context, Action<int> setExit)
    {
        var rows = new Option<int>("--rows") { Description = "n, rows of the synthetic data.", DefaultValueFactory = _ => 1_000_000 };
        var features = new Option<int>("--features") { Description = "d, features.", DefaultValueFactory = _ => 100 };
        var repeat = new Option<int>("--repeat") { Description = "Timed repetitions per measurement (the median is reported).", DefaultValueFactory = _ => 5 };
        var iterations = new Option<int>("--iterations") { Description = "Plain GD iterations for the engine comparison.", DefaultValueFactory = _ => 1000 };
        var json = new Option<bool>("--json") { Description = "Print one JSON document instead of a table." };
        var command = new Command("bench", "Measure memory bandwidth and each engine's speed on synthetic data, as ratios.");
        command.Add(rows);
        command.Add(features);
        command.Add(repeat);
        command.Add(iterations);
        command.Add(json);
        command.SetAction(parse =>
        {
            int n = parse.GetValue(rows), d = parse.GetValue(features), r = Math.Max(1, parse.GetValue(repeat)), its = Math.Max(1, parse.GetValue(iterations));
            if (n < 10 || d < 1) throw new LsgdException($"--rows {n} --features {d}: use at least 10 rows and 1 feature.");
            CompareCommand.CheckSize(n, d, copies: 2.5);   // the data, and the triad's three arrays of n·d/2
            var report = Run(n, d, r, its, context);
            if (parse.GetValue(json)) context.WriteJson(report);
            else WriteTable(context, report);
            setExit(Cli.Ok);
        });
        return command;
    }

    internal static JsonObject Run(int n, int d, int repeat, int iterations, CliContext context)
    {
        var data = CompareCommand.Synthetic(n, d, seed: 7);
        var results = new JsonArray();
        double bytes = (double)n * d * sizeof(double) + n * sizeof(double);

        var engine = new InMemoryEngine(data, fitIntercept: true);
        var theta = new double[engine.Layout.Count];
        var gradient = new double[theta.Length];
        for (int j = 0; j < theta.Length; j++) theta[j] = 0.01 * j;
        // The triad, a read-only stream over the same X and y, and the fused pass are timed in turn, round
        // after round, so that a noisy neighbour slows all three alike; each is the median of its rounds.
        var triad = new Triad(Math.Max(n * d / 2, 4_000_000));
        var times = MedianInterleaved(repeat, triad.Run, () => ReadOnly(data), () => engine.Evaluate(theta, gradient));
        double bandwidth = triad.Bytes / times[0] / 1e9;
        double readBandwidth = bytes / times[1] / 1e9;
        triad = null;
        double rowsPass = times[2];
        double naivePass = Median(Math.Min(repeat, 3), () => NaivePass(data, theta, gradient));
        results.Add(Result("rows (fused, float64)", n, d, rowsPass, bytes, bandwidth, naivePass, readBandwidth));

        var single = Dataset.FromSingle([.. data.X.ToArray().Select(v => (float)v)], data.Y.ToArray(), n, d);
        var singleEngine = new InMemoryEngine(single, fitIntercept: true);
        double singlePass = Median(repeat, () => singleEngine.Evaluate(theta, gradient));
        results.Add(Result("rows (fused, float32 data)", n, d, singlePass, (double)n * d * sizeof(float) + n * sizeof(double), bandwidth, naivePass, readBandwidth));
        single = null;
        GC.Collect();

        naivePass = Math.Max(naivePass, 0);
        SufficientStatistics? stats = null;
        double statsBuild = Median(repeat, () => stats = SufficientStatistics.Compute(data));
        results.Add(Result("statistics: one pass building XᵀX", n, d, statsBuild, bytes, bandwidth, naivePass, readBandwidth));
        var statsEngine = new SufficientStatisticsEngine(stats!, fitIntercept: true);
        double statsStep = Median(repeat, () => statsEngine.Evaluate(theta, gradient));
        results.Add(Result("statistics: one step after the pass", n, d, statsStep, 0, bandwidth, naivePass, readBandwidth));

        // The article's plain GD for `iterations` steps: naive loop (extrapolated from its per-pass time),
        // fused row engine (extrapolated likewise), and statistics (one pass + every step, measured whole).
        var gd = new GradientDescentOptions { LearningRate = 1e-9, MaxIterations = iterations, Tolerance = 0, TraceIterations = 0 };
        double statsGd = Median(Math.Min(repeat, 3), () =>
        {
            var s = SufficientStatistics.Compute(data);
            GradientDescent.Minimize(new LeastSquaresObjective(new SufficientStatisticsEngine(s, true), LossScaling.Sum), gd);
        });
        var comparison = new JsonObject
        {
            ["iterations"] = iterations,
            ["naive_seconds_extrapolated"] = naivePass * (iterations + 1),
            ["rows_engine_seconds_extrapolated"] = rowsPass * (iterations + 1),
            ["statistics_engine_seconds_measured"] = statsGd,
            ["speedup_statistics_vs_naive"] = naivePass * (iterations + 1) / statsGd,
            ["speedup_rows_vs_naive"] = naivePass / rowsPass,
        };
        return new JsonObject
        {
            ["machine"] = $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}",
            ["bandwidth_gbs"] = Math.Round(bandwidth, 2),
            ["read_bandwidth_gbs"] = Math.Round(readBandwidth, 2),
            ["repeat"] = repeat,
            ["results"] = results,
            ["plain_gd"] = comparison,
        };
    }

    private static JsonObject Result(string name, int n, int d, double seconds, double bytes, double bandwidth, double naivePass, double readBandwidth)
    {
        double gbs = bytes > 0 ? bytes / seconds / 1e9 : double.NaN;
        return new JsonObject
        {
            ["engine"] = name,
            ["n"] = n,
            ["d"] = d,
            ["seconds_per_pass"] = seconds,
            ["gbs"] = Json.Number(Math.Round(gbs, 2)),
            ["ratio_to_bandwidth"] = Json.Number(Math.Round(gbs / bandwidth, 3)),
            ["ratio_to_read_bandwidth"] = Json.Number(Math.Round(gbs / readBandwidth, 3)),
            ["ratio_to_naive"] = Math.Round(naivePass / seconds, 2),
        };
    }

    /// <summary>STREAM triad a = b + s·c on every core; its bytes count the 3 arrays of 8-byte values moved.</summary>
    private sealed class Triad
    {
        private readonly double[] _a, _b, _c;

        public Triad(int length)
        {
            _a = new double[length];
            _b = new double[length];
            _c = new double[length];
            for (int i = 0; i < length; i++) { _b[i] = i; _c[i] = 1.0 / (i + 1); }
        }

        public double Bytes => 3.0 * _a.Length * sizeof(double);

        public void Run()
        {
            int length = _a.Length, parts = Environment.ProcessorCount;
            Parallel.For(0, parts, p =>
            {
                int start = (int)((long)length * p / parts), end = (int)((long)length * (p + 1) / parts);
                TensorPrimitives.MultiplyAdd(_c.AsSpan(start, end - start), 3.0, _b.AsSpan(start, end - start), _a.AsSpan(start, end - start));
            });
        }
    }

    /// <summary>
    /// The least any pass over X and y must do: read them, on every core (a vectorised sum, nothing written).
    /// On machines where reading alone is slower than the triad's mix of reads and streaming writes, this is
    /// the ceiling a gradient pass can approach.
    /// </summary>
    private static void ReadOnly(Dataset data)
    {
        var x = data.X;
        long length = x.Length;
        int parts = Environment.ProcessorCount;
        var sums = new double[parts];
        Parallel.For(0, parts, p =>
        {
            int start = (int)(length * p / parts), end = (int)(length * (p + 1) / parts);
            sums[p] = TensorPrimitives.Sum(data.X.Slice(start, end - start));
        });
        GC.KeepAlive(sums.Sum() + TensorPrimitives.Sum(data.Y));
    }

    /// <summary>Times the actions in turn, <paramref name="repeat"/> rounds after one warm-up round; the median of each.</summary>
    private static double[] MedianInterleaved(int repeat, params Action[] actions)
    {
        foreach (var action in actions) action();
        var times = new double[actions.Length][];
        for (int a = 0; a < actions.Length; a++) times[a] = new double[repeat];
        for (int i = 0; i < repeat; i++)
            for (int a = 0; a < actions.Length; a++)
            {
                var clock = Stopwatch.StartNew();
                actions[a]();
                times[a][i] = clock.Elapsed.TotalSeconds;
            }
        return [.. times.Select(t => t.Order().ElementAt(repeat / 2))];
    }

    /// <summary>The article's formulas as a plain scalar loop: the baseline every engine is measured against.</summary>
    private static void NaivePass(Dataset data, double[] theta, double[] gradient)
    {
        int n = data.Rows, d = data.Features;
        var x = data.X;
        var y = data.Y;
        Array.Clear(gradient);
        for (int i = 0; i < n; i++)
        {
            double r = y[i];
            for (int j = 0; j < d; j++) r -= theta[j] * x[i * d + j];
            r -= theta[d];
            for (int j = 0; j < d; j++) gradient[j] -= r * x[i * d + j];
            gradient[d] -= r;
        }
    }

    private static double Median(int repeat, Action action)
    {
        action();   // warm-up (JIT, page faults)
        var times = new double[repeat];
        for (int i = 0; i < repeat; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            times[i] = clock.Elapsed.TotalSeconds;
        }
        Array.Sort(times);
        return times[repeat / 2];
    }

    private static void WriteTable(CliContext context, JsonObject report)
    {
        var c = CultureInfo.InvariantCulture;
        var console = context.Console;
        console.WriteLine($"Machine: {(string)report["machine"]!}. Medians of {(int)report["repeat"]!} runs.");
        console.WriteLine(string.Format(c, "Memory bandwidth (STREAM triad, all cores): {0:F2} GB/s; reading X and y alone (all cores): {1:F2} GB/s",
            (double)report["bandwidth_gbs"]!, (double)report["read_bandwidth_gbs"]!));
        var table = new Table().AddColumns("engine", "n", "d", "time per pass", "GB/s", "ratio to bandwidth", "ratio to read-only", "ratio to naive");
        foreach (var row in report["results"]!.AsArray())
        {
            table.AddRow(Markup.Escape((string)row!["engine"]!), ((int)row["n"]!).ToString(c), ((int)row["d"]!).ToString(c),
                Seconds((double)row["seconds_per_pass"]!), row["gbs"] is { } g ? ((double)g).ToString("F2", c) : "—",
                row["ratio_to_bandwidth"] is { } rb ? ((double)rb).ToString("F2", c) : "—",
                row["ratio_to_read_bandwidth"] is { } rr ? ((double)rr).ToString("F2", c) : "—", ((double)row["ratio_to_naive"]!).ToString("G4", c));
        }
        console.Write(table);
        var gd = report["plain_gd"]!;
        console.WriteLine(string.Format(c,
            "The article's plain GD, {0} iterations: naive loop {1} (extrapolated from its per-pass time), fused rows {2} (extrapolated), statistics {3} (measured: one pass + {0} O(d²) steps) — {4:F0}× faster than naive.",
            (int)gd["iterations"]!, Seconds((double)gd["naive_seconds_extrapolated"]!), Seconds((double)gd["rows_engine_seconds_extrapolated"]!),
            Seconds((double)gd["statistics_engine_seconds_measured"]!), (double)gd["speedup_statistics_vs_naive"]!));
    }

    private static string Seconds(double s) => s >= 1 ? s.ToString("F2", CultureInfo.InvariantCulture) + " s" : (s * 1000).ToString("G4", CultureInfo.InvariantCulture) + " ms";
}
