using System.Numerics.Tensors;
using Lsgd.Internals;

namespace Lsgd.Data;

/// <summary>
/// Feature standardisation x′ = (x − μ)/σ, and the map of coefficients fitted on x′ back to the units of x.
/// </summary>
/// <remarks>
/// σ is the population standard deviation √(Σ(x − μ)²/n); a constant column keeps σ = 1. Without an
/// intercept the features are only scaled (μ = 0), since centring would change the model.
/// A model ŷ = w′ᵀx′ + b′ equals ŷ = wᵀx + b with wⱼ = w′ⱼ/σⱼ and b = b′ − Σⱼ w′ⱼ μⱼ/σⱼ.
/// </remarks>
public sealed class Standardizer
{
    /// <summary>Creates a standardiser from known means and scales (e.g. read from a saved model).</summary>
    public Standardizer(IReadOnlyList<double> means, IReadOnlyList<double> scales)
    {
        ArgumentNullException.ThrowIfNull(means);
        ArgumentNullException.ThrowIfNull(scales);
        if (means.Count != scales.Count)
            Throw.Length(nameof(scales), scales.Count, means.Count, "one scale per mean");
        Means = [.. means];
        Scales = [.. scales];
    }

    /// <summary>μ per feature (0 when not centred).</summary>
    public IReadOnlyList<double> Means { get; }

    /// <summary>σ per feature (1 for constant columns).</summary>
    public IReadOnlyList<double> Scales { get; }

    /// <summary>Learns μ and σ from <paramref name="data"/>.</summary>
    /// <param name="data">The training data.</param>
    /// <param name="center">Whether to subtract the mean (only meaningful with an intercept).</param>
    public static Standardizer Fit(Dataset data, bool center)
    {
        ArgumentNullException.ThrowIfNull(data);
        int n = data.Rows, d = data.Features;
        var means = new double[d];
        var scales = new double[d];
        // Row by row (each row read whole and widened once), every column's sums still taking the rows in order: the
        // bits of a column-by-column loop, without a strided read of the features per value.
        var row = new double[d];
        if (center)
        {
            var c = new double[d];
            for (int i = 0; i < n; i++)
            {
                data.Storage.CopyRow(i, row);
                for (int j = 0; j < d; j++) Accurate.TwoSumInto(ref means[j], ref c[j], row[j]);
            }
            for (int j = 0; j < d; j++) means[j] = (means[j] + c[j]) / n;
        }
        var ss = new double[d];
        for (int i = 0; i < n; i++)
        {
            data.Storage.CopyRow(i, row);
            for (int j = 0; j < d; j++) { double v = row[j] - means[j]; ss[j] += v * v; }
        }
        for (int j = 0; j < d; j++)
        {
            double sd = Math.Sqrt(ss[j] / n);
            scales[j] = sd > 0 && double.IsFinite(sd) ? sd : 1.0;
        }
        return new Standardizer(means, scales);
    }

    /// <summary>Returns a standardised copy of <paramref name="data"/> in double precision (targets copied).</summary>
    public Dataset Transform(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        int n = data.Rows, d = data.Features;
        if (d != Means.Count)
            Throw.Data($"The standardiser was fitted on {Means.Count} features but the data has {d}.");
        var x = new double[n * d];
        ReadOnlySpan<double> means = Means as double[] ?? [.. Means], scales = Scales as double[] ?? [.. Scales];
        for (int i = 0; i < n; i++)
        {
            // (x − mean) / scale, each value rounded as one at a time: vectorised, the same bits.
            var target = x.AsSpan(i * d, d);
            data.Storage.CopyRow(i, target);
            TensorPrimitives.Subtract(target, means, target);
            TensorPrimitives.Divide(target, scales, target);
        }
        return new Dataset(x, data.Y.ToArray(), n, d, data.Outputs, data.FeatureNames, data.TargetNames).WithWeights(data.IsWeighted ? data.Weights.ToArray() : null);
    }

    /// <summary>Maps θ′ fitted on standardised features to θ in original units (same layout).</summary>
    public double[] ToOriginalUnits(ReadOnlySpan<double> thetaStandardized, Models.ParameterLayout layout)
    {
        var theta = thetaStandardized.ToArray();
        int d = layout.Features;
        for (int o = 0; o < layout.Outputs; o++)
        {
            var w = layout.Weights(theta.AsSpan(), o);
            double shift = 0;
            for (int j = 0; j < d; j++)
            {
                w[j] /= Scales[j];
                shift += w[j] * Means[j];
            }
            if (layout.HasIntercept)
                theta[o * layout.BlockSize + d] -= shift;
        }
        return theta;
    }

    /// <summary>Maps θ in original units to the standardised space (inverse of <see cref="ToOriginalUnits"/>).</summary>
    public double[] ToStandardizedUnits(ReadOnlySpan<double> theta, Models.ParameterLayout layout)
    {
        var result = theta.ToArray();
        int d = layout.Features;
        for (int o = 0; o < layout.Outputs; o++)
        {
            var w = layout.Weights(result.AsSpan(), o);
            double shift = 0;
            for (int j = 0; j < d; j++)
            {
                shift += w[j] * Means[j];
                w[j] *= Scales[j];
            }
            if (layout.HasIntercept)
                result[o * layout.BlockSize + d] += shift;
        }
        return result;
    }
}
