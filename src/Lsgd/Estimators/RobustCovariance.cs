using Lsgd.Data;
using Lsgd.Internals;
using Lsgd.Models;

namespace Lsgd.Estimators;

/// <summary>
/// The sandwich estimators of the coefficients' covariance, as statsmodels computes them: V = B·M·B with the
/// bread B = (DᵀD)⁻¹ (D⁺D⁺ᵀ on a rank-deficient design) and the meat M built from the scores sᵢ = dᵢ·rᵢ, dᵢ the
/// row of the design (the features, then 1 for the intercept) and rᵢ the model's residual. Weighted rows give
/// statsmodels' WLS sandwich: B = (DᵀWD)⁻¹ and the scores of the whitened rows, √wᵢdᵢ·√wᵢrᵢ = wᵢdᵢrᵢ, with the
/// leverage of HC2/HC3 that of the whitened row, hᵢ = wᵢdᵢᵀBdᵢ.
/// </summary>
/// <remarks>
/// <para>Rows in memory and rows streamed from a source go through the same accumulator in the same order (one pass
/// for every output), so both give the same numbers; streamed, it is one more pass over the rows after the fit.</para>
/// <para>HC0: M = Σ sᵢsᵢᵀ. HC1: HC0·n/(n − rank), n the rows of positive weight. HC2 and HC3 weight sᵢsᵢᵀ by 1/(1 − hᵢ) and 1/(1 − hᵢ)², hᵢ = dᵢᵀBdᵢ.</para>
/// <para>HAC (Newey–West): M = Γ₀ + Σₗ₌₁ᴸ (1 − l/(L + 1))(Γₗ + Γₗᵀ), Γₗ = Σₜ sₜsₜ₋ₗᵀ over rows in order, without a
/// small-sample correction (statsmodels' <c>cov_type='HAC'</c> defaults).</para>
/// <para>Cluster: M = Σ_g (Σ_{i∈g} sᵢ)(Σ_{i∈g} sᵢ)ᵀ times G/(G − 1)·(n − 1)/(n − p), p the design's column count
/// (statsmodels' default <c>use_correction=True</c>).</para>
/// </remarks>
internal static class RobustCovariance
{
    /// <summary>
    /// V per output, each p × p row-major in the parameters' layout (weights, then intercept), from one pass over the
    /// rows in memory.
    /// </summary>
    /// <param name="model">The model whose residuals form the scores.</param>
    /// <param name="data">The rows it was fitted on (weighted rows give WLS's scores wᵢdᵢrᵢ).</param>
    /// <param name="bread">(DᵀWD)⁻¹, p × p, same layout.</param>
    /// <param name="rank">The design's rank (HC1's n − rank).</param>
    /// <param name="type">The estimator.</param>
    /// <returns>Per output, V and G (the number of clusters for <see cref="CovarianceKind.Cluster"/>, else 0).</returns>
    public static (double[] V, int Clusters)[] Compute(LinearModel model, Dataset data, double[] bread, int rank, CovarianceType type)
    {
        var meat = new Meat(model, bread, type, data.Rows);
        int d = data.Features, k = data.Outputs;
        var x = new double[d];
        for (int i = 0; i < data.Rows; i++)
        {
            for (int j = 0; j < d; j++) x[j] = data.Feature(i, j);
            meat.Add(x, data.Y.Slice(i * k, k), data.Weight(i), i);
        }
        return meat.Covariances(data.Observations, rank);
    }

    /// <summary>As <see cref="Compute(LinearModel, Dataset, double[], int, CovarianceType)"/>, from one more pass over streamed rows.</summary>
    /// <param name="model">The model whose residuals form the scores.</param>
    /// <param name="source">The rows it was fitted on, read once more in order.</param>
    /// <param name="observations">n, the rows of positive weight.</param>
    /// <param name="bread">(DᵀWD)⁻¹, p × p.</param>
    /// <param name="rank">The design's rank.</param>
    /// <param name="type">The estimator.</param>
    /// <param name="cancellationToken">Stops the pass.</param>
    public static (double[] V, int Clusters)[] Compute(LinearModel model, IRowSource source, long observations, double[] bread, int rank, CovarianceType type,
        CancellationToken cancellationToken = default)
    {
        var meat = new Meat(model, bread, type, null);
        int d = model.Features, k = model.Outputs;
        long index = 0;
        foreach (var chunk in source.ReadChunks(65536, cancellationToken))
            for (int i = 0; i < chunk.Rows; i++, index++)
                meat.Add(chunk.X.AsSpan(i * d, d), chunk.Y.AsSpan(i * k, k), chunk.W?[i] ?? 1, index);
        return meat.Covariances(observations, rank);
    }

