namespace Lsgd.Training;

/// <summary>Why an iterative fit stopped. Not converging is a result, not an exception.</summary>
public enum StopReason
{
    /// <summary>|J(θₖ) − J(θₖ₋₁)| fell below the tolerance (the article's rule). Not convergence by itself: the loss can stop changing far from the optimum.</summary>
    LossChangeBelowTolerance,

    /// <summary>‖∇J(θₖ)‖ fell below the gradient tolerance.</summary>
    GradientNormBelowTolerance,

    /// <summary>The iteration limit was reached first.</summary>
    MaxIterations,

    /// <summary>The loss became infinite or NaN: the learning rate is too large.</summary>
    Diverged,

    /// <summary>The caller cancelled; the parameters are the last ones computed (the best on validation, if any).</summary>
    Cancelled,

    /// <summary>The validation loss stopped improving; the parameters are the best seen on validation.</summary>
    EarlyStopped,

    /// <summary>The wall-clock budget ran out.</summary>
    TimeBudget,

    /// <summary>J reached the requested target loss.</summary>
    TargetReached,

    /// <summary>The iterations stalled: no further progress is possible in floating point. Not convergence by itself.</summary>
    RoundingLimit,

    /// <summary>An <see cref="IOptimalityCertificate"/> bounded the relative objective gap below <see cref="GradientDescentOptions.RelativeGapTolerance"/>.</summary>
    Certified,
}

/// <summary>Names used in JSON and text output.</summary>
public static class StopReasonNames
{
    /// <summary>snake_case name, e.g. <c>loss_change_below_tolerance</c>.</summary>
    public static string ToSnakeCase(this StopReason reason) => reason switch
    {
        StopReason.LossChangeBelowTolerance => "loss_change_below_tolerance",
        StopReason.GradientNormBelowTolerance => "gradient_norm_below_tolerance",
        StopReason.MaxIterations => "max_iterations",
        StopReason.Diverged => "diverged",
        StopReason.Cancelled => "cancelled",
        StopReason.EarlyStopped => "early_stopped",
        StopReason.TimeBudget => "time_budget",
        StopReason.TargetReached => "target_reached",
        StopReason.RoundingLimit => "rounding_limit",
        StopReason.Certified => "certified",
        _ => reason.ToString(),
    };
}
