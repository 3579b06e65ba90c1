using System.CommandLine;
using System.Globalization;
using Lsgd.Cli.Binding;
using Lsgd.Optimizers;
using Lsgd.Schedules;
using Lsgd.Training;

namespace Lsgd.Cli.Commands;

/// <summary>The gradient-method flags shared by <c>demo</c> and <c>fit</c>, bound to <see cref="GradientDescentOptions"/>.</summary>
internal sealed class GradientDescentFlags
{
    public Option<string> LearningRate { get; }
    public Option<int> MaxIterations { get; }
    public Option<double> Tolerance { get; }
    public Option<double> GradientTolerance { get; }
    public Option<string> Loss { get; }
    public Option<string> Init { get; }
    public Option<int> Seed { get; }
    public Option<string> Optimizer { get; }
    public Option<double> Momentum { get; }
    public Option<int?> BatchSize { get; }
    public Option<string> Schedule { get; }
    public Option<int> Warmup { get; }
    public Option<bool> LineSearch { get; }
    public Option<double?> TimeBudget { get; }
    public Option<int> Patience { get; }

    /// <summary>The flags with <c>fit</c>'s defaults, or with those of <paramref name="defaults"/> (by option name) where given.</summary>
    public GradientDescentFlags(IReadOnlyDictionary<string, object>? defaults = null)
    {
        var table = GradientDescentBinder.Table;
        Option<T> Make<T>(string option) => table[option].Create<T>(defaults?.GetValueOrDefault(option));
        LearningRate = Make<string>(nameof(GradientDescentOptions.LearningRate));
        MaxIterations = Make<int>(nameof(GradientDescentOptions.MaxIterations));
        Tolerance = Make<double>(nameof(GradientDescentOptions.Tolerance));
        GradientTolerance = Make<double>(nameof(GradientDescentOptions.GradientTolerance));
        Loss = Make<string>(nameof(GradientDescentOptions.LossScaling));
        Init = Make<string>(nameof(GradientDescentOptions.Initialization));
        Seed = Make<int>(nameof(GradientDescentOptions.Seed));
        Optimizer = Make<string>(nameof(GradientDescentOptions.Optimizer));
        Momentum = Make<double>("Momentum");
        BatchSize = Make<int?>(nameof(GradientDescentOptions.BatchSize));
        Schedule = Make<string>(nameof(GradientDescentOptions.Schedule));
        Warmup = Make<int>(nameof(WarmUpSchedule.WarmupSteps));
        LineSearch = Make<bool>(nameof(GradientDescentOptions.LineSearch));
        TimeBudget = Make<double?>(nameof(GradientDescentOptions.TimeBudget));
        Patience = Make<int>(nameof(GradientDescentOptions.Patience));
    }

    private static readonly GradientDescentOptions LibraryDefaults = new();

    /// <summary>Whether a flag that only gradient descent reads was given explicitly.</summary>
    public bool AskedForGradientDescent(ParseResult parse)
    {
        foreach (Option option in new Option[] { Tolerance, Optimizer, Momentum, BatchSize, Schedule, Warmup, LineSearch, LearningRate })
            if (parse.GetResult(option) is { Implicit: false })
                return true;
        return false;
    }

    public void AddTo(Command command)
    {
        foreach (Option option in new Option[] { LearningRate, MaxIterations, Tolerance, GradientTolerance, Loss, Init, Seed,
                     Optimizer, Momentum, BatchSize, Schedule, Warmup, LineSearch, TimeBudget, Patience })
            command.Add(option);
    }

    /// <summary>Builds the options; <paramref name="rows"/> (when known) lets a cosine schedule span every mini-batch step of the run; <paramref name="traceIterations"/> (demo's --show) defaults to the library's.</summary>
    public GradientDescentOptions Read(ParseResult parse, long? rows = null, int? traceIterations = null)
    {
        int maxIterations = parse.GetValue(MaxIterations);
        int? batch = parse.GetValue(BatchSize);
        if (batch is < 1)
            throw new InvalidOptionException("BatchSize", batch, "an integer >= 1 (rows per mini-batch)", "Use 1 for stochastic gradient descent, 32-256 for mini-batches, or leave it unset for full batch.");
        if (parse.GetValue(Warmup) is var warmup and < 0)
            throw new InvalidOptionException("WarmupSteps", warmup, "an integer >= 0", "Use 0 for no warm-up, or e.g. 100 steps.");
        long steps = batch is { } b && rows is { } n ? maxIterations * ((n + b - 1) / b) : maxIterations;
        return new()
        {
            LearningRate = ParseLearningRate(parse.GetValue(LearningRate)!),
            MaxIterations = maxIterations,
            Tolerance = parse.GetValue(Tolerance),
            GradientTolerance = parse.GetValue(GradientTolerance),
            LossScaling = GradientDescentBinder.Loss.Parse(parse.GetValue(Loss)!),
            Initialization = GradientDescentBinder.Init.Parse(parse.GetValue(Init)!),
            Seed = parse.GetValue(Seed),
            TraceIterations = traceIterations ?? LibraryDefaults.TraceIterations,
            Optimizer = OptimizerCatalog.Create(parse.GetValue(Optimizer)!, parse.GetValue(Momentum)),
            BatchSize = parse.GetValue(BatchSize),
            Schedule = ParseSchedule(parse.GetValue(Schedule)!, parse.GetValue(Warmup), steps),
            LineSearch = parse.GetValue(LineSearch),
            TimeBudget = parse.GetValue(TimeBudget) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            Patience = parse.GetValue(Patience),
        };
    }

    private static double? ParseLearningRate(string text)
    {
        if (text.Equals("auto", StringComparison.OrdinalIgnoreCase))
            return null;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            return value;
        throw new LsgdException($"{GradientDescentBinder.Table[nameof(GradientDescentOptions.LearningRate)].Flag} '{text}' is not allowed: it must be a number > 0 or 'auto'. Try 0.01, or auto.");
    }

    internal static ILearningRateSchedule ParseSchedule(string text, int warmup, long steps)
    {
        var parts = text.Split(':');
        double Number(int i, double fallback)
        {
            if (parts.Length <= i) return fallback;
            if (double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out double v)) return v;
            throw new LsgdException($"--schedule '{text}': '{parts[i]}' is not a number. Examples: inverse:0.5, step:100:0.5, cosine:0.01.");
        }
        ILearningRateSchedule schedule = parts[0] switch
        {
            "constant" when parts.Length == 1 => ConstantSchedule.Instance,
            "inverse" => new InverseScalingSchedule(Number(1, 0.5)),
            "step" when parts.Length >= 2 => new StepDecaySchedule((int)Number(1, 100), Number(2, 0.5)),
            "cosine" => new CosineSchedule(Math.Max(steps, 1), Number(1, 0)),
            _ => throw new LsgdException($"--schedule '{text}' is not allowed: it must be constant, inverse[:POWER], step:EVERY[:GAMMA] or cosine[:MIN_FACTOR]. Try step:100:0.5."),
        };
        return warmup > 0 ? new WarmUpSchedule(warmup, schedule) : schedule;
    }
}
