using System.Numerics.Tensors;
using Lsgd.Data;
using Lsgd.Internals;
using Lsgd.LinearAlgebra;

namespace Lsgd.Applications.Pca;

/// <summary>
/// Principal component analysis by gradient methods: the top-k eigenvectors of the sample covariance C, found
/// from products C·W computed in passes over the rows — never forming C — so data larger than memory can be
/// streamed from an <see cref="IRowSource"/>.
/// </summary>
/// <remarks>
/// <code>
/// pass 0:  n, x̄ and the variances (chunks merged with Chan et al.'s update); x̃ = (x − x̄)/σ (σ = 1 unless standardised)
/// W₀:      k × d seeded Gaussian, its rows wᵢ orthonormalised
/// pass t:  P (k × d), row i = C wᵢ = Σ x̃ (x̃·wᵢ)/(n − 1)   (one pass; fixed row blocks summed in order, so any thread count gives the same bits)
///          H = W·Pᵀ (k × k) = UᵀΛU                  (Rayleigh–Ritz: Ritz vectors V = UW, values Λ = the variances explained)
///          subspace:  W ← orth(UP)
///          gradient:  W ← orth(V + α(UP − ΛV)),  α = η/Λ₁   (row i of UP − ΛV is (I − VᵀV)C vᵢ, minus the gradient of the reconstruction error)
///          stop when the largest principal angle between the old and new span(W) is below the tolerance
/// result:  the Ritz vectors V and values Λ of the last pass
/// </code>
/// Oja's rule takes the gradient step after every mini-batch instead (see <see cref="PcaMethod.Oja"/>).
/// orth is Gram–Schmidt in row order, so the i-th row follows the i-th eigenvector.
/// </remarks>
/// <example>
/// <code>
/// var fit = new PrincipalComponentAnalysis(new PcaOptions { Components = 2 }).Fit(data);
/// double[] scores = fit.Transform(data);               // n × 2, the data in the plane of the top two components
/// Console.WriteLine(fit.ExplainedVarianceRatio[0]);    // share of the variance along the first
/// </code>
/// </example>
public sealed class PrincipalComponentAnalysis
{
    /// <summary>Rows requested per chunk from a source.</summary>
    public const int ChunkRows = 16384;

    /// <summary>Creates the estimator with <paramref name="options"/> (defaults when null).</summary>
    public PrincipalComponentAnalysis(PcaOptions? options = null) => Options = options ?? new PcaOptions();

    /// <summary>The settings.</summary>
    public PcaOptions Options { get; }

    /// <summary>Computes the components of the features of <paramref name="data"/> (its targets are ignored).</summary>
    /// <exception cref="LsgdException">Fewer than two rows, every row the same, or more components than features.</exception>
    public PcaFit Fit(Dataset data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Fit(new DatasetRowSource(data), cancellationToken);
    }

