using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Numerics.Tensors;
using Lsgd.Cli.Binding;
using Lsgd.Data;
using Lsgd.Engines;
using Lsgd.Models;
using Lsgd.Solvers;
using Lsgd.Training;
using Spectre.Console;

namespace Lsgd.Cli.Commands;

/// <summary>
/// <c>lsgd demo</c>: the article's worked example (section 4.3) under its exact settings, run by the library's
/// trainer on raw features. The article's rules decide where to stop (425 iterations at |ΔJ| &lt; 1e-6, 831 at 1e-9,
/// 1238 at 1e-12); the exact answer is known, so it is passed as the certificate that judges the stop: "converged"
/// only when the relative objective gap there is within the trainer's tolerance (1e-10).
/// </summary>
internal static class DemoCommand
{
    public static readonly double[] X = [1, 2, 3, 4, 5];
    public static readonly double[] Y = [3, 5, 7, 9, 11];

    public const string SlipNote =
        "The article prints the first gradient as ∂J/∂w = −55 (giving w = 0.55); that is an arithmetic slip: " +
        "−Σ yᵢxᵢ = −(3+10+21+36+55) = −125, so w(1) = 1.25. (55 is Σ xᵢ².) Its ∂J/∂b = −35 and b(1) = 0.35 are right.";

    public static Command Create(CliContext context, Action<int> setExit)
    {
        var gd = new GradientDescentFlags(GradientDescentBinder.Demo);
        var show = GradientDescentBinder.Table[nameof(GradientDescentOptions.TraceIterations)].Create<int>();
        var plot = new Option<string?>("--plot") { Description = "Draw the data, the fitted line and the loss curve to this PNG file." };
        var json = new Option<bool>("--json") { Description = "Print one JSON document instead of text." };
        var command = new Command("demo", "Run the article's worked example: 5 points, sum loss, α = 0.01, w = b = 0.");
        gd.AddTo(command);
        command.Add(show);
        command.Add(plot);
        command.Add(json);
        command.SetAction(parse =>
        {
            var fit = Run(gd.Read(parse, traceIterations: parse.GetValue(show)), context.Cancellation);
            string? plotPath = parse.GetValue(plot);
            if (plotPath is not null)
                Lsgd.Plots.FitPlots.SaveLineFitAndLoss(plotPath, X, Y, fit.W, fit.B, fit.Run.LossHistory);
            if (parse.GetValue(json))
                context.WriteJson(ToJson(fit, plotPath));
            else
                WriteText(context, fit, plotPath);
            setExit(Cli.Ok);
        });
        return command;
    }

    /// <summary>The demo's run and the exact answer it is judged against.</summary>
    private sealed record DemoFit(GradientDescentOptions Options, GradientDescentResult Run, double[] Exact, double OptimalLoss)
    {
        public double W => Run.Parameters[0];
        public double B => Run.Parameters[1];
        public double Distance => Math.Sqrt((W - Exact[0]) * (W - Exact[0]) + (B - Exact[1]) * (B - Exact[1]));
    }

    /// <summary>
    /// Runs the trainer on the five points with the exact solution as certificate. The certificate only judges:
    /// <see cref="GradientDescentOptions.StopWhenCertified"/> is off so the article's rules decide where to stop.
    /// </summary>
    private static DemoFit Run(GradientDescentOptions options, CancellationToken cancel)
    {
        var data = Dataset.FromPoints(X, Y);
        var objective = new LeastSquaresObjective(new InMemoryEngine(data, fitIntercept: true), options.LossScaling);
        var exact = ExactLeastSquares.Solve(data);
        double[] star = [exact.Model.Coefficients()[0], exact.Model.Intercept()];
        double factor = options.LossScaling == LossScaling.Mean ? 0.5 / data.Rows : 0.5;
        double optimal = factor * exact.ResidualSumOfSquares[0];
        var start = GradientDescent.Initial(2, options);
        double initialLoss = objective.Evaluate(start, new double[2]);
        var certificate = new KnownOptimumCertificate(optimal, initialLoss, "the exact least-squares solution (QR)");
        options = options with { StopWhenCertified = false };
        var run = GradientDescent.Minimize(objective, options, start, certificate: certificate, cancellationToken: cancel);
        return new DemoFit(options, run, star, optimal);
    }

