using Lsgd.Engines;

namespace Lsgd.Training;

/// <summary>
/// Early stopping on held-out rows: after each accepted iteration the validation loss is measured; the best
/// parameters are kept, and the run stops after <see cref="GradientDescentOptions.Patience"/> checks without improvement.
/// </summary>
internal sealed class EarlyStopping(IObjective validation, int patience)
{
    private double _best = double.PositiveInfinity;
    private int _sinceImprovement;

    /// <summary>The parameters best on validation so far, or null before the first check.</summary>
    public double[]? Best { get; private set; }

    /// <summary>The validation objective.</summary>
    public IObjective Validation => validation;

    /// <summary>Records the validation loss at <paramref name="theta"/>; true when patience has run out.</summary>
    public bool ShouldStop(double[] theta)
    {
        double v = validation.Evaluate(theta, new double[theta.Length]);
        if (v < _best)
        {
            _best = v;
            Best = (double[])theta.Clone();
            _sinceImprovement = 0;
            return false;
        }
        return ++_sinceImprovement >= patience;
    }
}