    /// <summary>Computes the components of the features of the rows of <paramref name="source"/>, reading it in passes.</summary>
    /// <remarks>Cancelling after the first pass returns a result with <see cref="PcaStopReason.Cancelled"/>.</remarks>
    /// <exception cref="LsgdException">Fewer than two rows, every row the same, or more components than features.</exception>
    /// <exception cref="OperationCanceledException">Cancelled during the first pass (means and variances).</exception>
    public PcaFit Fit(IRowSource source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var o = Options;
        int d = source.Features, k = o.Components;
        if (k > d)
            throw new InvalidOptionException(nameof(PcaOptions.Components), k, $"at most the number of features ({d})",
                d > 1 ? $"Try {Math.Min(2, d)}, or add feature columns." : "Add feature columns: one feature has one component, itself.");

        var (n, means, variances) = Moments(source, cancellationToken);
        if (n < 2)
            Throw.Data($"The data has {Throw.Plural(n, "row")}: PCA needs at least 2 rows to have a variance.");
        double[]? scales = null;
        if (o.Standardize)
            scales = [.. variances.Select(v => v > 0 ? Math.Sqrt(v) : 1.0)];
        var pass = new CovariancePass(source, means, scales, n, ChunkRows, cancellationToken);
        double total = 0;
        for (int j = 0; j < d; j++) total += scales is null ? variances[j] : variances[j] / (scales[j] * scales[j]);
        if (!(total > 0))
            Throw.Data("Every row of the data is the same point, so there is no variance for components to explain. Check the feature columns.");

        var w = new double[k * d];
        var rng = new Random(o.Seed);
        for (int i = 0; i < w.Length; i++) w[i] = Sampling.Gaussian(rng);
        Subspaces.Orthonormalize(w, d, o.Seed);

        var angles = new List<double>();
        var ritz = new double[k * d];
        var cRitz = new double[k * d];
        var p = new double[k * d];
        double[]? lambda = null;
        var reason = PcaStopReason.MaxIterations;
        int iterations = 0;
        if (o.Method == PcaMethod.Oja)
        {
            (iterations, reason) = RunOja(pass, w, d, k, total, angles, rng);
            if (reason != PcaStopReason.Cancelled && TryMultiply(pass, w, k, p))
                lambda = RayleighRitz(w, p, d, k, ritz, cRitz);
        }
        else
        {
            var next = new double[k * d];
            while (iterations < o.MaxIterations)
            {
                if (!TryMultiply(pass, w, k, p)) { reason = PcaStopReason.Cancelled; break; }
                iterations++;
                lambda = RayleighRitz(w, p, d, k, ritz, cRitz);
                if (o.Method == PcaMethod.Subspace)
                {
                    cRitz.CopyTo(next, 0);
                }
                else
                {
                    double alpha = o.LearningRate / (lambda[0] > 0 ? lambda[0] : total);
                    for (int r = 0; r < k; r++)
                        for (int j = 0; j < d; j++)
                            next[r * d + j] = ritz[r * d + j] + alpha * (cRitz[r * d + j] - lambda[r] * ritz[r * d + j]);
                }
                Subspaces.Orthonormalize(next, d, o.Seed + iterations);
                double change = Subspaces.LargestPrincipalAngle(w, next, d);
                angles.Add(change);
                (w, next) = (next, w);
                if (change < o.Tolerance) { reason = PcaStopReason.AngleChangeBelowTolerance; break; }
            }
        }
        if (lambda is null)
        {
            // Cancelled before a full pass of products: report the basis reached, without variances.
            reason = PcaStopReason.Cancelled;
            w.CopyTo(ritz, 0);
            lambda = [.. Enumerable.Repeat(double.NaN, k)];
        }
        double passes = 1 + iterations + (o.Method == PcaMethod.Oja && reason != PcaStopReason.Cancelled ? 1 : 0);
        for (int r = 0; r < k; r++)
            SignConvention.MakeLargestPositive(ritz.AsSpan(r * d, d));
        return new PcaFit(ritz, k, source.FeatureNames, n, means, scales, lambda, total, o, iterations, passes, reason, [.. angles]);
    }

    /// <summary>
    /// Oja's subspace rule, one epoch per pass; returns the epochs run and why it stopped. In epoch 0 every row
    /// steps by η/tr(C) (tr(C) ≥ λ₁, so no direction flips sign); in epoch e ≥ 1 row i steps by αᵢ = η/(λ̂ᵢ·e), λ̂ᵢ its
    /// mean Rayleigh quotient over the previous epoch's batches. A step per row lets the lower components move as
    /// fast as the first (with one α = η/λ̂₁ for all, the i-th would crawl at the rate λᵢ/λ₁).
    /// </summary>
    private (int Epochs, PcaStopReason Reason) RunOja(CovariancePass pass, double[] w, int d, int k, double total, List<double> angles, Random rng)
    {
        var o = Options;
        var lambdaHat = Enumerable.Repeat(total, k).ToArray();
        var rayleigh = new double[k];
        var steps = new double[k];
        var start = new double[k * d];
        int epoch = 0;
        while (epoch < o.MaxIterations)
        {
            if (pass.Cancellation.IsCancellationRequested) return (epoch, PcaStopReason.Cancelled);
            w.CopyTo(start, 0);
            for (int i = 0; i < k; i++) steps[i] = o.LearningRate / (lambdaHat[i] * Math.Max(1, epoch));
            try
            {
                pass.OjaEpoch(w, k, o.BatchSize, steps, rng, o.Seed, rayleigh);
            }
            catch (OperationCanceledException) when (pass.Cancellation.IsCancellationRequested)
            {
                return (epoch, PcaStopReason.Cancelled);   // W is orthonormal after every batch, so it is kept
            }
            epoch++;
            for (int i = 0; i < k; i++)
                if (rayleigh[i] > 1e-12 * total && double.IsFinite(rayleigh[i])) lambdaHat[i] = rayleigh[i];
            double change = Subspaces.LargestPrincipalAngle(start, w, d);
            angles.Add(change);
            if (change < o.Tolerance) return (epoch, PcaStopReason.AngleChangeBelowTolerance);
        }
        return (epoch, PcaStopReason.MaxIterations);
    }

