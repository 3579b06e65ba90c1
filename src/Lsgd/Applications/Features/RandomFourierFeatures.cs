using Lsgd.Data;
using Lsgd.Internals;

namespace Lsgd.Applications.Features;

/// <summary>Settings of <see cref="RandomFourierFeatures"/>. Immutable; each value is checked when set.</summary>
public sealed record RandomFourierFeaturesOptions
{
    /// <summary>
    /// D, the number of features (≥ 1). Default 500. Each kernel value z(x)ᵀz(x′) is an average of D random terms
    /// with standard deviation at most 1, so its error is about 1/√D (0.045 for D = 500, 0.022 for 2000).
    /// </summary>
    public int Features
    {
        get;
        init => field = Check.AtLeast(value, 1, nameof(Features), "Try 500.");
    } = 500;

    /// <summary>ℓ &gt; 0, the length scale of the RBF kernel approximated. Default 1, for standardised inputs.</summary>
    public double LengthScale
    {
        get;
        init => field = Check.Positive(value, nameof(LengthScale), "Try 1 on standardised features.");
    } = 1;

    /// <summary>Seed of the frequencies and phases. Default 0.</summary>
    public int Seed { get; init; }
}

/// <summary>
/// Random Fourier features (Rahimi and Recht, 2007): a map z: ℝᵈ → ℝᴰ with z(x)ᵀz(x′) ≈ exp(−‖x − x′‖²/(2ℓ²)),
/// so that a linear model on z — fitted by any of the library's methods — is an approximate RBF kernel machine.
/// </summary>
/// <remarks>
/// z(x) = √(2/D) · cos(Wx + b), with the rows of W drawn from N(0, I/ℓ²) and b from U[0, 2π), seeded. By
/// Bochner's theorem E[2 cos(wᵀx + b) cos(wᵀx′ + b)] = k(x, x′). Ridge regression on z with λ is the primal
/// form of kernel ridge regression with the approximate kernel, so its predictions approach those of
/// <see cref="KernelRidge"/> with the same λ as D grows (<see cref="RandomFourierRegressor"/> does both steps).
/// </remarks>
/// <example>
/// <code>
/// var rff = new RandomFourierFeatures(data.Features, new RandomFourierFeaturesOptions { Features = 200 });
/// var fit = new LinearRegressor(new LinearRegressorOptions { Method = SolverMethod.Exact }).Fit(rff.Transform(data));   // n ≥ D
/// double[] predictions = fit.Model.Predict(rff.Transform(newData));
/// </code>
/// </example>
public sealed class RandomFourierFeatures
{
    private readonly double[] _w;
    private readonly double[] _b;
    private readonly double _scale;

    /// <summary>Draws the map for inputs of dimension <paramref name="inputs"/>.</summary>
    public RandomFourierFeatures(int inputs, RandomFourierFeaturesOptions? options = null)
    {
        Check.AtLeast(inputs, 1, nameof(inputs), "Pass the number of input features.");
        Options = options ?? new RandomFourierFeaturesOptions();
        Inputs = inputs;
        int count = Options.Features;
        var rng = new Random(Options.Seed);
        _w = new double[count * inputs];
        _b = new double[count];
        for (int r = 0; r < count; r++)
        {
            for (int j = 0; j < inputs; j++) _w[r * inputs + j] = Sampling.Gaussian(rng) / Options.LengthScale;
            _b[r] = 2 * Math.PI * rng.NextDouble();
        }
        _scale = Math.Sqrt(2.0 / count);
    }

    /// <summary>The options the map was drawn with.</summary>
    public RandomFourierFeaturesOptions Options { get; }

    /// <summary>d, the input dimension.</summary>
    public int Inputs { get; }

    /// <summary>D, the number of features.</summary>
    public int Count => Options.Features;

    /// <summary>The kernel approximated.</summary>
    public RbfKernel Kernel => new(Options.LengthScale);

    /// <summary>W, D × d row-major: the frequencies.</summary>
    public ReadOnlySpan<double> Frequencies => _w;

    /// <summary>b, the D phases in [0, 2π).</summary>
    public ReadOnlySpan<double> Phases => _b;

    /// <summary>Names of the D features: rff1…rffD.</summary>
    public IReadOnlyList<string> FeatureNames => [.. Enumerable.Range(1, Count).Select(r => $"rff{r}")];

    /// <summary>Writes z(x), D values.</summary>
    public void Transform(ReadOnlySpan<double> x, Span<double> z)
    {
        if (x.Length != Inputs)
            Throw.Data($"The feature map takes {Inputs} inputs but a row has {x.Length}.");
        if (z.Length != Count)
            Throw.Length(nameof(z), z.Length, Count, "one value per random feature");
        for (int r = 0; r < Count; r++)
            z[r] = _scale * Math.Cos(System.Numerics.Tensors.TensorPrimitives.Dot(_w.AsSpan(r * Inputs, Inputs), x) + _b[r]);
    }

    /// <summary>The data with its features replaced by z(x) (D features rff1…rffD); targets copied.</summary>
    public Dataset Transform(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Features != Inputs)
            Throw.Data($"The feature map takes {Inputs} inputs but the data has {data.Features} features.");
        long size = (long)data.Rows * Count;
        if (size > Array.MaxLength)
            Throw.Data($"{data.Rows} rows × {Count} random features do not fit in one array: use fewer features, or fit in chunks of rows.");
        var z = new double[size];
        var row = new double[Inputs];
        for (int i = 0; i < data.Rows; i++)
        {
            for (int j = 0; j < Inputs; j++) row[j] = data.Feature(i, j);
            Transform(row, z.AsSpan(i * Count, Count));
        }
        return new Dataset(z, data.Y.ToArray(), data.Rows, Count, data.Outputs, FeatureNames, data.TargetNames);
    }
}
