using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Lsgd.Data;
using Lsgd.Engines;
using Lsgd.Models;
using Lsgd.Optimizers;
using Lsgd.Solvers;
using Lsgd.Training;
using Spectre.Console;

namespace Lsgd.Cli.Commands;

/// <summary>
/// <c>lsgd compare</c>: every method of the gradient-descent family on the article's example and on a larger
/// synthetic problem, timed to the same accuracy: a relative objective gap (J − J*)/(J₀ − J*) ≤ target.
/// </summary>
internal static class CompareCommand
{
    private sealed record Method(string Name, Func<GradientDescentOptions, GradientDescentOptions> Configure, bool ConjugateGradient = false);

    private static readonly Method[] Methods =
    [
        new("gd (auto α = 1/L)", o => o),
        new("gd + Armijo line search", o => o with { LearningRate = null, LineSearch = true }),
        new("momentum 0.9", o => o with { Optimizer = OptimizerCatalog.Create("momentum", 0.9) }),
        new("nesterov 0.9", o => o with { Optimizer = OptimizerCatalog.Create("nesterov", 0.9) }),
        new("fista", o => o with { Optimizer = OptimizerCatalog.Create("fista") }),
        new("adam (auto α)", o => o with { Optimizer = OptimizerCatalog.Create("adam") }),
        new("rmsprop (auto α)", o => o with { Optimizer = OptimizerCatalog.Create("rmsprop") }),
        new("adagrad (auto α)", o => o with { Optimizer = OptimizerCatalog.Create("adagrad") }),
        new("sgd, batches of 256, α = 0.1/L", o => o with { BatchSize = 256 }),
        new("cg", o => o, ConjugateGradient: true),
    ];

    public static Command Create(CliContext context, Action<int> setExit)
    {
        var rows = new Option<int>("--rows") { Description = "Rows of the synthetic problem.", DefaultValueFactory = _ => 200_000 };
        var features = new Option<int>("--features") { Description = "Features of the synthetic problem (correlated, ρ = 0.9).", DefaultValueFactory = _ => 50 };
        var target = new Option<double>("--gap") { Description = "Target relative objective gap (J − J*)/(J₀ − J*).", DefaultValueFactory = _ => 1e-10 };
        var budget = new Option<double>("--time-budget") { Description = "Seconds allowed per method and problem.", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "Print one JSON document instead of a table." };
        var command = new Command("compare", "Time every optimizer to the same objective gap on the article's example and a synthetic problem.");
        command.Add(rows);
        command.Add(features);
        command.Add(target);
        command.Add(budget);
        command.Add(json);
        command.SetAction(parse =>
        {
            int n = parse.GetValue(rows), d = parse.GetValue(features);
            if (n < 2 * (d + 1)) throw new LsgdException($"--rows {n} is too small for --features {d}: use at least {2 * (d + 1)} rows.");
            if (d < 1) throw new LsgdException($"--features {d} is not allowed: it must be at least 1.");
            CheckSize(n, d);
            double gap = parse.GetValue(target);
            if (!(gap > 0 && gap < 1)) throw new LsgdException($"--gap {gap} is not allowed: it must be in (0, 1). Try 1e-10.");
            var seconds = TimeSpan.FromSeconds(parse.GetValue(budget));
            var problems = new (string Name, Dataset Data, LossScaling Scaling, bool Standardize)[]
            {
                ("article example (5 points, sum loss)", Dataset.FromPoints(DemoCommand.X, DemoCommand.Y), LossScaling.Sum, false),
                ($"synthetic n = {n}, d = {d}, ρ = 0.9 (mean loss, standardised)", Synthetic(n, d, seed: 1), LossScaling.Mean, true),
            };
            var results = new JsonArray();
            context.WithProgress("comparing", problems.Length * Methods.Length, line =>
            {
                foreach (var (name, data, scaling, standardize) in problems)
                    foreach (var method in Methods)
                    {
                        line.Report(results.Count, description: $"{method.Name}, {name}");
                        results.Add(RunOne(name, data, scaling, standardize, method, gap, seconds, context.Cancellation));
                    }
            });
            var document = new JsonObject
            {
                ["target_relative_gap"] = gap,
                ["time_budget_seconds"] = seconds.TotalSeconds,
                ["processors"] = Environment.ProcessorCount,
                ["results"] = results,
            };
            if (parse.GetValue(json))
                context.WriteJson(document);
            else
                WriteTable(context, document);
            setExit(Cli.Ok);
        });
        return command;
    }

