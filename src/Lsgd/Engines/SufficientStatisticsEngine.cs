using System.Numerics.Tensors;
using Lsgd.Data;
using Lsgd.Internals;
using Lsgd.LinearAlgebra;
using Lsgd.Models;

namespace Lsgd.Engines;

/// <summary>
/// Loss and gradient from <see cref="SufficientStatistics"/> instead of the rows: after one pass over the data
/// every full-batch step costs O(d²k), not O(ndk), and gives the same iterates as the row engine.
/// </summary>
/// <remarks>
/// With c = ȳ − x̄ᵀw − b (per output):
/// <code>
/// J     = ½(Syy − 2wᵀSxy + wᵀSxx w) + ½ n c²
/// ∂J/∂w = Sxx w − Sxy − n c x̄          ∂J/∂b = −n c
/// </code>
/// For weighted statistics n stands for W = Σw (and the moments are weighted). Without an intercept the uncentred moments Σxxᵀ = Sxx + n x̄x̄ᵀ etc. are used. The loss is a difference of
/// large terms, so its absolute rounding error is about ε·Σ(y − ȳ)²: a |ΔJ| tolerance below that is not
/// meaningful with this engine (gradients, and so iterates, are not affected the same way).
/// Mini-batches need the rows themselves; this engine refuses them.
/// </remarks>
public sealed class SufficientStatisticsEngine : IGradientEngine
{
    private readonly SufficientStatistics _s;
    private readonly double[] _sxx;   // centred (with intercept) or uncentred (without)
    private readonly double[] _sxy;
    private readonly double[] _syy;
    private readonly double[] _scratch;

