using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Lsgd.Internals;
using Lsgd.LinearAlgebra;

namespace Lsgd.Data;

/// <summary>
/// Everything least squares needs from the data, in one pass: n, the means x̄ and ȳ, and the centred
/// scatter matrices Sxx = Σ(x − x̄)(x − x̄)ᵀ, Sxy = Σ(x − x̄)(y − ȳ)ᵀ and the diagonal of Syy.
/// </summary>
/// <remarks>
/// <para>Weighted rows (weighted least squares: <see cref="Dataset.WithWeights"/>, <see cref="RowChunk.W"/>) give the
/// weighted versions of each: the total weight W = Σw in place of n (<see cref="WeightSum"/>), x̄ = Σwx/W, and
/// Sxx = Σw(x − x̄)(x − x̄)ᵀ and so on; every formula below holds with W for n. Unweighted rows are rows of weight 1,
/// with the same bits.</para>
/// <para>Rows are taken in chunks; each chunk is centred on its own mean (so no large values cancel) and
/// chunks are merged with Chan, Golub and LeVeque's update: for parts a and b with n = nₐ + n_b and
/// δ = x̄_b − x̄ₐ, the merged scatter is Sₐ + S_b + δδᵀ·nₐn_b/n. Merging is addition plus that rank-one term,
/// which is what lets cores, files read in pieces and (later) machines share one code path.</para>
/// <para>In-memory data is cut into fixed blocks merged in block order, so the result does not depend on the
/// number of threads.</para>
/// </remarks>
public sealed partial class SufficientStatistics
{
    /// <summary>Rows per block for parallel accumulation (fixed, so sums do not depend on the thread count).</summary>
    internal const int BlockRows = 16384;

    /// <summary>Rows per panel inside a block: small enough for a packed strip of the panel (128 × 16 values) to stay in L1 while the tiles stream past it.</summary>
    internal const int PanelRows = 128;

    /// <summary>
    /// Rows per panel where the 512-bit tiles read the panel row-major (17 to <see cref="Kernels.PackAbove"/> columns): such a
    /// panel of 128 rows (114 KiB at d = 100) outgrows L1, and its copy then evicts the strips the tiles reread. Measured (one
    /// thread, CPU time, d = 100, n = 4·10⁵, a shared machine): the whole pass 0.53 of the 512-bit peak with 64 rows against
    /// 0.47–0.50 with 128 and 0.44 with 256. Benchmarks tune it; at most <see cref="PanelRows"/>.
    /// </summary>
    internal static int RowMajorPanelRows { get; set; } = 64;

    /// <summary>
    /// Rows per panel of narrow rows (d + k + 1 ≤ 16: the fused narrow kernel's calls, or one strip copied); benchmarks tune it
    /// (<c>gram-ratios --d 10 --narrow-rows 128,512</c>). Measured on a noisy host (n = 10⁷, d = 10, interleaved): two threads,
    /// 512 rows took 0.093 / 0.083 / 0.099 / 0.097 s against 128 rows' 0.095 / 0.096 / 0.105 / 0.097 s, one thread 0.128 against
    /// 0.136 s; on 256-bit vectors 512 rows were not faster (0.174 against 0.163 s). Not enough to move the default, which also
    /// fixes how the sums are grouped.
    /// </summary>
    internal static int NarrowPanelRows { get; set; } = PanelRows;

    /// <summary>
    /// Rows per panel where the tiles read packed strips (more than <see cref="Kernels.PackAbove"/> columns, or 256-bit tiles);
    /// benchmarks tune it. Measured on the head shape (50 000 × 768 float32, 20 outputs; one thread, CPU time, interleaved
    /// in one process, <c>gram-ratios --d 768 --packed-rows 64,128,256,512</c>): 0.49, 0.60, 0.55 and 0.52 of the 512-bit
    /// peak: fewer rows write G (5 MB, beyond L2) back more often, more rows no longer keep a strip in L1.
    /// </summary>
    internal static int PackedPanelRows { get; set; } = PanelRows;

    /// <summary>
    /// Whether narrow data (d + k + 1 ≤ 16) takes the fused kernel (<see cref="NarrowGram"/>) where the hardware has it,
    /// rather than the panel copy and the triangle kernel: the same bits either way, so tests and benchmarks switch it
    /// off to compare. Measured (AVX-512, one thread, CPU time, n = 4·10⁶, d = 10, <c>gram-ratios --d 10 --fused 0,1</c>, medians
    /// of 7): 0.050 s fused against 0.074 s through the copy and the tiles.
    /// </summary>
    internal static bool NarrowFused { get; set; } = true;

    /// <summary>
    /// Whether <see cref="NarrowFused"/> holds on 256-bit vectors too (the kernel's AVX2 form, <c>NarrowGram.Run256</c>), rather
    /// than only where AVX-512 is: the same bits either way, so benchmarks switch it off to compare (<c>gram-ratios --fused256 0,1</c>).
    /// Measured on a busy 2-vCPU Xeon with <c>DOTNET_EnableAVX512=0</c>, d = 10, interleaved in one process: one thread
    /// (n = 4·10⁵, CPU time) 0.0053 / 0.0056 / 0.0074 s against 0.0067 / 0.0080 / 0.0094 s with the copy and the tiles; two
    /// threads (n = 4·10⁶, wall clock) 0.044 / 0.033 / 0.038 s against 0.051 / 0.041 / 0.045 s; <c>lsgd bench</c>'s narrow case
    /// 0.52–0.70 of the read-only stream (median 0.64 of 6 runs) against 0.40–0.59 (median 0.49).
    /// </summary>
    internal static bool NarrowFused256 { get; set; } = true;

    /// <summary>
    /// How far ahead of the row it reads the fused narrow kernel prefetches, in bytes (benchmarks tune it). Measured
    /// (one thread, CPU time, n = 10⁷, d = 10, a busy machine): 0.47 of the read-only stream without prefetches,
    /// 0.64 at 1 KiB, 0.70–0.87 from 4 to 20 KiB ahead (no distance in that range better than the noise), 0.72 at 40 KiB.
    /// Other ways tried (two threads, n = 10⁷, d = 10, AVX-512, wall clock, medians of 9, two runs, interleaved in one process with
    /// a variant switch since removed): the two lines per row into L1 (this) 0.069 / 0.070 s; one line per row 0.075 / 0.073 s; one
    /// line into L2 only 0.075 / 0.075 s; two lines into L2 0.077 / 0.085 s; none 0.096 / 0.098 s. The kernel is bound by how much
    /// each core keeps in flight from memory, not by its multiply-adds: one thread built and stored rows alone at 7.8–9.7 ns a row,
    /// summed them read-only at 6.8–8.3 ns, and ran its multiply-adds on rows in L1 at 3.7–5.0 ns (a stand-alone loop of the same
    /// instructions, 2026-12-03). Larger panels (fewer calls, <c>gram-ratios --narrow-rows 128,512,2048</c>) were not faster either.
    /// </summary>
    internal static int NarrowPrefetchBytes { get; set; } = 10240;

    /// <summary>Whether row-major panels of 17 to 128 columns copy the next panel between the tiles (a switch for tests and the benchmarks' comparisons: <see cref="Panel"/>).</summary>
    internal static bool OverlappedCopy { get; set; } = true;

    /// <summary>
    /// Whether a block's narrow rows go through the fused kernel in one call that adds each panel's sums into G as it ends
    /// (<see cref="NarrowGram.Update{T}"/>'s <c>panelRows</c>), rather than in one call per panel: the same bits, without each
    /// call's checks, constants and scratch (the 256-bit kernel's is 18 KiB, cleared per call) every 128 rows. Benchmarks
    /// switch it off to compare (<c>gram-ratios --d 10 --block-calls 0,1</c>). Measured (2-vCPU Xeon, two threads, n = 10⁷,
    /// d = 10, wall clock, medians of 11, three runs, interleaved in one process): 512-bit 0.0745 / 0.0751 / 0.0877 s per call
    /// and panel against 0.0663 / 0.0630 / 0.0857 s in one call; 256-bit (<c>DOTNET_EnableAVX512=0</c>) 0.1105 / 0.1198 /
    /// 0.1182 s against 0.0809 / 0.0884 / 0.1064 s.
    /// </summary>
    internal static bool NarrowBlockCalls { get; set; } = true;