    /// <summary>
    /// Refuses, before allocating, synthetic data of <paramref name="n"/> × <paramref name="d"/> doubles that one
    /// array cannot hold or that would take more than half of the memory this process may use.
    /// </summary>
    /// <param name="n">Rows.</param>
    /// <param name="d">Features.</param>
    /// <param name="copies">How many times the data's size the command allocates in all (bench's triad arrays add 1.5).</param>
    internal static void CheckSize(int n, int d, double copies = 1)
    {
        double bytes = copies * 8.0 * n * (d + 1);
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if ((double)n * d > Array.MaxLength || bytes > available / 2.0)
            throw new LsgdException($"--rows {n} --features {d} need {bytes / (1 << 30):0.#} GB for the synthetic data, more than one array holds or half of the " +
                $"{available / (double)(1 << 30):0.#} GB this process may use. Use fewer rows or features.");
    }

    /// <summary>x = ρ·z₀ + √(1 − ρ²)·zⱼ (pairwise correlation ρ²), y = xβ + 1 + noise; seeded.</summary>
    internal static Dataset Synthetic(int n, int d, int seed, double rho = 0.9)
    {
        var rng = new Random(seed);
        double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var beta = new double[d];
        for (int j = 0; j < d; j++) beta[j] = Gaussian();
        var x = new double[(long)n * d];
        var y = new double[n];
        double s = Math.Sqrt(1 - rho * rho);
        for (int i = 0; i < n; i++)
        {
            double z0 = Gaussian(), v = 1;
            for (int j = 0; j < d; j++)
            {
                double xij = rho * z0 + s * Gaussian();
                x[(long)i * d + j] = xij;
                v += beta[j] * xij;
            }
            y[i] = v + 0.5 * Gaussian();
        }
        return new Dataset(x, y, n, d);
    }

    private static JsonObject RunOne(string problem, Dataset data, LossScaling scaling, bool standardize, Method method,
        double gap, TimeSpan budget, CancellationToken cancel)
    {
        var working = standardize ? Standardizer.Fit(data, center: true).Transform(data) : data;
        var exact = ExactLeastSquares.Solve(data);
        double factor = scaling == LossScaling.Mean ? 0.5 / data.Rows : 0.5;
        double optimal = factor * exact.ResidualSumOfSquares.Sum();
        var objective = new LeastSquaresObjective(new InMemoryEngine(working, true), scaling);
        double initial = objective.Evaluate(new double[objective.Layout.Count], new double[objective.Layout.Count]);
        objective = new LeastSquaresObjective(new InMemoryEngine(working, true), scaling);
        var options = method.Configure(new GradientDescentOptions
        {
            Tolerance = 0,
            MaxIterations = 10_000_000,
            TimeBudget = budget,
            TargetLoss = optimal + gap * (initial - optimal),
            OnDivergence = DivergencePolicy.Recover,
        });
        if (options.BatchSize is not null)
            options = options with { LearningRate = 0.1 / objective.LargestCurvature() };
        var run = method.ConjugateGradient
            ? ConjugateGradient.Minimize(objective, options, cancellationToken: cancel)
            : GradientDescent.Minimize(objective, options, cancellationToken: cancel);
        double reachedGap = (run.FinalLoss - optimal) / (initial - optimal);
        return new JsonObject
        {
            ["problem"] = problem,
            ["method"] = method.Name,
            ["reached"] = run.StopReason == StopReason.TargetReached,
            ["stop_reason"] = run.StopReason.ToSnakeCase(),
            ["iterations"] = run.Iterations,
            ["data_passes"] = Math.Round(run.DataPasses, 1),
            ["seconds"] = Math.Round(run.Elapsed.TotalSeconds, 4),
            ["relative_gap"] = Json.Number(Math.Max(reachedGap, 0)),
        };
    }

    private static void WriteTable(CliContext context, JsonObject document)
    {
        var c = CultureInfo.InvariantCulture;
        var console = context.Console;
        console.WriteLine(string.Format(c, "Time to a relative objective gap (J − J*)/(J₀ − J*) ≤ {0:G2}, at most {1} s per method ({2} cores).",
            (double)document["target_relative_gap"]!, (double)document["time_budget_seconds"]!, (int)document["processors"]!));
        string? current = null;
        Table? table = null;
        foreach (var row in document["results"]!.AsArray())
        {
            string problem = (string)row!["problem"]!;
            if (problem != current)
            {
                if (table is not null) console.Write(table);
                console.WriteLine();
                console.WriteLine(problem);
                table = new Table().AddColumns("method", "reached", "iterations", "data passes", "seconds", "final gap");
                current = problem;
            }
            table!.AddRow(Markup.Escape((string)row["method"]!), (bool)row["reached"]! ? "yes" : "no (" + (string)row["stop_reason"]! + ")",
                ((int)row["iterations"]!).ToString(c), ((double)row["data_passes"]!).ToString(c),
                ((double)row["seconds"]!).ToString("G3", c), row["relative_gap"] is { } g ? ((double)g).ToString("G2", c) : "—");
        }
        if (table is not null) console.Write(table);
    }
}
