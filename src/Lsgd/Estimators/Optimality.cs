namespace Lsgd.Estimators;

/// <summary>
/// How far an iterative fit stopped from the exact least-squares optimum, measured against the exact
/// solution (in original units, under the fit's loss scaling).
/// </summary>
/// <param name="Loss">J at the fitted parameters.</param>
/// <param name="OptimalLoss">J* at the exact solution.</param>
/// <param name="ObjectiveGap">J − J* (≥ 0 up to rounding).</param>
/// <param name="RelativeObjectiveGap">(J − J*)/max(J*, tiny), or the absolute gap when J* is 0.</param>
/// <param name="CoefficientDistance">‖θ − θ*‖₂ over all coefficients and intercepts.</param>
/// <param name="RelativeCoefficientDistance">‖θ − θ*‖₂ / ‖θ*‖₂.</param>
/// <param name="ExactParameters">θ*, laid out like the model's parameters.</param>
public sealed record Optimality(double Loss, double OptimalLoss, double ObjectiveGap, double RelativeObjectiveGap,
    double CoefficientDistance, double RelativeCoefficientDistance, IReadOnlyList<double> ExactParameters)
{
    /// <summary>A sentence for people: how far, and whether the stop was premature.</summary>
    public string Describe(bool converged)
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        string gap = ObjectiveGap < 0
            ? string.Format(c, "objective gap J − J* = {0:G3} (zero within rounding)", ObjectiveGap)
            : OptimalLoss > 1e-300
                ? string.Format(c, "objective gap J − J* = {0:G3} (relative {1:G3})", ObjectiveGap, RelativeObjectiveGap)
                : string.Format(c, "objective gap J − J* = {0:G3} (J* = 0: the data lie exactly on the model)", ObjectiveGap);
        string text = string.Format(c, "Distance to the exact least-squares solution: ‖θ − θ*‖ = {0:G3} (relative {1:G3}); {2}.",
            CoefficientDistance, RelativeCoefficientDistance, gap);
        if (converged && RelativeCoefficientDistance > 1e-6)
            text += " The stopping rule fired before the coefficients converged: lower --tolerance, or use --gradient-tolerance.";
        return text;
    }
}