    private SufficientStatistics(int features, int outputs, IReadOnlyList<string> featureNames, IReadOnlyList<string> targetNames,
        double[]? featureMeans = null, double[]? featureScatter = null)
    {
        Features = features;
        Outputs = outputs;
        FeatureNames = featureNames;
        TargetNames = targetNames;
        FeatureMeans = featureMeans ?? new double[features];
        TargetMeans = new double[outputs];
        FeatureScatter = featureScatter ?? new double[features * features];
        CrossScatter = new double[features * outputs];
        TargetScatter = new double[outputs];
    }

    /// <summary>d.</summary>
    public int Features { get; }

    /// <summary>k.</summary>
    public int Outputs { get; }

    /// <summary>Names of the features.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Names of the targets.</summary>
    public IReadOnlyList<string> TargetNames { get; }

    /// <summary>n, the observations seen: rows of positive weight (every row when unweighted).</summary>
    public long Count { get; private set; }

    /// <summary>W = Σw, the total weight of the rows seen: equal to <see cref="Count"/> when they are unweighted. It stands for n in the means and the formulas.</summary>
    public double WeightSum { get; private set; }

    /// <summary>Whether any of the rows seen carried weights.</summary>
    public bool IsWeighted { get; private set; }

    /// <summary>Σ log w over the rows of positive weight (0 for unweighted rows): a weighted Gaussian log-likelihood adds half of it.</summary>
    public double SumOfLogWeights { get; private set; }

    /// <summary>Every row read, those of weight zero included (the universe mini-batches are drawn from).</summary>
    public long RowsRead { get; private set; }

    /// <summary>Copies the counts of <paramref name="other"/> (n, W, the log-weights, rows read, weighted or not).</summary>
    private void CopyCounts(SufficientStatistics other)
    {
        Count = other.Count;
        WeightSum = other.WeightSum;
        IsWeighted = other.IsWeighted;
        SumOfLogWeights = other.SumOfLogWeights;
        RowsRead = other.RowsRead;
    }

    /// <summary>x̄ (d values).</summary>
    public double[] FeatureMeans { get; }

    /// <summary>ȳ (k values).</summary>
    public double[] TargetMeans { get; }

    /// <summary>Sxx = Σ(x − x̄)(x − x̄)ᵀ, d × d row-major, symmetric (both triangles filled).</summary>
    public double[] FeatureScatter { get; }

    /// <summary>Sxy = Σ(x − x̄)(y − ȳ)ᵀ, d × k row-major.</summary>
    public double[] CrossScatter { get; }

    /// <summary>Σ(y − ȳ)² per target.</summary>
    public double[] TargetScatter { get; }

    /// <summary>Population standard deviation of each feature, √(Sxx_jj / W).</summary>
    internal double[] FeatureStandardDeviations() =>
        [.. Enumerable.Range(0, Features).Select(j => Math.Sqrt(FeatureScatter[j * Features + j] / WeightSum))];

    /// <summary>
    /// The standardiser these statistics imply: μ = x̄ and σ the population standard deviation (or, without
    /// centring, μ = 0 and σ the root mean square), exactly as <see cref="Standardizer.Fit"/> computes them.
    /// </summary>
    internal Standardizer ToStandardizer(bool center)
    {
        var means = new double[Features];
        var scales = new double[Features];
        for (int j = 0; j < Features; j++)
        {
            double ss = FeatureScatter[j * Features + j] + (center ? 0 : WeightSum * FeatureMeans[j] * FeatureMeans[j]);
            double sd = Math.Sqrt(ss / WeightSum);
            means[j] = center ? FeatureMeans[j] : 0;
            scales[j] = sd > 0 && double.IsFinite(sd) ? sd : 1.0;
        }
        return new Standardizer(means, scales);
    }

    /// <summary>The statistics of one target alone (the feature statistics are shared, not copied).</summary>
    internal SufficientStatistics ForOutput(int output)
    {
        if ((uint)output >= (uint)Outputs)
            throw new ArgumentOutOfRangeException(nameof(output), output, $"There are {Outputs} outputs.");
        var result = new SufficientStatistics(Features, 1, FeatureNames, [TargetNames.ElementAtOrDefault(output) ?? "y"], FeatureMeans, FeatureScatter);
        result.CopyCounts(this);
        result.TargetMeans[0] = TargetMeans[output];
        result.TargetScatter[0] = TargetScatter[output];
        for (int j = 0; j < Features; j++)
            result.CrossScatter[j] = CrossScatter[j * Outputs + output];
        return result;
    }

    /// <summary>The statistics of the standardised features (x − μ)/σ, derived without another pass.</summary>
    internal SufficientStatistics Standardized(Standardizer standardizer)
    {
        ArgumentNullException.ThrowIfNull(standardizer);
        int d = Features, k = Outputs;
        var result = new SufficientStatistics(d, k, FeatureNames, TargetNames);
        result.CopyCounts(this);
        for (int i = 0; i < d; i++)
        {
            double si = standardizer.Scales[i];
            result.FeatureMeans[i] = (FeatureMeans[i] - standardizer.Means[i]) / si;
            for (int j = 0; j < d; j++)
                result.FeatureScatter[i * d + j] = FeatureScatter[i * d + j] / (si * standardizer.Scales[j]);
            for (int o = 0; o < k; o++)
                result.CrossScatter[i * k + o] = CrossScatter[i * k + o] / si;
        }
        TargetMeans.CopyTo(result.TargetMeans, 0);
        TargetScatter.CopyTo(result.TargetScatter, 0);
        return result;
    }

    /// <summary>
    /// The least-squares solution from the normal equations (Cholesky on the correlation-scaled Sxx), θ laid out
    /// per output as [w…, b]. Accurate to about κ(Sxx)·ε: fine for the well-conditioned problems the statistics
    /// engine is chosen for; the exact solver's QR on the rows is the accurate one.
    /// </summary>
    /// <exception cref="LsgdException">The features are linearly dependent (Sxx is not positive definite).</exception>
    internal double[] SolveNormalEquations(bool fitIntercept) => SolveNormalEquations(fitIntercept, out _);

    /// <summary>
    /// As <see cref="SolveNormalEquations(bool)"/>, also returning the unscaled covariance of the estimates:
    /// <paramref name="inverse"/> holds [(DᵀD)⁻¹]ⱼⱼ for each weight j and, with an intercept, for the intercept
    /// last (1/n + x̄ᵀ Sxx⁻¹ x̄); multiply by σ̂² for the variances.
    /// </summary>
    internal double[] SolveNormalEquations(bool fitIntercept, out double[] inverse) =>
        SolveNormalEquations(fitIntercept, out inverse, out _);

    /// <summary>
    /// As <see cref="SolveNormalEquations(bool, out double[])"/>, also returning the 2-norm condition number of
    /// the centred (with an intercept), column-scaled design, √κ of the correlation-scaled Sxx: the same figure
    /// the exact solver's QR gives from the rows.
    /// </summary>
    internal double[] SolveNormalEquations(bool fitIntercept, out double[] inverse, out double conditionNumber) =>
        SolveNormalEquations(fitIntercept, out inverse, out conditionNumber, out _, out _);