    /// <summary>P ← rows C·wᵢ in one pass; false (P unusable) when the pass was cancelled.</summary>
    private static bool TryMultiply(CovariancePass pass, double[] w, int k, double[] p)
    {
        if (pass.Cancellation.IsCancellationRequested) return false;
        try
        {
            pass.Multiply(w, k, p);
            return true;
        }
        catch (OperationCanceledException) when (pass.Cancellation.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// Rayleigh–Ritz on span(W) given P (row i = C wᵢ): writes the Ritz vectors V = UW and CV = UP (rows by decreasing
    /// Ritz value) and returns the Ritz values.
    /// </summary>
    private static double[] RayleighRitz(double[] w, double[] p, int d, int k, double[] ritz, double[] cRitz)
    {
        var h = new double[k * k];
        for (int i = 0; i < k; i++)
            for (int j = i; j < k; j++)
            {
                // H = W C Wᵀ, symmetrised: the two triangles differ only by rounding.
                double hij = 0.5 * (TensorPrimitives.Dot(w.AsSpan(i * d, d), p.AsSpan(j * d, d)) +
                                    TensorPrimitives.Dot(w.AsSpan(j * d, d), p.AsSpan(i * d, d)));
                h[i * k + j] = h[j * k + i] = hij;
            }
        var eigen = SymmetricEigen.Decompose(h, k);
        Array.Clear(ritz);
        Array.Clear(cRitz);
        for (int r = 0; r < k; r++)
            for (int c = 0; c < k; c++)
            {
                double u = eigen.Vectors[r * k + c];
                TensorPrimitives.MultiplyAdd(w.AsSpan(c * d, d), u, ritz.AsSpan(r * d, d), ritz.AsSpan(r * d, d));
                TensorPrimitives.MultiplyAdd(p.AsSpan(c * d, d), u, cRitz.AsSpan(r * d, d), cRitz.AsSpan(r * d, d));
            }
        return eigen.Values;
    }

    /// <summary>n, x̄ and the sample variances, in one pass (chunks merged with Chan, Golub and LeVeque's update).</summary>
    private static (long N, double[] Means, double[] Variances) Moments(IRowSource source, CancellationToken cancellationToken)
    {
        int d = source.Features;
        var mean = new double[d];
        var m2 = new double[d];
        var chunkMean = new double[d];
        long n = 0;
        foreach (var chunk in source.ReadChunks(ChunkRows, cancellationToken))
        {
            int m = chunk.Rows;
            if (m == 0) continue;
            Array.Clear(chunkMean);
            for (int i = 0; i < m; i++)
                TensorPrimitives.Add(chunkMean, chunk.X.AsSpan(i * d, d), chunkMean);
            TensorPrimitives.Divide(chunkMean, m, chunkMean);
            long total = n + m;
            for (int j = 0; j < d; j++)
            {
                double ss = 0;
                for (int i = 0; i < m; i++) { double v = chunk.X[i * d + j] - chunkMean[j]; ss += v * v; }
                double delta = chunkMean[j] - mean[j];
                m2[j] += ss + delta * delta * ((double)n * m / total);
                mean[j] += delta * m / total;
            }
            n = total;
        }
        var variances = new double[d];
        for (int j = 0; j < d; j++) variances[j] = n > 1 ? m2[j] / (n - 1) : 0;
        return (n, mean, variances);
    }
}