    /// <summary>
    /// The meat M of every output, row by row in order: what both the in-memory and the streamed path feed, so they
    /// sum the same terms in the same order. HAC keeps the last L rows' scores in a ring; cluster keeps one score sum
    /// per cluster (in order of first appearance).
    /// </summary>
    private sealed class Meat
    {
        private readonly LinearModel _model;
        private readonly double[] _bread;
        private readonly CovarianceType _type;
        private readonly int _p, _d, _lags;
        private readonly double[] _row, _score;
        /// <summary>Per output and lag l = 0..L: Γₗ = Σₜ sₜsₜ₋ₗᵀ (only Γ₀ unless HAC).</summary>
        private readonly double[][][] _gamma;
        /// <summary>Per output, the last L scores, row t at slot t mod L.</summary>
        private readonly double[][] _ring;
        /// <summary>Per output, the score sums per cluster label.</summary>
        private readonly Dictionary<double, double[]>[] _groups;
        private readonly int? _rows;
        private long _seen;

        public Meat(LinearModel model, double[] bread, CovarianceType type, int? rows)
        {
            _model = model;
            _bread = bread;
            _type = type;
            _rows = rows;
            _p = model.Layout.BlockSize;
            _d = model.Features;
            _lags = type.Kind == CovarianceKind.Hac ? type.Lags : 0;
            int k = model.Outputs;
            _row = new double[_p];
            _score = new double[_p];
            _gamma = [.. Enumerable.Range(0, k).Select(_ => type.Kind == CovarianceKind.Cluster ? [] : Enumerable.Range(0, _lags + 1).Select(_ => new double[_p * _p]).ToArray())];
            _ring = [.. Enumerable.Range(0, k).Select(_ => new double[_lags * _p])];
            _groups = [.. Enumerable.Range(0, k).Select(_ => new Dictionary<double, double[]>())];
            if (type.Kind == CovarianceKind.Cluster && rows is { } n && type.Clusters!.Count != n)
                Throw.Data($"The cluster column '{type.Column}' has {type.Clusters.Count} values but the data has {n} rows.");
        }

        /// <summary>Adds row <paramref name="index"/> (0-based, in order): its features, targets and weight.</summary>
        public void Add(ReadOnlySpan<double> x, ReadOnlySpan<double> y, double weight, long index)
        {
            int p = _p, d = _d;
            x.CopyTo(_row);
            if (_model.HasIntercept) _row[d] = 1;
            double scale = weight;
            if (_type.Kind is CovarianceKind.HC2 or CovarianceKind.HC3 && weight > 0)
            {
                // The leverage of the whitened row √w·d: w·dᵀBd.
                double h = weight * Quadratic(_bread, _row, p);
                scale *= _type.Kind == CovarianceKind.HC2 ? 1 / Math.Sqrt(1 - h) : 1 / (1 - h);
            }
            if (_type.Kind == CovarianceKind.Cluster && index >= _type.Clusters!.Count)
                Throw.Data($"The cluster column '{_type.Column}' has {_type.Clusters.Count} values but the data has more rows.");
            for (int o = 0; o < y.Length; o++)
            {
                double r = y[o] - (System.Numerics.Tensors.TensorPrimitives.Dot(x, _model.Coefficients(o)) + _model.Intercept(o));
                // WLS's score: the whitened row times the whitened residual, √w·d·√w·r = w·d·r.
                for (int j = 0; j < p; j++) _score[j] = _row[j] * r * scale;
                if (_type.Kind == CovarianceKind.Cluster)
                {
                    double label = _type.Clusters![(int)index];
                    if (!_groups[o].TryGetValue(label, out var sums))
                        _groups[o][label] = sums = new double[p];
                    for (int j = 0; j < p; j++) sums[j] += _score[j];
                    continue;
                }
                var gamma = _gamma[o];
                AddOuter(gamma[0], _score, _score, p);
                var ring = _ring[o];
                for (int lag = 1; lag <= _lags && lag <= index; lag++)
                    AddOuter(gamma[lag], _score, ring.AsSpan((int)((index - lag) % _lags) * p, p), p);
                if (_lags > 0) _score.CopyTo(ring, (int)(index % _lags) * p);
            }
            _seen = index + 1;
        }