    /// <summary>
    /// As <see cref="SolveNormalEquations(bool, out double[], out double)"/>, also returning the whole unscaled
    /// covariance (DᵀD)⁻¹, p × p row-major in the parameters' layout (the weights, then the intercept): with
    /// wⱼ = L⁻¹eⱼ/sⱼ and v = L⁻¹S⁻¹x̄, [(DᵀD)⁻¹]ᵢⱼ = wᵢ·wⱼ, the intercept's covariance with weight j is −v·wⱼ and its
    /// variance 1/n + v·v. The inverse is formed once from the factor (<see cref="Cholesky.Inverse()"/>), shared by every output.
    /// </summary>
    /// <param name="fitIntercept">Whether θ carries an intercept (Sxx centred) or not (Σxxᵀ).</param>
    /// <param name="inverse">[(DᵀD)⁻¹]ⱼⱼ per weight, the intercept's last.</param>
    /// <param name="conditionNumber">√κ of the correlation-scaled matrix, the design's condition number.</param>
    /// <param name="covariance">(DᵀD)⁻¹, p × p.</param>
    /// <param name="factor">The Cholesky factor of the correlation-scaled matrix (unit diagonal), for a certificate of the same fit to share.</param>
    internal double[] SolveNormalEquations(bool fitIntercept, out double[] inverse, out double conditionNumber, out double[] covariance, out Cholesky factor)
    {
        int d = Features, k = Outputs;
        double n = WeightSum;
        // A = Sxx (centred) or Σxxᵀ (uncentred); scale to unit diagonal for a well-behaved Cholesky.
        var a = new double[d * d];
        var rhs = new double[d * k];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
                a[i * d + j] = FeatureScatter[i * d + j] + (fitIntercept ? 0 : n * FeatureMeans[i] * FeatureMeans[j]);
            for (int o = 0; o < k; o++)
                rhs[i * k + o] = CrossScatter[i * k + o] + (fitIntercept ? 0 : n * FeatureMeans[i] * TargetMeans[o]);
        }
        var scale = new double[d];
        for (int i = 0; i < d; i++)
        {
            scale[i] = Math.Sqrt(a[i * d + i]);
            if (!(scale[i] > 0))
                Throw.Data($"The feature '{FeatureNames.ElementAtOrDefault(i) ?? $"x{i + 1}"}' is constant{(fitIntercept ? "" : " zero")}, so its coefficient is not determined. Remove that column.");
        }
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
                a[i * d + j] /= scale[i] * scale[j];
        if (!Cholesky.TryFactor(a, d, 1e-13, out var chol, out int dependent))
            Throw.Data($"The features are linearly dependent (or nearly): '{FeatureNames.ElementAtOrDefault(dependent) ?? $"x{dependent + 1}"}' is (close to) a combination of the columns before it. Remove it, or add a ridge penalty (`Penalty.L2`).");
        int bs = d + (fitIntercept ? 1 : 0);
        var theta = new double[bs * k];
        // Every output's right-hand side, one after another, solved together (each row of L read once for all).
        var z = new double[d * k];
        for (int o = 0; o < k; o++)
            for (int i = 0; i < d; i++) z[o * d + i] = rhs[i * k + o] / scale[i];
        chol.Solve(z, k, d);
        for (int o = 0; o < k; o++)
        {
            double b = TargetMeans[o];
            for (int i = 0; i < d; i++)
            {
                double w = z[o * d + i] / scale[i];
                theta[o * bs + i] = w;
                b -= w * FeatureMeans[i];
            }
            if (fitIntercept) theta[o * bs + d] = b;
        }
        // With A_s = S⁻¹AS⁻¹ = LLᵀ, A⁻¹ = S⁻¹A_s⁻¹S⁻¹, A_s⁻¹ from the factor once (shared by every output; its diagonal
        // the sums of squares ‖L⁻¹eⱼ‖²). With an intercept, m = S⁻¹x̄ and v = L⁻¹m: the intercept's covariance with
        // weight j is −(L⁻ᵀv)ⱼ/sⱼ and its variance 1/n + ‖v‖².
        var scaledInverse = chol.Inverse();
        inverse = new double[bs];
        covariance = new double[bs * bs];
        for (int i = 0; i < d; i++)
        {
            double si = scale[i];
            for (int j = 0; j < d; j++)
                covariance[i * bs + j] = scaledInverse[i * d + j] / (si * scale[j]);
            inverse[i] = covariance[i * bs + i];
        }
        if (fitIntercept)
        {
            var v = new double[d];
            for (int j = 0; j < d; j++) v[j] = FeatureMeans[j] / scale[j];
            chol.SolveLower(v);
            inverse[d] = covariance[d * bs + d] = 1.0 / n + TensorPrimitives.SumOfSquares(v);
            chol.SolveUpper(v);
            for (int i = 0; i < d; i++)
                covariance[i * bs + d] = covariance[d * bs + i] = -v[i] / scale[i];
        }
        // LLᵀ is the scaled Gram matrix of the centred design, so its condition number is the design's.
        conditionNumber = chol.ConditionNumber();
        factor = chol;
        return theta;
    }

    /// <summary>
    /// Σᵢ (yᵢₒ − wᵀxᵢ − b)² (weighted: Σᵢ wᵢ(…)²) for output <paramref name="output"/>, from the statistics alone:
    /// Syy − 2wᵀSxy + wᵀSxx w + W c² with c = ȳ − x̄ᵀw − b (b = 0 for a model without intercept). The terms are
    /// large and cancel, so the absolute rounding error is about ε·Syy.
    /// </summary>
    internal double ResidualSumOfSquares(int output, ReadOnlySpan<double> weights, double intercept)
    {
        int d = Features, k = Outputs;
        if ((uint)output >= (uint)k)
            throw new ArgumentOutOfRangeException(nameof(output), output, $"There are {k} outputs.");
        if (weights.Length != d)
            Throw.Length(nameof(weights), weights.Length, d, "one weight per feature");
        Span<double> sse = stackalloc double[1];
        ResidualSums(weights, d, [intercept], output, sse);
        return sse[0];
    }

    /// <summary>
    /// <see cref="ResidualSumOfSquares(int, ReadOnlySpan{double}, double)"/> of every output at once, the parameters
    /// <paramref name="theta"/> laid out by <paramref name="layout"/>: each output's sum the same, bit for bit, but Sxx
    /// swept once for all of them (each row of it used by every output while in cache) instead of once an output
    /// (20 outputs × 768 features: 20 sweeps of a 4.7 MB matrix).
    /// </summary>
    internal double[] ResidualSumsOfSquares(ReadOnlySpan<double> theta, Models.ParameterLayout layout)
    {
        int k = Outputs;
        if (layout.Features != Features || layout.Outputs != k || theta.Length < k * layout.BlockSize)
            throw new ArgumentException($"The parameters must be laid out for {Features} features and {k} outputs.", nameof(theta));
        var intercepts = new double[k];
        for (int o = 0; o < k; o++) intercepts[o] = layout.Intercept(theta, o);
        var sse = new double[k];
        ResidualSums(theta, layout.BlockSize, intercepts, 0, sse);
        return sse;
    }

    /// <summary>
    /// The residual sums of squares of outputs <paramref name="firstOutput"/>… (as many as <paramref name="sse"/> holds), output
    /// m's weights at <paramref name="weights"/>[m·<paramref name="stride"/>…]: row by row of Sxx, each row dotted with every
    /// output's weights in turn, so that every output's sums take their terms in the order of a sweep of its own.
    /// </summary>
    private void ResidualSums(ReadOnlySpan<double> weights, int stride, ReadOnlySpan<double> intercepts, int firstOutput, Span<double> sse)
    {
        int d = Features, k = Outputs, count = sse.Length;
        Span<double> quadratic = count <= 64 ? stackalloc double[count] : new double[count];
        Span<double> cross = count <= 64 ? stackalloc double[count] : new double[count];
        quadratic.Clear();
        cross.Clear();
        for (int i = 0; i < d; i++)
        {
            var row = FeatureScatter.AsSpan(i * d, d);
            for (int m = 0; m < count; m++)
            {
                var w = weights.Slice(m * stride, d);
                quadratic[m] += w[i] * TensorPrimitives.Dot(row, w);
                cross[m] += w[i] * CrossScatter[i * k + firstOutput + m];
            }
        }
        for (int m = 0; m < count; m++)
        {
            int output = firstOutput + m;
            double c = TargetMeans[output] - TensorPrimitives.Dot(FeatureMeans, weights.Slice(m * stride, d)) - intercepts[m];
            sse[m] = TargetScatter[output] - 2 * cross[m] + quadratic[m] + WeightSum * c * c;
        }
    }

    /// <summary>Accumulates statistics of in-memory data, on up to <paramref name="maxThreads"/> threads.</summary>
    public static SufficientStatistics Compute(Dataset data, int? maxThreads = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Compute(data, maxThreads, BlockRowsFor(data.Features + data.Outputs + 1));
    }

    /// <summary>
    /// Rows per block for <paramref name="columns"/> columns of Z ([x, y, 1]): <see cref="BlockRows"/> up to about 300
    /// columns, fewer for wider data (a power of two, at least 1024), so that a block stays near a fixed amount of
    /// work (≈ 4·10⁹ products): with 16 384 rows the 50 000 × 769 head made four blocks for two cores, one of them
    /// nearly empty, and one core did half again its share; with 4096, thirteen. It depends on the data's shape alone, so the sums do
    /// not depend on the thread count.
    /// </summary>
    internal static int BlockRowsFor(int columns)
    {
        int rows = BlockRows;
        while (rows > 1024 && (double)rows * columns * columns > 4e9) rows /= 2;
        return rows;
    }

    /// <summary>As <see cref="Compute(Dataset, int?)"/> with blocks of <paramref name="blockRows"/> rows (tests split a few rows this way).</summary>
    internal static SufficientStatistics Compute(Dataset data, int? maxThreads, int blockRows)
    {
        ArgumentNullException.ThrowIfNull(data);
        int blocks = (data.Rows + blockRows - 1) / blockRows;
        var parts = new SufficientStatistics?[blocks];
        int threads = Math.Min(maxThreads ?? Environment.ProcessorCount, blocks);
        var total = new SufficientStatistics(data.Features, data.Outputs, data.FeatureNames, data.TargetNames);
        int merged = 0;
        var spare = new Stack<SufficientStatistics>();   // parts merged already, whose arrays the next Take fills again
        // One panel (its buffers) per worker; each block starts afresh in Take, so the result is the same
        // whichever worker takes which block. Blocks are merged in block order as soon as all before them are (so
        // the sums do not depend on the thread count either, and at most a few parts of d² values wait at a time).
        // Parts carry Sxx's lower triangle only, and are merged in it (half the d² work and traffic of a whole
        // matrix, which for the 50 000 × 769 head was ≈ 5 ms a block); the total is mirrored once at the end.
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) },
            () => new Panel(data.Features, data.Outputs),
            (blk, _, panel) =>
            {
                int start = blk * blockRows, end = Math.Min(start + blockRows, data.Rows);
                panel.Add(data, start, end - start);
                SufficientStatistics? reuse;
                lock (parts) spare.TryPop(out reuse);
                var part = panel.Take(data.FeatureNames, data.TargetNames, reuse, lowerOnly: true);
                lock (parts)
                {
                    parts[blk] = part;
                    for (; merged < blocks && parts[merged] is { } next; merged++)
                    {
                        total.MergeCore(next, lowerOnly: true);
                        parts[merged] = null;
                        spare.Push(next);
                    }
                }
                return panel;
            },
            _ => { });
        MirrorLower(total.FeatureScatter, data.Features);
        return total;
    }

    /// <summary>Accumulates statistics in one pass over a source that may be larger than memory.</summary>
    public static SufficientStatistics Compute(IRowSource source, int chunkRows = 65536, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var total = new SufficientStatistics(source.Features, source.Outputs, source.FeatureNames, source.TargetNames);
        var panel = new Panel(source.Features, source.Outputs);
        long rows = 0;
        foreach (var chunk in source.ReadChunks(chunkRows, cancellationToken))
        {
            if (chunk.W is { } w)
                CheckChunkWeights(w.AsSpan(0, chunk.Rows), chunk.FirstRow);
            panel.Add(chunk.X, chunk.Y, chunk.W, chunk.Rows);
            total.Merge(panel.Take(source.FeatureNames, source.TargetNames));
            rows += chunk.Rows;
        }
        if (rows == 0)
            Throw.Data("The data has no rows: at least one observation is needed to fit a model.");
        if (total.Count == 0)
            Throw.Data("Every weight is zero, so no row takes part in the fit. Give some rows a positive weight.");
        return total;
    }

    /// <summary>
    /// The statistics of the rows of all the parts together, as a new object (the parts are not changed):
    /// cross-validation builds each training fold's statistics this way from the other folds', so nothing is
    /// subtracted and nothing cancels.
    /// </summary>
    internal static SufficientStatistics Combine(SufficientStatistics first, params ReadOnlySpan<SufficientStatistics> others)
    {
        ArgumentNullException.ThrowIfNull(first);
        var total = new SufficientStatistics(first.Features, first.Outputs, first.FeatureNames, first.TargetNames);
        total.Merge(first);
        foreach (var part in others) total.Merge(part);
        return total;
    }

    /// <summary>
    /// Statistics from their parts — n, the means and the centred scatter matrices, as <see cref="Count"/>,
    /// <see cref="FeatureMeans"/>, <see cref="TargetMeans"/>, <see cref="FeatureScatter"/>, <see cref="CrossScatter"/>
    /// and <see cref="TargetScatter"/> hold them — computed elsewhere (another process or machine), so that they can
    /// be merged and fitted here. The arrays are copied; nothing is recomputed, so a round trip is bit for bit.
    /// </summary>
    /// <exception cref="ArgumentException">An array's length does not match d and k, or the count is negative.</exception>
    public static SufficientStatistics FromParts(long count, double[] featureMeans, double[] targetMeans, double[] featureScatter,
        double[] crossScatter, double[] targetScatter, IReadOnlyList<string> featureNames, IReadOnlyList<string> targetNames) =>
        FromParts(count, featureMeans, targetMeans, featureScatter, crossScatter, targetScatter, featureNames, targetNames, false, count, 0, count);

    /// <summary>
    /// As <see cref="FromParts(long, double[], double[], double[], double[], double[], IReadOnlyList{string}, IReadOnlyList{string})"/>,
    /// with the weights' parts as <see cref="IsWeighted"/>, <see cref="WeightSum"/> and <see cref="SumOfLogWeights"/>
    /// hold them, and every row read (rows of weight zero included; <paramref name="count"/> counts those of positive
    /// weight) — the statistics of weighted rows computed elsewhere, bit for bit.
    /// </summary>
    /// <exception cref="ArgumentException">An array's length does not match d and k, a count is negative, or W is not positive and finite for n &gt; 0.</exception>
    public static SufficientStatistics FromParts(long count, double[] featureMeans, double[] targetMeans, double[] featureScatter,
        double[] crossScatter, double[] targetScatter, IReadOnlyList<string> featureNames, IReadOnlyList<string> targetNames,
        bool weighted, double weightSum, double sumOfLogWeights, long rowsRead)
    {
        ArgumentNullException.ThrowIfNull(featureMeans);
        ArgumentNullException.ThrowIfNull(targetMeans);
        ArgumentNullException.ThrowIfNull(featureScatter);
        ArgumentNullException.ThrowIfNull(crossScatter);
        ArgumentNullException.ThrowIfNull(targetScatter);
        ArgumentNullException.ThrowIfNull(featureNames);
        ArgumentNullException.ThrowIfNull(targetNames);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int d = featureMeans.Length, k = targetMeans.Length;
        if (featureScatter.Length != d * d) Throw.Length(nameof(featureScatter), featureScatter.Length, d * d, "d × d values");
        if (crossScatter.Length != d * k) Throw.Length(nameof(crossScatter), crossScatter.Length, d * k, "d × k values");
        if (targetScatter.Length != k) Throw.Length(nameof(targetScatter), targetScatter.Length, k, "one value per target");
        ArgumentOutOfRangeException.ThrowIfLessThan(rowsRead, count);
        if (count > 0 && !(weightSum > 0 && double.IsFinite(weightSum)))
            throw new ArgumentOutOfRangeException(nameof(weightSum), weightSum, "W = Σw of rows of positive weight is positive and finite.");
        var result = new SufficientStatistics(d, k, [.. featureNames], [.. targetNames])
        {
            Count = count, WeightSum = weightSum, RowsRead = rowsRead, IsWeighted = weighted, SumOfLogWeights = sumOfLogWeights,
        };
        featureMeans.CopyTo(result.FeatureMeans, 0);
        targetMeans.CopyTo(result.TargetMeans, 0);
        featureScatter.CopyTo(result.FeatureScatter, 0);
        crossScatter.CopyTo(result.CrossScatter, 0);
        targetScatter.CopyTo(result.TargetScatter, 0);
        return result;
    }

    /// <summary>Checks a chunk's weights (finite, ≥ 0), naming the row (1-based in the source) of a bad one.</summary>
    private static void CheckChunkWeights(ReadOnlySpan<double> w, long firstRow)
    {
        for (int i = 0; i < w.Length; i++)
            if (!(w[i] >= 0) || !double.IsFinite(w[i]))
                Throw.Data($"The weight of row {firstRow + i + 1} is {Throw.Format(w[i])}: weights must be finite numbers ≥ 0 (inverse variances; 0 leaves the row out). Correct or remove that row.");
    }

    /// <summary>Adds <paramref name="other"/> (the statistics of other rows) into these.</summary>
    public void Merge(SufficientStatistics other) => MergeCore(other, lowerOnly: false);

    /// <summary>
    /// As <see cref="Merge(SufficientStatistics)"/>; with <paramref name="lowerOnly"/>, Sxx on and below the diagonal only
    /// (each entry there with the same operations, so the same bits; above it, anything), for <see cref="MirrorLower"/> to complete.
    /// </summary>
    internal void MergeCore(SufficientStatistics other, bool lowerOnly)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Features != Features || other.Outputs != Outputs)
            Throw.Data($"Cannot merge statistics of {other.Features} features and {other.Outputs} targets into {Features} and {Outputs}.");
        IsWeighted |= other.IsWeighted;
        RowsRead += other.RowsRead;
        if (other.Count == 0) return;
        if (Count == 0)
        {
            (long read, bool weighted) = (RowsRead, IsWeighted);
            CopyCounts(other);
            (RowsRead, IsWeighted) = (read, weighted);
            other.FeatureMeans.CopyTo(FeatureMeans, 0);
            other.TargetMeans.CopyTo(TargetMeans, 0);
            other.FeatureScatter.CopyTo(FeatureScatter, 0);
            other.CrossScatter.CopyTo(CrossScatter, 0);
            other.TargetScatter.CopyTo(TargetScatter, 0);
            return;
        }
        SumOfLogWeights += other.SumOfLogWeights;
        MergeParts(other.Count, other.WeightSum, other.FeatureMeans, other.TargetMeans, other.FeatureScatter, other.CrossScatter, other.TargetScatter, lowerOnly);
    }

    /// <summary>
    /// Copies the lower triangle of the d × d matrix <paramref name="a"/> (row-major) above the diagonal, in 32 × 32 blocks, whose
    /// 32 target rows stay in L1 (written straight to column j, every value went to a different cache line of a d × d matrix beyond L2).
    /// </summary>
    internal static void MirrorLower(double[] a, int d)
    {
        for (int i0 = 0; i0 < d; i0 += 32)
            for (int j0 = i0; j0 < d; j0 += 32)
                for (int j = j0; j < Math.Min(j0 + 32, d); j++)
                    for (int i = i0; i < Math.Min(i0 + 32, j); i++)
                        a[i * d + j] = a[j * d + i];
    }

    private void MergeParts(long count, double wb, double[] xb, double[] yb, double[] sxx, double[] sxy, double[] syy, bool lowerOnly = false)
    {
        int d = Features, k = Outputs;
        double wa = WeightSum, n = wa + wb;
        double weight = wa * wb / n;
        var dx = new double[d];
        var dy = new double[k];
        TensorPrimitives.Subtract(xb, FeatureMeans, dx);
        TensorPrimitives.Subtract(yb, TargetMeans, dy);
        for (int i = 0; i < d; i++)
        {
            int length = lowerOnly ? i + 1 : d;
            var row = FeatureScatter.AsSpan(i * d, length);
            TensorPrimitives.Add(row, sxx.AsSpan(i * d, length), row);
            TensorPrimitives.MultiplyAdd(dx.AsSpan(0, length), weight * dx[i], row, row);
            var cross = CrossScatter.AsSpan(i * k, k);
            TensorPrimitives.Add(cross, sxy.AsSpan(i * k, k), cross);
            TensorPrimitives.MultiplyAdd(dy, weight * dx[i], cross, cross);
        }
        for (int o = 0; o < k; o++)
            TargetScatter[o] += syy[o] + weight * dy[o] * dy[o];
        double fb = wb / n;
        TensorPrimitives.MultiplyAdd(dx, fb, FeatureMeans, FeatureMeans);
        TensorPrimitives.MultiplyAdd(dy, fb, TargetMeans, TargetMeans);
        Count += count;
        WeightSum = n;
    }

    /// <summary>
    /// Accumulates a run of rows (a block, or a chunk of a stream) into statistics. Each panel of up to
    /// <see cref="PanelRows"/> rows is copied into Z = [x − K, y − K_y, 1] (packed in strips of 16 columns, shifted by a fixed
    /// reference K: the first panel's mean; each row times √w when weighted) and the Gram matrix G += ZᵀZ is updated by one kernel, which gives
    /// Σ(x − K)(x − K)ᵀ, Σ(x − K)(y − K_y)ᵀ, Σ(y − K_y)², and, through the column of ones, the sums
    /// s = Σ(x − K), Σ(y − K_y) and the row count. At the end the shifted sums give the centred scatter:
    /// Sxx = Σ(x − K)(x − K)ᵀ − s sᵀ/n. With K this close to the mean the correction is tiny, so nothing
    /// large cancels. Narrow rows (d + k + 1 ≤ 16) skip Z where AVX-512 or AVX2 is there: <see cref="NarrowGram"/> forms each
    /// row in registers and multiplies it straight in, with the same bits.
    /// </summary>
    internal sealed partial class Panel
    {
        private readonly int _d, _k, _cols, _ld, _panelRows;
        private readonly double[] _zBuffer;             // from _zOffset (64-byte aligned), one or two panels Z of ld / 16 strips of panelRows × 16: [x − K, y − K_y, 1, padding]
        private readonly int _zOffset;
        private readonly int _rowStride, _stripStride;  // the panel's layout (Kernels.GramUpdatePacked): packed strips, or row-major
        private readonly bool _overlapped;              // two panels: the next is copied between the tiles of this one (OverlapsCopy)
        private readonly double[] _g;                   // ld × ld; entry (i ≤ j) at [j·ld + i]
        private readonly double[] _shiftX, _shiftY;
        private long _count, _rows;
        private double _logWeights;
        private bool _weighted, _shifted;
        private int _current;                           // which of the two panels the kernel reads next (0 with one)

        public Panel(int d, int k)
        {
            _d = d;
            _k = k;
            _cols = d + k + 1;
            _ld = (_cols + 15) & ~15;
            bool rowMajor = _ld == 16 || (Kernels.GramVectorBits == 512 && _ld <= Kernels.PackAbove);
            _panelRows = _ld == 16 ? Math.Clamp(NarrowPanelRows, 16, 4096) : rowMajor ? Math.Clamp(RowMajorPanelRows, 1, PanelRows) : Math.Clamp(PackedPanelRows, 16, 1024);
            _overlapped = OverlapsCopy(_ld, rowMajor);
            (_zBuffer, _zOffset) = Aligned((_overlapped ? 2 : 1) * _panelRows * _ld);
            (_rowStride, _stripStride) = rowMajor ? (_ld, 16) : (16, _panelRows * 16);
            _g = new double[_ld * _ld];
            _shiftX = new double[(d + 7) & ~7];   // padded: the copy subtracts eight at a time
            _shiftY = new double[k];
        }

        /// <summary>
        /// Whether panels of stride <paramref name="ld"/> read row-major by the tiles (<paramref name="rowMajor"/>) copy the next
        /// panel's rows between the current panel's tiles (<see cref="Kernels.ITileGaps"/>), with the rows of the panel after
        /// that prefetched as they go, rather than in a step of their own: the copy's loads and stores then run under the
        /// tiles' multiply-adds. Measured (2-vCPU Xeon, interleaved in one process, <c>gram-ratios --overlap 0,1</c>): two
        /// threads, n = 10⁶, d = 100 (the <c>lsgd bench</c> shape), 0.593 against 0.500 and 0.593 against 0.477 of the two-thread
        /// 512-bit peak; one thread (CPU time, n = 4·10⁵) 0.56–0.58 either way for the whole pass, 0.60 against 0.58 for the
        /// panel loop alone; d = 30 0.229 against 0.225. Packed panels keep one
        /// panel and the prefetches of the next one (<c>ahead</c>): at d = 200 (512-bit) the two ways were within the noise
        /// (+6 %, −2 %), and on the 256-bit tiles (<c>DOTNET_EnableAVX512=0</c>) the overlapped copy was slower (d = 100 0.645
        /// against 0.684 of the 256-bit peak, d = 200 0.636 against 0.772): there each call copies about one row of a
        /// 128-row panel whose two copies no longer sit in L1 beside the strips.
        /// </summary>
        private static bool OverlapsCopy(int ld, bool rowMajor) => OverlappedCopy && rowMajor && ld > 16;

        /// <summary>Panel <paramref name="which"/> (0 or 1): its strips start on a cache line, so that no whole-vector load or store of the kernel and the copy straddles two.</summary>
        private Span<double> PanelZ(int which) => _zBuffer.AsSpan(_zOffset + which * _panelRows * _ld, _panelRows * _ld);

        /// <summary>A pinned array with room for <paramref name="length"/> values from an offset that is 64-byte aligned.</summary>
        private static unsafe (double[] Buffer, int Offset) Aligned(int length)
        {
            var buffer = GC.AllocateArray<double>(length + 8, pinned: true);
            nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
            return (buffer, (int)((64 - (address & 63)) & 63) / sizeof(double));
        }

        /// <summary>Adds rows [start, start + rows) of in-memory data.</summary>
        public void Add(Dataset data, int start, int rows)
        {
            // The features from the first row to the end of the data: the copy reads whole vectors across row ends and
            // prefetches the next panel.
            var w = data.IsWeighted ? data.Weights.Slice(start, rows) : default;
            if (data.IsSinglePrecision)
                AddRows(data.XSingle[(start * _d)..], data.Y.Slice(start * _k, rows * _k), w, rows);
            else
                AddRows(data.X[(start * _d)..], data.Y.Slice(start * _k, rows * _k), w, rows);
        }

        /// <summary>Adds rows of a chunk (row-major arrays; weights null for unweighted rows).</summary>
        public void Add(double[] x, double[] y, double[]? weights, int rows)
        {
            if (y.Length < rows * _k) Throw.Length(nameof(y), y.Length, rows * _k, "k targets per row");
            AddRows<double>(x, y.AsSpan(0, rows * _k), weights is null ? default : weights.AsSpan(0, rows), rows);
        }

        /// <summary>
        /// Adds <paramref name="rows"/> rows, panel by panel: <paramref name="source"/> starts at the first row and may run on past
        /// the last; <paramref name="y"/> holds rows·k targets; <paramref name="weights"/> rows weights, or empty.
        /// </summary>
        private void AddRows<T>(ReadOnlySpan<T> source, ReadOnlySpan<double> y, ReadOnlySpan<double> weights, int rows) where T : unmanaged, System.Numerics.INumberBase<T>
        {
            int d = _d, k = _k;
            if (!_overlapped)
            {
                int start = 0;
                if (NarrowBlockCalls && FusesNarrow(_ld, Kernels.GramVectorBits) && rows > _panelRows)
                {
                    // Narrow rows through the fused kernel in one call for all the panels whose whole vectors lie inside the source,
                    // the kernel adding each panel's sums into G as one call per panel would (the same bits).
                    int fit = NarrowGram.RowsWithin(source.Length, rows, d);
                    start = fit == rows ? rows : fit / _panelRows * _panelRows;
                    if (start > 0)
                    {
                        for (int s = 0; s < start; s += _panelRows)
                        {
                            int m = Math.Min(_panelRows, start - s);
                            Begin(source[(s * d)..], y.Slice(s * k, m * k), weights.IsEmpty ? default : weights.Slice(s, m), m);
                        }
                        NarrowGram.Update(source, d, y[..(start * k)], k, weights.IsEmpty ? default : weights[..start], start, _shiftX, _shiftY, _g, NarrowPrefetchBytes, panelRows: _panelRows);
                        Counted(weights.IsEmpty ? default : weights[..start], start);
                    }
                }
                for (int s = start; s < rows; s += _panelRows)
                {
                    int m = Math.Min(_panelRows, rows - s);
                    Load(source[(s * d)..], y.Slice(s * k, m * k), weights.IsEmpty ? default : weights.Slice(s, m), m);
                }
                return;
            }
            if (rows == 0) return;
            // Two panels: the first is copied on its own, each next one between the tiles of the one before.
            int first = Math.Min(_panelRows, rows);
            Begin(source, y, weights.IsEmpty ? default : weights[..first], first);
            CopyShifted(source, y, weights.IsEmpty ? default : weights[..first], 0, first, PanelZ(_current));
            for (int s = 0; s < rows;)
            {
                int m = Math.Min(_panelRows, rows - s), next = s + m, nextRows = Math.Min(_panelRows, rows - next);
                // The last panel has no next one: a copier of no rows.
                var copier = new NextPanel<T>(this, default, default, default, 0, default);
                if (nextRows > 0)
                {
                    var nextWeights = weights.IsEmpty ? default : weights.Slice(next, nextRows);
                    Begin(source[(next * d)..], y.Slice(next * k, nextRows * k), nextWeights, nextRows);
                    copier = new NextPanel<T>(this, source[(next * d)..], y.Slice(next * k, nextRows * k), nextWeights, nextRows, PanelZ(_current ^ 1));
                }
                Kernels.GramUpdatePacked(PanelZ(_current), _rowStride, _stripStride, m, _ld, _cols, _g, null, ref copier);
                copier.Finish();
                Counted(weights.IsEmpty ? default : weights.Slice(s, m), m);
                _current ^= 1;
                s = next;
            }
        }

        /// <summary>
        /// What a panel of <paramref name="rows"/> rows does before its rows are copied: the reference K from the first panel
        /// since the last <see cref="Take(IReadOnlyList{string}, IReadOnlyList{string})"/>, and Σ log w.
        /// </summary>
        private void Begin<T>(ReadOnlySpan<T> source, ReadOnlySpan<double> y, ReadOnlySpan<double> weights, int rows) where T : unmanaged, System.Numerics.INumberBase<T>
        {
            int d = _d, k = _k;
            if (!_shifted)
            {
                // The reference K: this first panel's means.
                for (int j = 0; j < d; j++)
                {
                    double sum = 0;
                    for (int t = 0; t < rows; t++) sum += double.CreateTruncating(source[t * d + j]);
                    _shiftX[j] = sum / rows;
                }
                for (int o = 0; o < k; o++)
                {
                    double sum = 0;
                    for (int t = 0; t < rows; t++) sum += y[t * k + o];
                    _shiftY[o] = sum / rows;
                }
                _shifted = true;
            }
            foreach (double w in weights)
                if (w > 0) _logWeights += Math.Log(w);
        }

        /// <summary>Counts a panel's rows once G holds them.</summary>
        private void Counted(ReadOnlySpan<double> weights, int rows)
        {
            _rows += rows;
            if (weights.IsEmpty)
                _count += rows;
            else
            {
                _weighted = true;
                foreach (double w in weights[..rows])
                    if (w > 0) _count++;
            }
        }

        /// <summary>
        /// The copy of the next panel spread over the current panel's tiles (<see cref="Kernels.ITileGaps"/>): before tile c of
        /// C, rows up to ⌊c·rows / C⌋ are copied; <see cref="Finish"/> copies any left.
        /// </summary>
        private ref struct NextPanel<T> : Kernels.ITileGaps where T : unmanaged, System.Numerics.INumberBase<T>
        {
            private readonly Panel _panel;
            private readonly ReadOnlySpan<T> _source;
            private readonly ReadOnlySpan<double> _y, _weights;
            private readonly Span<double> _target;
            private readonly int _rows;
            private int _calls, _call, _copied;

            public NextPanel(Panel panel, ReadOnlySpan<T> source, ReadOnlySpan<double> y, ReadOnlySpan<double> weights, int rows, Span<double> target)
            {
                _panel = panel;
                _source = source;
                _y = y;
                _weights = weights;
                _rows = rows;
                _target = target;
            }

            public void Start(int calls) => _calls = calls;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public void Next()
            {
                if (_copied >= _rows) return;
                int upTo = (int)((long)++_call * _rows / _calls);
                if (upTo > _copied) CopyUpTo(upTo);
            }

            /// <summary>Copies the rows no tile gap took.</summary>
            public void Finish()
            {
                if (_copied < _rows) CopyUpTo(_rows);
            }

            private void CopyUpTo(int upTo)
            {
                var panel = _panel;
                // The same rows of the panel after this one are asked for first, so that they are in L2 when their turn comes
                // (the copy's own loads otherwise wait for memory in the middle of the tiles). Measured (two threads, n = 10⁶,
                // d = 100, interleaved): 0.562 / 0.655 of the 512-bit peak with this one panel ahead, 0.522 / 0.553 without,
                // 0.555 / 0.654 two panels ahead.
                int d = panel._d, rows = panel._panelRows;
                PrefetchValues(_source, (_copied + rows) * d, (upTo + rows) * d);
                panel.CopyShifted(_source, _y, _weights, _copied, upTo, _target);
                _copied = upTo;
            }
        }

        /// <summary>Σ zᵢzⱼ over the rows added so far.</summary>
        private double Entry(int i, int j) => i <= j ? _g[j * _ld + i] : _g[i * _ld + j];

        /// <summary>The statistics of everything added since the last call, and a reset.</summary>
        public SufficientStatistics Take(IReadOnlyList<string> featureNames, IReadOnlyList<string> targetNames) =>
            Take(featureNames, targetNames, null, lowerOnly: false);

        /// <summary>
        /// As <see cref="Take(IReadOnlyList{string}, IReadOnlyList{string})"/>, into <paramref name="reuse"/> when given (statistics of
        /// the same d, k and names, every value overwritten) rather than new arrays; with <paramref name="lowerOnly"/> Sxx is filled on and
        /// below the diagonal only (<see cref="MergeCore"/> then merges that triangle).
        /// </summary>
        internal SufficientStatistics Take(IReadOnlyList<string> featureNames, IReadOnlyList<string> targetNames, SufficientStatistics? reuse, bool lowerOnly)
        {
            int d = _d, k = _k, ones = d + k;
            var result = reuse ?? new SufficientStatistics(d, k, featureNames, targetNames);
            result.Count = _count;
            result.RowsRead = _rows;
            result.IsWeighted = _weighted;
            result.SumOfLogWeights = _logWeights;
            result.WeightSum = 0;
            _rows = 0;
            _logWeights = 0;
            _weighted = false;
            _shifted = false;   // the next rows take a reference K of their own
            if (_count == 0)
            {
                Array.Clear(_g);
                if (reuse is not null)
                {
                    Array.Clear(result.FeatureMeans);
                    Array.Clear(result.TargetMeans);
                    Array.Clear(result.FeatureScatter);
                    Array.Clear(result.CrossScatter);
                    Array.Clear(result.TargetScatter);
                }
                return result;
            }
            // Σw through the column of ones (√w·√w when weighted): exactly the row count when unweighted.
            double n = Entry(ones, ones);
            result.WeightSum = n;
            var sums = new double[d];
            for (int i = 0; i < d; i++)
            {
                sums[i] = Entry(i, ones);
                result.FeatureMeans[i] = _shiftX[i] + sums[i] / n;
            }
            // Row j of G holds the entries (i ≤ j, j) contiguously: read it in that order (G is d² values, beyond L2 for wide data).
            // Each entry is written to row j first (contiguous), then (unless lowerOnly) mirrored above the diagonal (MirrorLower).
            var scatter = result.FeatureScatter;
            for (int j = 0; j < d; j++)
            {
                double sj = sums[j];
                var g = _g.AsSpan(j * _ld, j + 1);
                var row = scatter.AsSpan(j * d, j + 1);
                for (int i = 0; i <= j; i++)
                    row[i] = g[i] - sums[i] * sj / n;
            }
            if (!lowerOnly) MirrorLower(scatter, d);
            for (int i = 0; i < d; i++)
                for (int o = 0; o < k; o++)
                    result.CrossScatter[i * k + o] = Entry(i, d + o) - sums[i] * Entry(d + o, ones) / n;
            for (int o = 0; o < k; o++)
            {
                double so = Entry(d + o, ones);
                result.TargetMeans[o] = _shiftY[o] + so / n;
                result.TargetScatter[o] = Entry(d + o, d + o) - so * so / n;
            }
            _count = 0;
            Array.Clear(_g);
            return result;
        }

        /// <summary>
        /// The rows into Z, shifted: z[t] = [x[t] − K, y[t] − K_y, 1], written straight into the kernel's packed strips
        /// of 16 columns (<see cref="Kernels.GramUpdatePacked"/>), so the panel is copied once. The features go eight
        /// values at a time, 512 bits where the hardware accelerates them (a row's last vector may run into the next
        /// row's values and past d in Z: the columns after d are written next, and those past the wanted columns are
        /// padding), float32 values widened to double first. While copying a panel of 16 columns, the rows of the panel after next are prefetched (one
        /// prefetch per 64 bytes read), so that they arrive while the kernel works on this panel instead of stalling
        /// the next copy.
        /// </summary>
        private unsafe void CopyShifted<T>(ReadOnlySpan<T> source, ReadOnlySpan<double> y, ReadOnlySpan<double> weights, int firstRow, int endRow, Span<double> panel)
            where T : unmanaged, System.Numerics.INumberBase<T>
        {
            int d = _d, k = _k, length = source.Length, ahead = 2 * PanelRows * d;   // the panel after next
            ref T x = ref MemoryMarshal.GetReference(source);
            ref double z = ref MemoryMarshal.GetReference(panel);
            ref double shift = ref MemoryMarshal.GetArrayDataReference(_shiftX);
            ref double shiftY = ref MemoryMarshal.GetArrayDataReference(_shiftY);
            ref double yr = ref MemoryMarshal.GetReference(y);
            // Measured when narrow data took this copy too (one thread, n = 10⁷, d = 10): 0.61–0.65 of the read-only stream
            // with these prefetches, 0.47–0.51 without; no difference at d = 100 or 768, where the kernel, not reading,
            // takes most of the time. Narrow data now takes NarrowGram where it can; wider panels fetch the next panel while
            // the kernel works instead (Load).
            if (_ld == 16 && Vector256.IsHardwareAccelerated && length >= (long)(endRow - 1) * d + ((d + 3) & ~3))
            {
                // One strip of 16 columns (d ≤ 14): four values at a time, every row's vectors fixed by d.
                CopyNarrow(source, y, weights, firstRow, endRow, panel);
                return;
            }
            bool prefetch = Sse.IsSupported && length > 0 && _ld == 16;
            int rowStride = _rowStride, stripStride = _stripStride;   // locals: the loop stores through refs, so fields would be read again each time
            for (int t = firstRow; t < endRow; t++)
            {
                int from = t * d, j = 0, vectorEnd = Math.Min(d, length - from - 7);   // whole vectors of 8 from column j while j < vectorEnd
                ref double zt = ref Unsafe.Add(ref z, t * rowStride);
                // A strip's 16 columns are contiguous in either layout, so the vectors of 8 go two to a strip, and the
                // target moves by stripStride from one strip to the next (the loop once recomputed (c / 16)·stripStride + c % 16
                // for every vector: twice the instructions).
                ref double zs = ref zt;
                if (Vector512.IsHardwareAccelerated)
                {
                    for (; j + 8 < vectorEnd; j += 16, zs = ref Unsafe.Add(ref zs, stripStride))
                    {
                        (Load8(ref x, from + j) - Vector512.LoadUnsafe(ref shift, (nuint)j)).StoreUnsafe(ref zs);
                        (Load8(ref x, from + j + 8) - Vector512.LoadUnsafe(ref shift, (nuint)(j + 8))).StoreUnsafe(ref zs, 8);
                        if (prefetch) PrefetchAhead(ref x, from + j, ahead, length);
                    }
                    if (j < vectorEnd)
                    {
                        (Load8(ref x, from + j) - Vector512.LoadUnsafe(ref shift, (nuint)j)).StoreUnsafe(ref zs);
                        if (prefetch) PrefetchAhead(ref x, from + j, ahead, length);
                        j += 8;
                    }
                }
                else if (Vector256.IsHardwareAccelerated)
                {
                    for (; j < vectorEnd; j += 8)
                    {
                        Vector256<double> lo, hi;
                        if (typeof(T) == typeof(double))
                        {
                            ref double xd = ref Unsafe.As<T, double>(ref x);
                            lo = Vector256.LoadUnsafe(ref xd, (nuint)(from + j));
                            hi = Vector256.LoadUnsafe(ref xd, (nuint)(from + j + 4));
                        }
                        else
                            (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref Unsafe.As<T, float>(ref x), (nuint)(from + j)));
                        if (prefetch && (j & 8) == 0) PrefetchAhead(ref x, from + j, ahead, length);
                        nuint at = (nuint)(j & 8);
                        (lo - Vector256.LoadUnsafe(ref shift, (nuint)j)).StoreUnsafe(ref zs, at);
                        (hi - Vector256.LoadUnsafe(ref shift, (nuint)(j + 4))).StoreUnsafe(ref zs, at + 4);
                        if ((j & 8) != 0) zs = ref Unsafe.Add(ref zs, stripStride);
                    }
                }
                for (; j < d; j++)
                    Column(ref zt, j) = double.CreateTruncating(Unsafe.Add(ref x, from + j)) - Unsafe.Add(ref shift, j);
                ref double yt = ref Unsafe.Add(ref yr, t * k);
                for (int o = 0; o < k; o++)
                    Column(ref zt, d + o) = Unsafe.Add(ref yt, o) - Unsafe.Add(ref shiftY, o);
                Column(ref zt, d + k) = 1;
                if (!weights.IsEmpty) Weigh(panel, t, weights[t]);
            }
        }

        /// <summary>Row <paramref name="t"/> of a panel times √<paramref name="weight"/>: a row of weight w counts as √w·z in ZᵀZ, so G sums w·zzᵀ (and Σw in the corner).</summary>
        private void Weigh(Span<double> panel, int t, double weight)
        {
            double root = Math.Sqrt(weight);
            for (int c = 0; c < _cols; c += 16)
            {
                var strip = panel.Slice((c >> 4) * _stripStride + t * _rowStride, Math.Min(16, _cols - c));
                TensorPrimitives.Multiply(strip, root, strip);
            }
        }

        /// <summary>
        /// <see cref="CopyShifted"/> for a panel of one strip (d + k + 1 ≤ 16 columns, row-major with 16 values a row), where
        /// the fused narrow kernel does not run (switched off, no AVX2, or the last rows, whose whole vectors would run past the data): each row's features as ⌈d / 4⌉
        /// vectors of four (the last may run into the next row's values, which land in columns the targets and the 1
        /// overwrite, or in padding), then the targets and the 1, all through locals. The general loop, whose bookkeeping
        /// is made for wide rows, took ~16 ns a row at d = 10 on 256-bit vectors, twice the triangle kernel's time on the
        /// same rows (one thread, rows in cache, <c>DOTNET_EnableAVX512=0</c>). <paramref name="source"/> must hold
        /// ⌈d / 4⌉·4 values from the last row's start.
        /// </summary>
        private void CopyNarrow<T>(ReadOnlySpan<T> source, ReadOnlySpan<double> y, ReadOnlySpan<double> weights, int firstRow, int endRow, Span<double> panel)
            where T : unmanaged, System.Numerics.INumberBase<T>
        {
            int d = _d, k = _k, length = source.Length, quads = (d + 3) >> 2, ahead = 2 * PanelRows * d;
            ref T x = ref MemoryMarshal.GetReference(source);
            ref double z = ref MemoryMarshal.GetReference(panel);
            ref double yr = ref MemoryMarshal.GetReference(y);
            ref double shift = ref MemoryMarshal.GetArrayDataReference(_shiftX);
            ref double shiftY = ref MemoryMarshal.GetArrayDataReference(_shiftY);
            // The shift of the feature vectors (past d: K's padding zeros, and the values there are overwritten or padding).
            var s0 = Vector256.LoadUnsafe(ref shift);
            var s1 = quads > 1 ? Vector256.LoadUnsafe(ref shift, 4) : default;
            var s2 = quads > 2 ? Vector256.LoadUnsafe(ref shift, 8) : default;
            var s3 = quads > 3 ? Vector256.LoadUnsafe(ref shift, 12) : default;
            bool prefetch = Sse.IsSupported;
            for (int t = firstRow; t < endRow; t++)
            {
                int from = t * d;
                ref double zt = ref Unsafe.Add(ref z, t * 16);
                (Load4(ref x, from) - s0).StoreUnsafe(ref zt);
                if (quads > 1) (Load4(ref x, from + 4) - s1).StoreUnsafe(ref zt, 4);
                if (quads > 2) (Load4(ref x, from + 8) - s2).StoreUnsafe(ref zt, 8);
                if (quads > 3) (Load4(ref x, from + 12) - s3).StoreUnsafe(ref zt, 12);
                if (prefetch) PrefetchAhead(ref x, from, ahead, length);
                ref double yt = ref Unsafe.Add(ref yr, t * k);
                for (int o = 0; o < k; o++)
                    Unsafe.Add(ref zt, d + o) = Unsafe.Add(ref yt, o) - Unsafe.Add(ref shiftY, o);
                Unsafe.Add(ref zt, d + k) = 1;
                if (!weights.IsEmpty) Weigh(panel, t, weights[t]);
            }
        }

        /// <summary>Values [i, i + 4) of the source as doubles (float32 widened).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<double> Load4<T>(ref T x, int i) where T : unmanaged =>
            typeof(T) == typeof(double) ? Vector256.LoadUnsafe(ref Unsafe.As<T, double>(ref x), (nuint)i) : Kernels.Widen4(ref Unsafe.As<T, float>(ref x), (nuint)i);

        /// <summary>Column <paramref name="c"/> of a row of Z, given that row's first value: strip c / 16, place c % 16.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private ref double Column(ref double row, int c) => ref Unsafe.Add(ref row, (c >> 4) * _stripStride + (c & 15));

        /// <summary>Asks for the cache lines of values [<paramref name="from"/>, <paramref name="to"/>) of <paramref name="source"/> (those inside it), into L2.</summary>
        private static unsafe void PrefetchValues<T>(ReadOnlySpan<T> source, int from, int to) where T : unmanaged
        {
            if (!Sse.IsSupported) return;
            to = Math.Min(to, source.Length);
            if (from >= to) return;
            ref byte start = ref Unsafe.As<T, byte>(ref MemoryMarshal.GetReference(source));
            nint end = (nint)to * sizeof(T);
            for (nint b = (nint)from * sizeof(T); b < end; b += 64) Sse.Prefetch1(Unsafe.AsPointer(ref Unsafe.Add(ref start, b)));
        }

        /// <summary>Values [i, i + 8) of the source as doubles (float32 widened).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<double> Load8<T>(ref T x, int i) where T : unmanaged =>
            typeof(T) == typeof(double) ? Vector512.LoadUnsafe(ref Unsafe.As<T, double>(ref x), (nuint)i) : Kernels.Widen8(ref Unsafe.As<T, float>(ref x), (nuint)i);

        /// <summary>Asks for the cache lines of the 16 values <paramref name="ahead"/> past value <paramref name="i"/> (two lines of doubles, one of floats), into L2.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe void PrefetchAhead<T>(ref T x, int i, int ahead, int length) where T : unmanaged
        {
            Sse.Prefetch1(Unsafe.AsPointer(ref Unsafe.Add(ref x, Math.Min(i + ahead, length - 1))));
            if (typeof(T) == typeof(double)) Sse.Prefetch1(Unsafe.AsPointer(ref Unsafe.Add(ref x, Math.Min(i + 8 + ahead, length - 1))));
        }

        /// <summary>
        /// Loads up to <see cref="PanelRows"/> rows into Z and updates G; <paramref name="source"/> starts at the first
        /// row and may run on past the last (the rows after are only prefetched, or read and overwritten);
        /// <paramref name="weights"/> empty for unweighted rows.
        /// </summary>
        private void Load<T>(ReadOnlySpan<T> source, ReadOnlySpan<double> y, ReadOnlySpan<double> weights, int rows) where T : unmanaged, System.Numerics.INumberBase<T>
        {
            int d = _d, ld = _ld;
            Begin(source, y, weights, rows);
            if (FusesNarrow(ld, Kernels.GramVectorBits) && source.Length >= NarrowGram.Reach(rows, d, Kernels.GramVectorBits))
            {
                // Narrow rows straight from the source into the triangle in registers: the same sums as below, bit for bit.
                NarrowGram.Update(source, d, y, _k, weights, rows, _shiftX, _shiftY, _g, NarrowPrefetchBytes);
            }
            else
            {
                var z = PanelZ(0);
                CopyShifted(source, y, weights, 0, rows, z);
                // While the tiles work, the rows of the next panel are fetched (16 columns: the copy's own prefetches, two panels ahead).
                // Measured (one thread, CPU time, interleaved A/B, head shape 768 f32, 20 outputs): 8–13 % faster than prefetching
                // in a burst during the copy; no difference at d = 100.
                var ahead = _ld > 16 && source.Length > rows * d
                    ? MemoryMarshal.AsBytes(source.Slice(rows * d, Math.Min(source.Length - rows * d, _panelRows * d)))
                    : default;
                Kernels.GramUpdatePacked(z, _rowStride, _stripStride, rows, ld, _cols, _g, ahead: ahead);
            }
            Counted(weights, rows);
        }
    }
}
