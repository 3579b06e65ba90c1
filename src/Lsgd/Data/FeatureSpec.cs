namespace Lsgd.Data;

/// <summary>
/// Which input columns a model reads and how they become its features: the columns as they are, or the
/// polynomial x, x², …, xᴺ of a single column. Saved with a model, so that predicting builds the same features.
/// </summary>
/// <param name="Inputs">The input columns read (in a CSV file, by name), in order.</param>
/// <param name="Degree">1 for the columns as they are; N &gt; 1 for the polynomial of the single input.</param>
public sealed record FeatureSpec(IReadOnlyList<string> Inputs, int Degree = 1)
{
    /// <summary>Names of the model's features: the inputs, or <c>x, x^2, …</c>.</summary>
    public IReadOnlyList<string> FeatureNames =>
        Degree == 1 ? Inputs : PolynomialFeatures.Names(Inputs[0], Degree);

    /// <summary>Checks the spec is consistent: at least one input; a polynomial has exactly one.</summary>
    public void Validate()
    {
        if (Inputs.Count == 0)
            throw new LsgdException("No feature columns: name them with `Inputs`, or keep at least one numeric column besides the target.");
        if (Degree < 1)
            throw new LsgdException($"`Degree = {Degree}` is not allowed: it must be an integer >= 1. Use 1 for a straight line, 2 for a parabola.");
        if (Degree > MaxDegree)
            throw new LsgdException($"`Degree = {Degree}` is not allowed: it must be at most {MaxDegree}. Powers beyond a few dozen overflow or lose every digit in double precision; " +
                "for a high-degree polynomial in one column use `CurveFitter.Polynomial` (Chebyshev basis).");
        if (Degree > 1 && Inputs.Count != 1)
            throw new LsgdException($"`Degree = {Degree}` fits a polynomial in one column, but {Inputs.Count} feature columns were given ({string.Join(", ", Inputs)}). Pass exactly one with `Inputs`.");
    }

    /// <summary>The highest polynomial degree <see cref="Validate"/> accepts.</summary>
    public const int MaxDegree = 1000;

    /// <summary>
    /// Refuses, before allocating, a design matrix of <paramref name="rows"/> × <paramref name="columns"/> doubles
    /// that one array cannot hold or that would take more than half of the memory this process may use.
    /// </summary>
    /// <param name="source">What the rows come from (a file name), for the message.</param>
    /// <param name="rows">n.</param>
    /// <param name="columns">d.</param>
    /// <exception cref="LsgdException">The matrix is too large.</exception>
    public static void CheckSize(string source, long rows, long columns)
    {
        double bytes = 8.0 * rows * columns;
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if ((double)rows * columns > Array.MaxLength || bytes > available / 2.0)
            throw new LsgdException($"{source}: {rows} rows × {columns} features need {bytes / (1 << 20):0} MB, more than half of the {available / (1 << 20)} MB this process may use. " +
                "Use a lower `Degree` or fewer columns, or stream the file (`Engine = Stream`).");
    }

    /// <summary>
    /// Builds the n × d feature matrix (row-major) from the n × m values of the <see cref="Inputs"/> (row-major,
    /// in their order): the inputs themselves (not copied) when <see cref="Degree"/> is 1, else the powers of the one input.
    /// </summary>
    /// <exception cref="ArgumentException">The number of values is not a multiple of the number of inputs.</exception>
    /// <exception cref="LsgdException">The spec is inconsistent, or the powers would not fit in memory.</exception>
    public double[] Build(double[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        Validate();
        if (inputs.Length % Inputs.Count != 0)
            throw new ArgumentException($"{inputs.Length} values are not rows of the {Inputs.Count} inputs.", nameof(inputs));
        if (Degree > 1)
            CheckSize("The data", inputs.Length, Degree);
        return Degree == 1 ? inputs : PolynomialFeatures.Expand(inputs, Degree);
    }
}
