using System.Globalization;
using Lsgd.Models;
using Lsgd.Optimizers;
using Lsgd.Schedules;
using Lsgd.Training;

namespace Lsgd.Cli.Binding;

/// <summary>
/// The binder table of <see cref="GradientDescentOptions"/>: the gradient-method flags of <c>demo</c> and <c>fit</c>
/// (and of the schedules and optimizers they build). <c>fit</c> uses the defaults below; <c>demo</c>, the article's
/// worked example, sets its own where <see cref="Demo"/> says.
/// </summary>
internal static class GradientDescentBinder
{
    /// <summary><c>--loss</c>: sum, mean.</summary>
    public static readonly Choices<LossScaling> Loss = new(("sum", LossScaling.Sum), ("mean", LossScaling.Mean));

    /// <summary><c>--init</c>: zeros, random.</summary>
    public static readonly Choices<Initialization> Init = new(("zeros", Initialization.Zeros), ("random", Initialization.Random));

    /// <summary><c>--optimizer</c>: the optimizer catalog's names.</summary>
    public static readonly NameChoices Optimizer = new(OptimizerCatalog.Names);

    private static readonly GradientDescentOptions Defaults = new();

    private static GradientDescentOptions O(object o) => (GradientDescentOptions)o;

    public static readonly BinderTable Table = new(nameof(GradientDescentOptions), Defaults,
    [
        new(nameof(GradientDescentOptions.LearningRate), "--learning-rate", "Step size α of θ ← θ − α·∇J, or 'auto' (1/L, L the largest Hessian eigenvalue, by power iteration).")
        {
            Aliases = ["-a"], Default = "auto",
            Library = o => O(o).LearningRate is { } a ? a.ToString("R", CultureInfo.InvariantCulture) : "auto",
        },
        new(nameof(GradientDescentOptions.MaxIterations), "--max-iterations", "Most updates to make (epochs with --batch-size).")
        {
            Default = Defaults.MaxIterations, Library = o => O(o).MaxIterations,
        },
        new(nameof(GradientDescentOptions.Tolerance), "--tolerance", "The article's rule: stop when |J(k) − J(k−1)| < tolerance (0 turns it off).")
        {
            Default = Defaults.Tolerance, Library = o => O(o).Tolerance,
        },
        new(nameof(GradientDescentOptions.GradientTolerance), "--gradient-tolerance", "Stop when ‖∇J‖ < this (0, the default, turns it off).")
        {
            Default = 0.0, Library = o => O(o).GradientTolerance,
        },
        new(nameof(GradientDescentOptions.LossScaling), "--loss", "Loss scaling: sum = ½Σr² (the article's), mean = ½/n·Σr².")
        {
            Choices = Loss, Default = "mean", Library = o => O(o).LossScaling,
            Why = "a mean loss keeps automatic step sizes, tolerances and penalties independent of the number of rows; the library keeps the article's sum",
        },
        new(nameof(GradientDescentOptions.Initialization), "--init", "Initial parameters: zeros, or random (seeded by --seed).")
        {
            Choices = Init, Default = "zeros", Library = o => O(o).Initialization,
        },
        new(nameof(GradientDescentOptions.Seed), "--seed", "Seed for --init random, mini-batch shuffling, validation splits and cross-validation folds.")
        {
            Default = 0, Library = o => O(o).Seed,
        },
        new(nameof(GradientDescentOptions.Optimizer), "--optimizer", "How gradients become steps: " + string.Join(", ", OptimizerCatalog.Names) + " (gd is the article's).")
        {
            Choices = Optimizer, Default = "gd", Library = o => O(o).Optimizer?.Name ?? "gd",
        },
        new("Momentum", "--momentum", "μ for momentum and nesterov.") { Default = 0.9 },
        new(nameof(GradientDescentOptions.BatchSize), "--batch-size", "Rows per mini-batch (default: full batch). 1 is stochastic gradient descent.")
        {
            Library = o => O(o).BatchSize,
        },
        new(nameof(GradientDescentOptions.Schedule), "--schedule", "Learning-rate schedule: constant, inverse[:POWER], step:EVERY[:GAMMA], cosine[:MIN_FACTOR].")
        {
            Default = "constant", Library = o => O(o).Schedule is ConstantSchedule ? "constant" : O(o).Schedule.ToString(),
        },
        new(nameof(WarmUpSchedule.WarmupSteps), "--warmup", "Linear warm-up over this many steps before the schedule.") { Default = 0 },
        new(nameof(GradientDescentOptions.LineSearch), "--line-search", "Backtracking (Armijo) line search for full-batch gd.")
        {
            Default = false, Library = o => O(o).LineSearch,
        },
        new(nameof(GradientDescentOptions.TimeBudget), "--time-budget", "Stop after this many seconds, keeping the parameters reached.")
        {
            Library = o => O(o).TimeBudget,
        },
        new(nameof(GradientDescentOptions.Patience), "--patience", "With --validation-fraction: checks without improvement before stopping early.")
        {
            Default = Defaults.Patience, Library = o => O(o).Patience,
        },
        new(nameof(GradientDescentOptions.TraceIterations), "--show", "How many first iterations to print.")
        {
            Default = Defaults.TraceIterations, Library = o => O(o).TraceIterations,
        },
        // The schedules' parameters, which --schedule spells inside its value.
        new(nameof(InverseScalingSchedule.Power), "--schedule inverse:POWER", "The power of an inverse schedule."),
        new(nameof(StepDecaySchedule.Every), "--schedule step:EVERY", "Steps between decays."),
        new(nameof(StepDecaySchedule.Gamma), "--schedule step:EVERY:GAMMA", "The decay factor."),
        new(nameof(CosineSchedule.MinFactor), "--schedule cosine:MIN_FACTOR", "The cosine schedule's floor."),
    ])
    {
        Commands = ["demo", "fit"],
        CommandDefaults =
        [
            new("demo", nameof(GradientDescentOptions.LearningRate), "0.01", "the article's worked example uses α = 0.01"),
            new("demo", nameof(GradientDescentOptions.LossScaling), "sum", "the article's loss ½Σr²"),
        ],
    };

    /// <summary>The defaults <c>demo</c>, the article's worked example, sets itself.</summary>
    public static IReadOnlyDictionary<string, object> Demo => Table.DefaultsOf("demo");
}
