using System.CommandLine;
using Lsgd.Models;
using Lsgd.Training;

namespace Lsgd.Cli.Commands;

/// <summary>The gradient-descent flags shared by <c>demo</c> and <c>fit</c>, bound to <see cref="GradientDescentOptions"/>.</summary>
internal sealed class GradientDescentFlags
{
    public Option<double> LearningRate { get; }
    public Option<int> MaxIterations { get; }
    public Option<double> Tolerance { get; }
    public Option<double> GradientTolerance { get; }
    public Option<string> Loss { get; }
    public Option<string> Init { get; }
    public Option<int> Seed { get; }

    public GradientDescentFlags(double learningRate, LossScaling loss)
    {
        var defaults = new GradientDescentOptions();
        LearningRate = new Option<double>("--learning-rate", "-a")
        {
            Description = "Step size α of w ← w − α·∂J/∂w. Too large diverges (the message then gives the safe bound 2/L).",
            DefaultValueFactory = _ => learningRate,
        };
        MaxIterations = new Option<int>("--max-iterations")
        {
            Description = "Most updates to make.",
            DefaultValueFactory = _ => defaults.MaxIterations,
        };
        Tolerance = new Option<double>("--tolerance")
        {
            Description = "The article's rule: stop when |J(k) − J(k−1)| < tolerance (0 turns it off).",
            DefaultValueFactory = _ => defaults.Tolerance,
        };
        GradientTolerance = new Option<double>("--gradient-tolerance")
        {
            Description = "Stop when ‖∇J‖ < this (0, the default, turns it off).",
            DefaultValueFactory = _ => 0,
        };
        Loss = new Option<string>("--loss")
        {
            Description = "Loss scaling: sum = ½Σr² (the article's), mean = ½/n·Σr².",
            DefaultValueFactory = _ => loss == LossScaling.Sum ? "sum" : "mean",
        };
        Loss.AcceptOnlyFromAmong("sum", "mean");
        Init = new Option<string>("--init")
        {
            Description = "Initial parameters: zeros, or random (seeded by --seed).",
            DefaultValueFactory = _ => "zeros",
        };
        Init.AcceptOnlyFromAmong("zeros", "random");
        Seed = new Option<int>("--seed")
        {
            Description = "Seed for --init random.",
            DefaultValueFactory = _ => 0,
        };
    }

    public void AddTo(Command command)
    {
        command.Add(LearningRate);
        command.Add(MaxIterations);
        command.Add(Tolerance);
        command.Add(GradientTolerance);
        command.Add(Loss);
        command.Add(Init);
        command.Add(Seed);
    }

    public GradientDescentOptions Read(ParseResult parse, int traceIterations) => new()
    {
        LearningRate = parse.GetValue(LearningRate),
        MaxIterations = parse.GetValue(MaxIterations),
        Tolerance = parse.GetValue(Tolerance),
        GradientTolerance = parse.GetValue(GradientTolerance),
        LossScaling = parse.GetValue(Loss) == "mean" ? LossScaling.Mean : LossScaling.Sum,
        Initialization = parse.GetValue(Init) == "random" ? Initialization.Random : Initialization.Zeros,
        Seed = parse.GetValue(Seed),
        TraceIterations = traceIterations,
    };
}
