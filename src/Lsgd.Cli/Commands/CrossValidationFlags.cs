using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Lsgd.Cli.Binding;
using Lsgd.Estimators;
using Lsgd.Models;
using Spectre.Console;

namespace Lsgd.Cli.Commands;

/// <summary>
/// <c>fit</c>'s penalty flags: <c>--l1</c> and <c>--l2</c> take a number or <c>cv</c>; with <c>cv</c>, <c>--folds</c>,
/// <c>--l1-ratio</c> and <c>--lambdas</c> set the cross-validation (<see cref="CrossValidatedRegressor"/>).
/// </summary>
internal sealed class CrossValidationFlags
{
    public Option<string> L1 { get; } = LinearRegressorBinder.Table["Penalty.L1"].Create<string>("0");
    public Option<string> L2 { get; } = LinearRegressorBinder.Table["Penalty.L2"].Create<string>("0");
    public Option<int> Folds { get; } = CrossValidationBinder.Table[nameof(CrossValidationOptions.Folds)].Create<int>();
    public Option<double> L1Ratio { get; } = CrossValidationBinder.Table[nameof(CrossValidationOptions.L1Ratio)].Create<double>();
    public Option<int> Lambdas { get; } = CrossValidationBinder.Table[nameof(CrossValidationOptions.Lambdas)].Create<int>();

    public void AddTo(Command command)
    {
        command.Add(L1);
        command.Add(L2);
        command.Add(Folds);
        command.Add(L1Ratio);
        command.Add(Lambdas);
    }

    /// <summary>
    /// The fixed penalty, and the cross-validation settings when a penalty flag says <c>cv</c> (null otherwise):
    /// <c>--l2 cv</c> ridge, <c>--l1 cv</c> lasso, both an elastic net with <c>--l1-ratio</c>.
    /// </summary>
    /// <exception cref="LsgdException">A cross-validation flag without <c>cv</c>, or <c>cv</c> for one penalty beside a fixed other.</exception>
    public (Penalty Penalty, CrossValidationOptions? CrossValidation) Read(ParseResult parse)
    {
        double? l1 = CrossValidationBinder.ParsePenalty(parse.GetValue(L1)!, "Penalty.L1");
        double? l2 = CrossValidationBinder.ParsePenalty(parse.GetValue(L2)!, "Penalty.L2");
        bool Given(Option option) => parse.GetResult(option) is { Implicit: false };
        if (l1 is { } a && l2 is { } b)
        {
            foreach (var (option, flag) in new (Option, string)[] { (Folds, "--folds"), (L1Ratio, "--l1-ratio"), (Lambdas, "--lambdas") })
                if (Given(option))
                    throw new LsgdException($"{flag} sets the cross-validation of a penalty, but no penalty is chosen by it. Add --l2 cv (ridge), --l1 cv (lasso), or both (elastic net).");
            return (new Penalty(a, b), null);
        }
        if ((l1 is null && l2 is > 0) || (l2 is null && l1 is > 0))
            throw new LsgdException(string.Format(CultureInfo.InvariantCulture,
                "--l1 {0} --l2 {1}: cross-validation chooses one λ for the whole penalty, so the other cannot be fixed. Give --l1 cv --l2 cv for an elastic net (its mix set by --l1-ratio), or drop the fixed one.",
                l1?.ToString("R", CultureInfo.InvariantCulture) ?? "cv", l2?.ToString("R", CultureInfo.InvariantCulture) ?? "cv"));
        if (l1 is not null && Given(L1Ratio) || l2 is not null && Given(L1Ratio))
            throw new LsgdException("--l1-ratio mixes the two penalties of an elastic net: it needs --l1 cv --l2 cv. (--l2 cv alone is ridge, --l1 cv alone the lasso.)");
        double ratio = l1 is null && l2 is null ? parse.GetValue(L1Ratio) : l1 is null ? 1 : 0;
        return (Penalty.None, new CrossValidationOptions { Folds = parse.GetValue(Folds), L1Ratio = ratio, Lambdas = parse.GetValue(Lambdas) });
    }

    /// <summary>The path as <c>fit --json</c> reports it under "cv".</summary>
    public static JsonObject ToJson(CrossValidationPath path) => new()
    {
        ["penalty"] = PenaltyName(path.L1Ratio),
        ["l1_ratio"] = path.L1Ratio,
        ["folds"] = path.Folds,
        ["seed"] = path.Seed,
        ["validation_loss"] = "mean squared error of the held-out fold's rows",
        ["lambdas"] = Json.Numbers(path.Lambdas),
        ["mean_loss"] = Json.Numbers(path.MeanLoss),
        ["sd_loss"] = Json.Numbers(path.SdLoss),
        ["best_lambda"] = path.BestLambda,
        ["one_se_lambda"] = path.OneStandardErrorLambda,
        ["solver"] = path.Solver,
        ["path_converged"] = path.Converged,
    };

    /// <summary>One paragraph for <c>fit</c>'s text output.</summary>
    public static void WriteText(CliContext context, CrossValidationPath path)
    {
        var c = CultureInfo.InvariantCulture;
        int best = path.BestIndex;
        context.Console.WriteLine();
        context.Console.WriteLine(string.Format(c,
            "Cross-validation ({0}, {1} folds{2}, {3} λ from {4:G4} to {5:G4}): λ = {6:G6} has the least mean validation MSE, {7:G6} (SD {8:G4} over the folds); " +
            "the one-standard-error λ is {9:G6}. The model above is refitted on all rows at λ = {6:G6}; --json lists the whole path.",
            PenaltyName(path.L1Ratio).Replace('_', ' ') + (path.L1Ratio is > 0 and < 1 ? string.Format(c, ", ρ = {0}", path.L1Ratio) : ""),
            path.Folds, path.Seed is { } s ? $" seeded {s}" : "", path.Lambdas.Count, path.Lambdas[0], path.Lambdas[^1],
            path.BestLambda, path.MeanLoss[best], path.SdLoss[best], path.OneStandardErrorLambda));
        if (best == 0 || best == path.Lambdas.Count - 1)
            context.Console.WriteLine(string.Format(c, "The best λ is at the {0} end of the grid: the optimum may lie beyond it.", best == 0 ? "largest" : "smallest"));
        if (!path.Converged)
            context.Console.WriteLine("Warning: some coordinate-descent solves on the path ran out of sweeps; their losses are approximate.");
    }

    private static string PenaltyName(double ratio) => ratio == 0 ? "ridge" : ratio == 1 ? "lasso" : "elastic_net";
}