    private static JsonObject ToJson(DemoFit fit, string? plotPath)
    {
        var run = fit.Run;
        var o = fit.Options;
        return new JsonObject
        {
            ["data"] = new JsonObject { ["x"] = Json.Numbers(X), ["y"] = Json.Numbers(Y) },
            ["settings"] = new JsonObject
            {
                ["learning_rate"] = Json.Number(run.LearningRate),
                ["learning_rate_source"] = run.LearningRateSource,
                ["loss"] = GradientDescentBinder.Loss.Format(o.LossScaling),
                ["init"] = GradientDescentBinder.Init.Format(o.Initialization),
                ["tolerance"] = o.Tolerance,
                ["gradient_tolerance"] = o.GradientTolerance,
                ["max_iterations"] = o.MaxIterations,
            },
            ["iterations"] = new JsonArray([.. run.Trace.Select(t => (JsonNode?)new JsonObject
            {
                ["k"] = t.K,
                ["w"] = Json.Numbers([t.Parameters[0]]),
                ["b"] = Json.Number(t.Parameters[1]),
                ["loss"] = Json.Number(t.Loss),
                ["gradient_w"] = Json.Numbers([t.Gradient[0]]),
                ["gradient_b"] = Json.Number(t.Gradient[1]),
            })]),
            ["w"] = Json.Numbers([fit.W]),
            ["b"] = Json.Number(fit.B),
            ["stop_reason"] = run.StopReason.ToSnakeCase(),
            ["converged"] = run.Converged,
            ["certificate"] = run.CertificateSource,
            ["relative_gap_bound"] = Json.Number(run.RelativeGapBound),
            ["relative_gap_tolerance"] = o.RelativeGapTolerance,
            ["iterations_run"] = run.Iterations,
            ["loss"] = Json.Number(run.FinalLoss),
            ["gradient_norm"] = Json.Number(run.GradientNorm),
            ["message"] = Binders.Rewrite(run.Message),
            ["exact"] = new JsonObject
            {
                ["w"] = Json.Numbers([fit.Exact[0]]),
                ["b"] = Json.Number(fit.Exact[1]),
                ["loss"] = Json.Number(fit.OptimalLoss),
            },
            ["distance_to_exact"] = Json.Number(fit.Distance),
            ["objective_gap"] = Json.Number(run.FinalLoss - fit.OptimalLoss),
            ["article_slip"] = SlipNote,
            ["plot"] = plotPath,
        };
    }

    private static void WriteText(CliContext context, DemoFit fit, string? plotPath)
    {
        var run = fit.Run;
        var c = CultureInfo.InvariantCulture;
        var console = context.Console;
        console.WriteLine("The article's worked example (section 4.3): fit y = w·x + b to (1,3) (2,5) (3,7) (4,9) (5,11)");
        console.WriteLine(string.Format(c, "by batch gradient descent on J = {0}, α = {1:G6} ({2}), starting from w = b = 0.",
            fit.Options.LossScaling == LossScaling.Sum ? "½Σ(y − wx − b)²" : "½/n·Σ(y − wx − b)²",
            run.LearningRate, run.LearningRateSource));
        console.WriteLine();
        var table = new Table().AddColumns("k", "∂J/∂w", "∂J/∂b", "w", "b", "J(w, b)");
        foreach (var t in run.Trace)
            table.AddRow(t.K.ToString(c), G(t.Gradient[0]), G(t.Gradient[1]), G(t.Parameters[0]), G(t.Parameters[1]), G(t.Loss));
        console.Write(table);
        console.WriteLine();
        console.WriteLine(string.Format(c, "Stopped after {0} ({1}): {2}", Text.Plural(run.Iterations, "iteration"), run.StopReason.ToSnakeCase(), Binders.Rewrite(run.Message)));
        console.WriteLine(string.Format(c, "Final: w = {0}, b = {1}, J = {2}", G(fit.W), G(fit.B), G(run.FinalLoss)));
        console.WriteLine(string.Format(c, "Exact least-squares answer: w = {0}, b = {1} (J = {2}); distance ‖θ − θ*‖ = {3:G3}.",
            G(fit.Exact[0]), G(fit.Exact[1]), G(fit.OptimalLoss), fit.Distance));
        console.WriteLine(Verdict(fit));
        console.WriteLine();
        console.WriteLine("Note: " + SlipNote);
        if (plotPath is not null)
            console.WriteLine($"Plot written to {plotPath}.");
    }

    /// <summary>Whether the article's stop is certified by the exact answer, in one sentence.</summary>
    private static string Verdict(DemoFit fit)
    {
        var c = CultureInfo.InvariantCulture;
        var run = fit.Run;
        return run.Converged
            ? string.Format(c, "Converged: the relative objective gap is {0:G3}, within the tolerance {1:G3} ({2}).", run.RelativeGapBound, fit.Options.RelativeGapTolerance, run.CertificateSource)
            : string.Format(c, "The article's stop is not certified (relative objective gap {0:G3} > {1:G3}): lower --tolerance, or use --gradient-tolerance.",
                run.RelativeGapBound, fit.Options.RelativeGapTolerance);
    }

    private static string G(double v) => (v == 0 ? 0.0 : v).ToString("G10", CultureInfo.InvariantCulture);
}
