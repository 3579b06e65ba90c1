using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Lsgd.Data;
using Lsgd.Estimators;
using Lsgd.Models;
using Lsgd.Training;
using Spectre.Console;

namespace Lsgd.Cli.Commands;

/// <summary><c>lsgd demo</c>: the article's worked example (section 4.3) under its exact settings.</summary>
internal static class DemoCommand
{
    public static readonly double[] X = [1, 2, 3, 4, 5];
    public static readonly double[] Y = [3, 5, 7, 9, 11];

    public const string SlipNote =
        "The article prints the first gradient as ∂J/∂w = −55 (giving w = 0.55); that is an arithmetic slip: " +
        "−Σ yᵢxᵢ = −(3+10+21+36+55) = −125, so w(1) = 1.25. (55 is Σ xᵢ².) Its ∂J/∂b = −35 and b(1) = 0.35 are right.";

    public static Command Create(CliContext context, Action<int> setExit)
    {
        var gd = new GradientDescentFlags(learningRate: "0.01", LossScaling.Sum);
        var show = new Option<int>("--show") { Description = "How many first iterations to print.", DefaultValueFactory = _ => 10 };
        var plot = new Option<string?>("--plot") { Description = "Draw the data, the fitted line and the loss curve to this PNG file." };
        var json = new Option<bool>("--json") { Description = "Print one JSON document instead of text." };
        var command = new Command("demo", "Run the article's worked example: 5 points, sum loss, α = 0.01, w = b = 0.");
        gd.AddTo(command);
        command.Add(show);
        command.Add(plot);
        command.Add(json);
        command.SetAction(parse =>
        {
            var options = new LinearRegressorOptions { GradientDescent = gd.Read(parse, parse.GetValue(show)) };
            var fit = new LinearRegressor(options).Fit(Dataset.FromPoints(X, Y), cancellationToken: context.Cancellation);
            string? plotPath = parse.GetValue(plot);
            if (plotPath is not null)
                Lsgd.Plots.FitPlots.SaveLineFitAndLoss(plotPath, X, Y, fit.Model.Coefficients()[0], fit.Model.Intercept(), fit.Training!.LossHistory);
            if (parse.GetValue(json))
                context.WriteJson(ToJson(fit, plotPath));
            else
                WriteText(context, fit, plotPath);
            setExit(Cli.Ok);
        });
        return command;
    }

    private static JsonObject ToJson(LinearFit fit, string? plotPath)
    {
        var run = fit.Training!;
        var o = fit.Options.GradientDescent;
        var opt = fit.Optimality;
        return new JsonObject
        {
            ["data"] = new JsonObject { ["x"] = Json.Numbers(X), ["y"] = Json.Numbers(Y) },
            ["settings"] = new JsonObject
            {
                ["learning_rate"] = Json.Number(run.LearningRate),
                ["learning_rate_source"] = run.LearningRateSource,
                ["loss"] = o.LossScaling == LossScaling.Sum ? "sum" : "mean",
                ["init"] = o.Initialization == Initialization.Zeros ? "zeros" : "random",
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
            ["w"] = Json.Numbers(fit.Model.Coefficients().ToArray()),
            ["b"] = Json.Number(fit.Model.Intercept()),
            ["stop_reason"] = run.StopReason.ToSnakeCase(),
            ["converged"] = run.Converged,
            ["iterations_run"] = run.Iterations,
            ["loss"] = Json.Number(run.FinalLoss),
            ["gradient_norm"] = Json.Number(run.GradientNorm),
            ["message"] = run.Message,
            ["exact"] = opt is null ? null : new JsonObject
            {
                ["w"] = Json.Numbers([opt.ExactParameters[0]]),
                ["b"] = Json.Number(opt.ExactParameters[1]),
                ["loss"] = Json.Number(opt.OptimalLoss),
            },
            ["distance_to_exact"] = opt is null ? null : Json.Number(opt.CoefficientDistance),
            ["objective_gap"] = opt is null ? null : Json.Number(opt.ObjectiveGap),
            ["article_slip"] = SlipNote,
            ["plot"] = plotPath,
        };
    }

    private static void WriteText(CliContext context, LinearFit fit, string? plotPath)
    {
        var run = fit.Training!;
        var c = CultureInfo.InvariantCulture;
        var console = context.Console;
        console.WriteLine("The article's worked example (section 4.3): fit y = w·x + b to (1,3) (2,5) (3,7) (4,9) (5,11)");
        console.WriteLine(string.Format(c, "by batch gradient descent on J = {0}, α = {1:G6} ({2}), starting from w = b = 0.",
            fit.Options.GradientDescent.LossScaling == LossScaling.Sum ? "½Σ(y − wx − b)²" : "½/n·Σ(y − wx − b)²",
            run.LearningRate, run.LearningRateSource));
        console.WriteLine();
        var table = new Table().AddColumns("k", "∂J/∂w", "∂J/∂b", "w", "b", "J(w, b)");
        foreach (var t in run.Trace)
            table.AddRow(t.K.ToString(c), G(t.Gradient[0]), G(t.Gradient[1]), G(t.Parameters[0]), G(t.Parameters[1]), G(t.Loss));
        console.Write(table);
        console.WriteLine();
        console.WriteLine(string.Format(c, "Stopped after {0} ({1}): {2}", Text.Plural(run.Iterations, "iteration"), run.StopReason.ToSnakeCase(), run.Message));
        console.WriteLine(string.Format(c, "Final: w = {0}, b = {1}, J = {2}", G(fit.Model.Coefficients()[0]), G(fit.Model.Intercept()), G(run.FinalLoss)));
        if (fit.Optimality is { } opt)
        {
            console.WriteLine(string.Format(c, "Exact least-squares answer: w = {0}, b = {1} (J = {2}).",
                G(opt.ExactParameters[0]), G(opt.ExactParameters[1]), G(opt.OptimalLoss)));
            console.WriteLine(opt.Describe(run.Converged));
        }
        console.WriteLine();
        console.WriteLine("Note: " + SlipNote);
        if (plotPath is not null)
            console.WriteLine($"Plot written to {plotPath}.");
    }

    private static string G(double v) => (v == 0 ? 0.0 : v).ToString("G10", CultureInfo.InvariantCulture);
}