        /// <summary>V = B·M·B per output with its small-sample factor, and G.</summary>
        public (double[] V, int Clusters)[] Covariances(long observations, int rank)
        {
            int p = _p;
            if (_type.Kind == CovarianceKind.Cluster && _seen != _type.Clusters!.Count)
                Throw.Data($"The cluster column '{_type.Column}' has {_type.Clusters.Count} values but the data has {_seen} rows.");
            var result = new (double[], int)[_model.Outputs];
            for (int o = 0; o < result.Length; o++)
            {
                var meat = new double[p * p];
                int clusters = 0;
                if (_type.Kind == CovarianceKind.Cluster)
                {
                    clusters = _groups[o].Count;
                    if (clusters < 2)
                        Throw.Data($"The cluster column '{_type.Column}' has a single value, so clusters cannot be compared: cluster-robust errors need at least 2 clusters (and many more to be reliable).");
                    foreach (var sum in _groups[o].Values) AddOuter(meat, sum, sum, p);
                }
                else
                {
                    var gamma = _gamma[o];
                    for (int lag = 0; lag <= _lags; lag++)
                    {
                        double weight = 1 - lag / (_lags + 1.0);
                        for (int i = 0; i < p; i++)
                            for (int j = 0; j < p; j++)
                                meat[i * p + j] += lag == 0 ? gamma[0][i * p + j] : weight * (gamma[lag][i * p + j] + gamma[lag][j * p + i]);
                    }
                }
                var v = Sandwich(_bread, meat, p);
                double n = observations;
                double factor = _type.Kind switch
                {
                    CovarianceKind.HC1 => n / (n - rank),
                    CovarianceKind.Cluster => clusters / (clusters - 1.0) * ((n - 1) / (n - p)),
                    _ => 1,
                };
                for (int i = 0; i < v.Length; i++) v[i] *= factor;
                result[o] = (v, clusters);
            }
            return result;
        }
    }

    /// <summary>xᵀAx.</summary>
    private static double Quadratic(double[] a, double[] x, int p)
    {
        double s = 0;
        for (int i = 0; i < p; i++)
        {
            double t = 0;
            for (int j = 0; j < p; j++) t += a[i * p + j] * x[j];
            s += x[i] * t;
        }
        return s;
    }

    /// <summary>M += a·bᵀ.</summary>
    private static void AddOuter(double[] m, ReadOnlySpan<double> a, ReadOnlySpan<double> b, int p)
    {
        for (int i = 0; i < p; i++)
        {
            double ai = a[i];
            if (ai == 0) continue;
            for (int j = 0; j < p; j++) m[i * p + j] += ai * b[j];
        }
    }

    /// <summary>B·M·B, symmetrised.</summary>
    private static double[] Sandwich(double[] bread, double[] meat, int p)
    {
        var t = new double[p * p];
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++)
            {
                double s = 0;
                for (int c = 0; c < p; c++) s += bread[i * p + c] * meat[c * p + j];
                t[i * p + j] = s;
            }
        var v = new double[p * p];
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++)
            {
                double s = 0;
                for (int c = 0; c < p; c++) s += t[i * p + c] * bread[c * p + j];
                v[i * p + j] = s;
            }
        for (int i = 0; i < p; i++)
            for (int j = 0; j < i; j++)
                v[i * p + j] = v[j * p + i] = 0.5 * (v[i * p + j] + v[j * p + i]);
        return v;
    }

    /// <summary>
    /// The Wald F statistic of "every coefficient but the intercept is 0" (all of them without an intercept):
    /// F = β̂ₛᵀVₛₛ⁻¹β̂ₛ/q over the q tested coefficients (statsmodels' robust <c>fvalue</c>). NaN when a tested
    /// coefficient is aliased or Vₛₛ is singular.
    /// </summary>
    public static double WaldF(LinearModel model, int output, double[] covariance, out int q)
    {
        int d = model.Features, p = model.Layout.BlockSize;
        q = d;   // the weights: every coefficient but the intercept, or all of them without one
        if (q == 0) return double.NaN;
        var w = model.Coefficients(output);
        var a = new double[q * q];
        var s = new double[q];
        for (int i = 0; i < q; i++) s[i] = Math.Sqrt(covariance[i * p + i]);
        if (s.Any(v => !(v > 0))) return double.NaN;
        for (int i = 0; i < q; i++)
            for (int j = 0; j < q; j++) a[i * q + j] = covariance[i * p + j] / (s[i] * s[j]);
        var chol = LinearAlgebra.Cholesky.Factor(a, q);
        if (chol is null) return double.NaN;
        var z = new double[q];
        for (int i = 0; i < q; i++) z[i] = w[i] / s[i];
        chol.SolveLower(z);
        double sum = 0;
        foreach (double v in z) sum += v * v;
        return sum / q;
    }
}
