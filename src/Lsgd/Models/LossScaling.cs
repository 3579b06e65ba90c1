namespace Lsgd.Models;

/// <summary>Which of the two usual scalings of the half-squared-error loss an objective uses.</summary>
/// <remarks>
/// The learning rate α means different things under the two: under <see cref="Sum"/> a step is α times a
/// gradient that grows with n, so a safe α shrinks as data grows; under <see cref="Mean"/> the same α suits
/// any n. The minimiser is the same.
/// </remarks>
public enum LossScaling
{
    /// <summary>The article's J(w, b) = ½ Σᵢ ‖yᵢ − Wᵀxᵢ − b‖² (summed over rows and outputs; Σᵢ wᵢ‖…‖² for weighted rows).</summary>
    Sum,

    /// <summary>J(w, b) = ½ · (1/n) Σᵢ ‖yᵢ − Wᵀxᵢ − b‖², as scikit-learn and most deep-learning code use; for weighted rows the weighted mean ½ · (1/Σw) Σᵢ wᵢ‖…‖².</summary>
    Mean,
}
