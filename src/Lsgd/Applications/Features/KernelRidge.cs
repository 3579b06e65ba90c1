using Lsgd.Data;
using Lsgd.Internals;
using Lsgd.LinearAlgebra;

namespace Lsgd.Applications.Features;

/// <summary>Settings of <see cref="KernelRidge"/>. Immutable; each value is checked when set.</summary>
public sealed record KernelRidgeOptions
{
    /// <summary>ℓ &gt; 0, the length scale of the RBF kernel. Default 1, for standardised inputs.</summary>
    public double LengthScale
    {
        get;
        init => field = Check.Positive(value, nameof(LengthScale), "Try 1 on standardised features.");
    } = 1;

    /// <summary>λ &gt; 0, the ridge penalty in ½‖y − f‖² + ½λ‖f‖²_H. Default 0.1.</summary>
    public double Lambda
    {
        get;
        init => field = Check.Positive(value, nameof(Lambda), "Try 0.1.");
    } = 0.1;

    /// <summary>Largest n accepted (≥ 1): the method stores the n × n kernel matrix. Default 20 000 (3.2 GB).</summary>
    public int MaxRows
    {
        get;
        init => field = Check.AtLeast(value, 1, nameof(MaxRows), "Try 20000.");
    } = 20_000;
}

/// <summary>
/// Exact kernel ridge regression with the RBF kernel: f(x) = Σᵢ αᵢ k(xᵢ, x) with (K + λI)α = y, solved by
/// Cholesky. It minimises ½Σ(yᵢ − f(xᵢ))² + ½λ‖f‖²_H, no intercept (centre y first if it is far from 0).
/// </summary>
/// <remarks>
/// O(n²) memory and O(n³) time: the reference for <see cref="RandomFourierFeatures"/> on small data, which gives
/// the same model approximately in O(nD) memory with the linear solvers.
/// </remarks>
public sealed class KernelRidge
{
    /// <summary>Creates the estimator with <paramref name="options"/> (defaults when null).</summary>
    public KernelRidge(KernelRidgeOptions? options = null) => Options = options ?? new KernelRidgeOptions();

    /// <summary>The settings.</summary>
    public KernelRidgeOptions Options { get; }

    /// <summary>Fits every target of <paramref name="data"/>.</summary>
    /// <exception cref="LsgdException">More rows than <see cref="KernelRidgeOptions.MaxRows"/>.</exception>
    public KernelRidgeModel Fit(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        int n = data.Rows, d = data.Features, k = data.Outputs;
        if (n > Options.MaxRows)
            Throw.Data($"Exact kernel ridge needs an n × n matrix, and the data has {n} rows (more than MaxRows = {Options.MaxRows}). " +
                "Use RandomFourierFeatures with a linear fit instead, or raise MaxRows.");
        var x = data.ToDoublePrecision().X.ToArray();
        var kernel = new RbfKernel(Options.LengthScale);
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
                a[i * n + j] = kernel.Evaluate(x.AsSpan(i * d, d), x.AsSpan(j * d, d)) + (i == j ? Options.Lambda : 0);
        var cholesky = Cholesky.Factor(a, n)
            ?? Throw.Data<Cholesky>($"K + λI is not numerically positive definite with λ = {Throw.Format(Options.Lambda)}. Use a larger Lambda.");
        var alpha = new double[n * k];
        var column = new double[n];
        for (int o = 0; o < k; o++)
        {
            for (int i = 0; i < n; i++) column[i] = data.Y[i * k + o];
            cholesky.Solve(column);
            for (int i = 0; i < n; i++) alpha[i * k + o] = column[i];
        }
        return new KernelRidgeModel(kernel, Options.Lambda, x, alpha, n, d, k, data.FeatureNames, data.TargetNames);
    }
}

/// <summary>A fitted kernel ridge model f(x) = Σᵢ αᵢ k(xᵢ, x). Immutable.</summary>
public sealed class KernelRidgeModel
{
    private readonly double[] _x;
    private readonly double[] _alpha;

    internal KernelRidgeModel(RbfKernel kernel, double lambda, double[] x, double[] alpha, int rows, int features, int outputs,
        IReadOnlyList<string> featureNames, IReadOnlyList<string> targetNames)
    {
        Kernel = kernel;
        Lambda = lambda;
        _x = x;
        _alpha = alpha;
        Rows = rows;
        Features = features;
        Outputs = outputs;
        FeatureNames = [.. featureNames];
        TargetNames = [.. targetNames];
    }

    /// <summary>The kernel.</summary>
    public RbfKernel Kernel { get; }

    /// <summary>λ.</summary>
    public double Lambda { get; }

    /// <summary>n, the training rows kept.</summary>
    public int Rows { get; }

    /// <summary>d.</summary>
    public int Features { get; }

    /// <summary>k.</summary>
    public int Outputs { get; }

    /// <summary>Names of the features.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Names of the outputs.</summary>
    public IReadOnlyList<string> TargetNames { get; }

    /// <summary>α, n × k row-major: the dual coefficients.</summary>
    public ReadOnlySpan<double> DualCoefficients => _alpha;

    /// <summary>Writes the k predictions for one row.</summary>
    public void Predict(ReadOnlySpan<double> x, Span<double> prediction)
    {
        if (x.Length != Features)
            Throw.Data($"The model expects {Features} features ({string.Join(", ", FeatureNames)}) but a row has {x.Length}.");
        if (prediction.Length != Outputs)
            Throw.Length(nameof(prediction), prediction.Length, Outputs, "one value per output");
        prediction.Clear();
        for (int i = 0; i < Rows; i++)
        {
            double kx = Kernel.Evaluate(_x.AsSpan(i * Features, Features), x);
            for (int o = 0; o < Outputs; o++) prediction[o] += _alpha[i * Outputs + o] * kx;
        }
    }

    /// <summary>Predicts every row of <paramref name="data"/>: n·k values, row-major.</summary>
    public double[] Predict(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Features != Features)
            Throw.Data($"The model expects {Features} features ({string.Join(", ", FeatureNames)}) but the data has {data.Features}.");
        var result = new double[data.Rows * Outputs];
        var row = new double[Features];
        for (int i = 0; i < data.Rows; i++)
        {
            for (int j = 0; j < Features; j++) row[j] = data.Feature(i, j);
            Predict(row, result.AsSpan(i * Outputs, Outputs));
        }
        return result;
    }
}
