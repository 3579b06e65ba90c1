using Lsgd.Internals;

namespace Lsgd.Schedules;

/// <summary>A learning-rate schedule: a pure function of the step, multiplying the base α.</summary>
public interface ILearningRateSchedule
{
    /// <summary>Short name, e.g. <c>cosine</c>.</summary>
    string Name { get; }

    /// <summary>The factor applied to α at step <paramref name="t"/> (0-based).</summary>
    double Factor(long t);

    /// <summary>Whether the factor is 1 at every step (the trainer then relies on monotone steps where the optimizer promises them). Default false.</summary>
    bool IsConstant => false;
}

/// <summary>α stays as given.</summary>
public sealed class ConstantSchedule : ILearningRateSchedule
{
    /// <summary>The one instance.</summary>
    public static ConstantSchedule Instance { get; } = new();

    /// <inheritdoc />
    public string Name => "constant";

    /// <inheritdoc />
    public double Factor(long t) => 1.0;

    /// <summary>True.</summary>
    public bool IsConstant => true;
}

/// <summary>Inverse scaling, as scikit-learn's "invscaling": factor = (1 + step)^(−power).</summary>
public sealed class InverseScalingSchedule(double power = 0.5) : ILearningRateSchedule
{
    /// <summary>The exponent (&gt; 0).</summary>
    public double Power { get; } = Check.Positive(power, "Power", "Try 0.5.");

    /// <inheritdoc />
    public string Name => "inverse";

    /// <inheritdoc />
    public double Factor(long t) => Math.Pow(1 + t, -Power);
}

/// <summary>Step decay: factor = γ^⌊step / every⌋.</summary>
public sealed class StepDecaySchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="every">Steps between decays (≥ 1).</param>
    /// <param name="gamma">Multiplier per decay, in (0, 1].</param>
    public StepDecaySchedule(int every, double gamma = 0.5)
    {
        Every = Check.AtLeast(every, 1, "Every", "Try 100.");
        if (!(gamma > 0 && gamma <= 1)) Throw.Option("Gamma", gamma, "a number in (0, 1]", "Try 0.5.");
        Gamma = gamma;
    }

    /// <summary>Steps between decays.</summary>
    public int Every { get; }

    /// <summary>Multiplier per decay.</summary>
    public double Gamma { get; }

    /// <inheritdoc />
    public string Name => "step";

    /// <inheritdoc />
    public double Factor(long t) => Math.Pow(Gamma, t / Every);
}

/// <summary>Cosine annealing from 1 to <see cref="MinFactor"/> over <see cref="Steps"/>, then flat.</summary>
public sealed class CosineSchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    public CosineSchedule(long steps, double minFactor = 0.0)
    {
        if (steps < 1) Throw.Option("Steps", steps, "an integer >= 1", "Use the number of steps of the run.");
        if (!(minFactor >= 0 && minFactor <= 1)) Throw.Option("MinFactor", minFactor, "a number in [0, 1]", "Try 0.");
        Steps = steps;
        MinFactor = minFactor;
    }

    /// <summary>Length of the decay.</summary>
    public long Steps { get; }

    /// <summary>The factor reached at the end.</summary>
    public double MinFactor { get; }

    /// <inheritdoc />
    public string Name => "cosine";

    /// <inheritdoc />
    public double Factor(long t) =>
        MinFactor + (1 - MinFactor) * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(t, Steps) / Steps));
}

/// <summary>Linear warm-up over the first steps, then another schedule: factor = min(1, (step+1)/warmup)·inner(step).</summary>
public sealed class WarmUpSchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    public WarmUpSchedule(int warmupSteps, ILearningRateSchedule? then = null)
    {
        WarmupSteps = Check.AtLeast(warmupSteps, 1, "WarmupSteps", "Try 100.");
        Then = then ?? ConstantSchedule.Instance;
    }

    /// <summary>Steps of linear warm-up.</summary>
    public int WarmupSteps { get; }

    /// <summary>The schedule after warm-up.</summary>
    public ILearningRateSchedule Then { get; }

    /// <inheritdoc />
    public string Name => "warmup+" + Then.Name;

    /// <inheritdoc />
    public double Factor(long t) => Math.Min(1.0, (t + 1.0) / WarmupSteps) * Then.Factor(t);
}