    /// <summary>Creates the engine from statistics (not copied; do not change them afterwards).</summary>
    public SufficientStatisticsEngine(SufficientStatistics statistics, bool fitIntercept)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        _s = statistics;
        int d = statistics.Features, k = statistics.Outputs;
        Layout = new ParameterLayout(d, k, fitIntercept);
        if (fitIntercept)
        {
            _sxx = statistics.FeatureScatter;
            _sxy = statistics.CrossScatter;
            _syy = statistics.TargetScatter;
        }
        else
        {
            double n = statistics.WeightSum;
            var xm = statistics.FeatureMeans;
            var ym = statistics.TargetMeans;
            _sxx = (double[])statistics.FeatureScatter.Clone();
            _sxy = (double[])statistics.CrossScatter.Clone();
            _syy = (double[])statistics.TargetScatter.Clone();
            for (int i = 0; i < d; i++)
            {
                for (int j = 0; j < d; j++) _sxx[i * d + j] += n * xm[i] * xm[j];
                for (int o = 0; o < k; o++) _sxy[i * k + o] += n * xm[i] * ym[o];
            }
            for (int o = 0; o < k; o++) _syy[o] += n * ym[o] * ym[o];
        }
        _scratch = new double[d * k];
    }

    /// <inheritdoc />
    public ParameterLayout Layout { get; }

    /// <inheritdoc />
    public long Rows => _s.Count;

    /// <inheritdoc />
    public double WeightSum => _s.WeightSum;

    /// <inheritdoc />
    public bool ReadsData => false;

    /// <summary>The statistics the engine reads.</summary>
    public SufficientStatistics Statistics => _s;

    /// <inheritdoc />
    public double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient)
    {
        Check(theta, gradient);
        int d = Layout.Features, k = Layout.Outputs, bs = Layout.BlockSize;
        double n = _s.WeightSum;
        double loss = 0;
        // v = Sxx w for every output, row by row of Sxx (read once, as in HessianVector; the same dot products).
        var all = _scratch.AsSpan();
        Products(theta, all, d);
        for (int o = 0; o < k; o++)
        {
            var w = theta.Slice(o * bs, d);
            var gw = gradient.Slice(o * bs, d);
            var v = all.Slice(o * d, d);
            double wSxy = 0;
            for (int j = 0; j < d; j++)
            {
                double sxy = _sxy[j * k + o];
                wSxy += w[j] * sxy;
                gw[j] = v[j] - sxy;
            }
            loss += 0.5 * (_syy[o] - 2 * wSxy + TensorPrimitives.Dot(w, v));
            if (Layout.HasIntercept)
            {
                double c = _s.TargetMeans[o] - TensorPrimitives.Dot(_s.FeatureMeans, w) - theta[o * bs + d];
                loss += 0.5 * n * c * c;
                TensorPrimitives.MultiplyAdd(_s.FeatureMeans, -n * c, gw, gw);
                gradient[o * bs + d] = -n * c;
            }
        }
        return loss;
    }

    /// <inheritdoc />
    public void HessianVector(ReadOnlySpan<double> v, Span<double> result)
    {
        Check(v, result);
        int d = Layout.Features, k = Layout.Outputs, bs = Layout.BlockSize;
        double n = _s.WeightSum;
        // Row by row of Sxx, every output's product while the row is in L1 (four outputs a load): Sxx is read once, not
        // once per output (a head of 20 outputs on 768 features reads 4.7 MB instead of 94 MB a step).
        Products(v, result, bs);
        for (int o = 0; o < k; o++)
        {
            var vw = v.Slice(o * bs, d);
            var rw = result.Slice(o * bs, d);
            if (Layout.HasIntercept)
            {
                // Uncentred H = Sxx + n x̄x̄ᵀ (and the intercept row n x̄ᵀ, n): H[v_w; v_b].
                double s = TensorPrimitives.Dot(_s.FeatureMeans, vw) + v[o * bs + d];
                TensorPrimitives.MultiplyAdd(_s.FeatureMeans, n * s, rw, rw);
                result[o * bs + d] = n * s;
            }
        }
    }

    /// <summary>
    /// into[o·<paramref name="stride"/> + i] = (Sxx w_o)ᵢ for every output o, w_o the first d values of θ's block o: Sxx is
    /// read once for all outputs, by the blocked product from as many outputs as a register tile takes
    /// (<see cref="TriangularPanels.Multiply"/>), else row by row of Sxx, every output's dot product while the row is in L1.
    /// </summary>
    private void Products(ReadOnlySpan<double> theta, Span<double> into, int stride)
    {
        int d = Layout.Features, k = Layout.Outputs, bs = Layout.BlockSize, bits = MultiVectorKernels.DefaultBits;
        if (k >= TriangularPanels.MinimumCount(bits) && d >= 16)
        {
            if (stride == bs)
                TriangularPanels.Multiply(_sxx, d, theta, k, bs, into, bits);
            else
            {
                var packed = new double[k * bs];
                TriangularPanels.Multiply(_sxx, d, theta, k, bs, packed, bits);
                for (int o = 0; o < k; o++) packed.AsSpan(o * bs, d).CopyTo(into.Slice(o * stride, d));
            }
            return;
        }
        Span<double> sums = k <= 64 ? stackalloc double[k] : new double[k];
        for (int i = 0; i < d; i++)
        {
            MultiVectorKernels.Dots(_sxx.AsSpan(i * d, d), theta, bs, k, sums);
            for (int o = 0; o < k; o++) into[o * stride + i] = sums[o];
        }
    }

    /// <inheritdoc />
    public IEnumerable<IMiniBatch> Batches(int batchSize, int seed) =>
        throw new LsgdException("Mini-batches need the rows themselves, and the sufficient-statistics engine keeps only XᵀX and Xᵀy. Use `Engine = Rows` (in memory) or `Engine = Stream`, or full-batch gradient descent.");

    private void Check(ReadOnlySpan<double> theta, Span<double> gradient)
    {
        int p = Layout.Count;
        if (theta.Length != p) Throw.Length(nameof(theta), theta.Length, p, "the model's parameter count");
        if (gradient.Length != p) Throw.Length(nameof(gradient), gradient.Length, p, "the model's parameter count");
    }
}
