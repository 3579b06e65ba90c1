using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Lsgd.Data;
using Lsgd.Internals;
using Lsgd.LinearAlgebra;

namespace Lsgd.Solvers;

/// <summary>
/// The exact solver's reparametrised design E = √W·D·U (features centred with an intercept and scaled to unit norm,
/// the intercept's column √w/√Σw first), factored by tall-skinny QR without ever being stored: rows are centred
/// and packed block by block, in parallel in memory or chunk by chunk from a stream, each block's R factor of
/// [E | √W(Y − ȳ)] is folded and merged (<see cref="TallSkinnyQr"/>), so memory stays at one block per core.
/// </summary>
/// <remarks>
/// <para>The rows are factored centred but not scaled: Householder QR is invariant to column scaling, and the norm
/// of column j of the centred design is that of column j of R, so the scaling U comes free from the factor
/// (Rₑ = R·S⁻¹). The targets ride along as extra columns, so Qᵀy is read off R and no Q is kept.</para>
/// <para>Refinement (corrected semi-normal equations, <see cref="Refine"/>) is done on the original rows:
/// r = y − Dθ and g = DᵀWr in twice the working precision, δθ = U·Rₑ⁻¹Rₑ⁻ᵀ·Uᵀg. Each step contracts the error
/// by about κ(E)²·ε, which the double-double re-solve of small ill-conditioned problems does not need.</para>
/// </remarks>
internal sealed class ScaledDesign
{
    /// <summary>Rows per parallel task in memory, and per piece of a streamed chunk (fixed, so sums and factors do not depend on the thread count).</summary>
    internal const int PassRows = 16384;

    /// <summary>Rows per chunk read from a stream.</summary>
    internal const int ChunkRows = 65536;

    private readonly Dataset? _data;
    private readonly IRowSource? _source;
    private readonly IShardedRows? _shards;
    private readonly CancellationToken _cancel;

    private ScaledDesign(Dataset? data, IRowSource? source, bool fitIntercept, double[] mean, double[] targetMean, double weightSum, CancellationToken cancel,
        IShardedRows? shards = null)
    {
        _data = data; _source = source; _shards = shards; _cancel = cancel;
        FitIntercept = fitIntercept; Mean = mean; TargetMean = targetMean; WeightSum = weightSum;
        Features = mean.Length; Outputs = targetMean.Length;
        Scale = new double[Features];
        Qr = null!;
        QtY = [];
    }

    public bool FitIntercept { get; }
    public int Features { get; }
    public int Outputs { get; }
    public int Parameters => Features + (FitIntercept ? 1 : 0);

    /// <summary>x̄ (weighted with weights; zero without an intercept).</summary>
    public double[] Mean { get; }

    /// <summary>‖√w(xⱼ − x̄ⱼ)‖ per feature (1 for a column that is zero after centring).</summary>
    public double[] Scale { get; }

    /// <summary>ȳ per output (zero without an intercept).</summary>
    public double[] TargetMean { get; }

    /// <summary>Σw (n when unweighted).</summary>
    public double WeightSum { get; }

    /// <summary>Rₑ (p × p, no reflectors: only the triangle's solves and estimates).</summary>
    public QrFactorization Qr { get; private set; }

    /// <summary>(Qᵀ√W(y − ȳ))[0:p] per output.</summary>
    public double[][] QtY { get; private set; }

    /// <summary>Passes made over the rows so far.</summary>
    public int Passes { get; private set; }

    /// <summary>Factors the design of rows in memory (one pass for the means with an intercept, one for the factor).</summary>
    public static ScaledDesign Factor(Dataset data, bool fitIntercept, CancellationToken cancellationToken = default)
    {
        int d = data.Features, k = data.Outputs;
        var mean = new double[d];
        var targetMean = new double[k];
        var design = new ScaledDesign(data, null, fitIntercept, mean, targetMean, data.WeightSum, cancellationToken);
        if (fitIntercept)
        {
            var sums = design.Pass(() => new double[d + k], (s, x, y, w, rows) =>
            {
                for (int i = 0; i < rows; i++)
                {
                    double wi = w.IsEmpty ? 1 : w[i];
                    System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(x.Slice(i * d, d), wi, s.AsSpan(0, d), s.AsSpan(0, d));
                    System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(y.Slice(i * k, k), wi, s.AsSpan(d, k), s.AsSpan(d, k));
                }
            }, (a, b) => System.Numerics.Tensors.TensorPrimitives.Add(a, b, a));
            for (int j = 0; j < d; j++) mean[j] = sums[j] / data.WeightSum;
            for (int o = 0; o < k; o++) targetMean[o] = sums[d + o] / data.WeightSum;
        }
        design.FactorRows();
        return design;
    }

    /// <summary>Factors the design of streamed rows, centred on the means of their <paramref name="statistics"/> (one pass).</summary>
    public static ScaledDesign Factor(IRowSource source, SufficientStatistics statistics, bool fitIntercept, CancellationToken cancellationToken = default)
    {
        var mean = fitIntercept ? statistics.FeatureMeans.ToArray() : new double[statistics.Features];
        var targetMean = fitIntercept ? statistics.TargetMeans.ToArray() : new double[statistics.Outputs];
        var design = new ScaledDesign(null, source, fitIntercept, mean, targetMean, statistics.WeightSum, cancellationToken);
        design.FactorRows();
        return design;
    }

    /// <summary>
    /// Factors the design of rows kept in shards, centred on the means of all of them (<paramref name="statistics"/>,
    /// merged in shard order): each shard folds its rows into its own factor (<see cref="Piece"/>), the factors are
    /// merged in shard order here, and every refinement step is one more pass of the shards.
    /// </summary>
    public static ScaledDesign Factor(IShardedRows shards, SufficientStatistics statistics, bool fitIntercept, CancellationToken cancellationToken = default)
    {
        var mean = fitIntercept ? statistics.FeatureMeans.ToArray() : new double[statistics.Features];
        var targetMean = fitIntercept ? statistics.TargetMeans.ToArray() : new double[statistics.Outputs];
        var design = new ScaledDesign(null, null, fitIntercept, mean, targetMean, statistics.WeightSum, cancellationToken, shards);
        design.FactorRows();
        return design;
    }

    /// <summary>
    /// One shard's piece of <paramref name="pass"/>, by the code a streamed file's passes run: the factor pass gives
    /// [rows, R (m × m row-major)], a refinement pass the double-double sums [G, G′, SSE, SSE′].
    /// </summary>
    internal static double[] Piece(IRowSource shard, ShardPass pass, CancellationToken cancellationToken)
    {
        int d = shard.Features, k = shard.Outputs;
        if (pass.Kind == ShardPassKind.Factor)
        {
            if (pass.FeatureMeans.Count != d || pass.TargetMeans.Count != k)
                throw new ArgumentException($"The pass centres {pass.FeatureMeans.Count} features and {pass.TargetMeans.Count} outputs; the shard has {d} and {k}.", nameof(pass));
            var design = new ScaledDesign(null, shard, pass.FitIntercept, pass.FeatureMeansArray, pass.TargetMeansArray, pass.WeightSum, cancellationToken);
            var qr = design.FoldRows(1 / Math.Sqrt(pass.WeightSum));
            return [qr.Rows, .. qr.ToArray()];
        }
        var residuals = new ScaledDesign(null, shard, pass.FitIntercept, new double[d], new double[k], 1, cancellationToken);
        if (pass.Theta.Count != residuals.Parameters * k)
            throw new ArgumentException($"θ has {pass.Theta.Count} values; the shard's {d} features and {k} outputs need {residuals.Parameters * k}.", nameof(pass));
        return residuals.ResidualSums(pass.ThetaArray).ToPiece();
    }

    private void FactorRows()
    {
        int d = Features, k = Outputs, off = FitIntercept ? 1 : 0, p = d + off, m = p + k;
        var qr = _shards is null ? FoldRows(1 / Math.Sqrt(WeightSum)) : MergeShardFactors(m);
        var r = qr.ToArray();
        var re = new double[p * p];
        for (int j = 0; j < d; j++)
        {
            double s = 0;
            for (int i = 0; i <= j + off; i++) s += r[i * m + j + off] * r[i * m + j + off];
            Scale[j] = s > 0 ? Math.Sqrt(s) : 1;
        }
        for (int i = 0; i < p; i++)
            for (int j = i; j < p; j++) re[i * p + j] = r[i * m + j] / (j < off ? 1 : Scale[j - off]);
        Qr = QrFactorization.FromR(re, p);
        QtY = new double[k][];
        for (int o = 0; o < k; o++)
        {
            QtY[o] = new double[p];
            for (int i = 0; i < p; i++) QtY[o][i] = r[i * m + p + o];
        }
    }

    /// <summary>The shards' factors (one distributed pass), merged in shard order into the factor of all their rows.</summary>
    private TallSkinnyQr MergeShardFactors(int m)
    {
        Passes++;
        var pieces = _shards!.Pass(ShardPass.Factor(FitIntercept, Mean, TargetMean, WeightSum), _cancel);
        var total = new TallSkinnyQr(m);
        foreach (var piece in pieces)
        {
            if (piece.Length != 1 + m * m)
                throw new InvalidOperationException($"A shard's factor has {piece.Length} values; {1 + m * m} were expected (rows, then {m} × {m}).");
            total.Merge(new TallSkinnyQr(piece.AsSpan(1), m, (long)piece[0]));
        }
        return total;
    }

    /// <summary>One pass folding the centred rows [c·√w, √w(x − x̄), √w(y − ȳ)] into a TSQR factor.</summary>
    private TallSkinnyQr FoldRows(double interceptValue)
    {
        int d = Features, k = TargetMean.Length, off = FitIntercept ? 1 : 0, p = d + off, m = p + k;
        var mean = Mean;
        var targetMean = TargetMean;
        return Pass(() => new TallSkinnyQr(m), (qr, x, y, w, rows) =>
        {
            var block = qr.Scratch;
            for (int start = 0; start < rows; start += TallSkinnyQr.BlockRows)
            {
                int b = Math.Min(TallSkinnyQr.BlockRows, rows - start);
                for (int i = 0; i < b; i++)
                {
                    int row = start + i;
                    double root = w.IsEmpty ? 1 : Math.Sqrt(w[row]);
                    if (off == 1) block[i] = root * interceptValue;
                    var xi = x.Slice(row * d, d);
                    for (int j = 0; j < d; j++) block[(j + off) * b + i] = root * (xi[j] - mean[j]);
                    for (int o = 0; o < k; o++) block[(p + o) * b + i] = root * (y[row * k + o] - targetMean[o]);
                }
                qr.Fold(block.AsSpan(0, b * m), b);
            }
        }, (a, b) => a.Merge(b));
    }

    /// <summary>θ = U·θ′ in the parameters' layout (the weights, then the intercept) for output <paramref name="output"/>; <paramref name="accumulate"/> adds.</summary>
    public void ToOriginal(ReadOnlySpan<double> thetaPrime, Span<double> theta, int output, bool accumulate)
    {
        int d = Features, off = FitIntercept ? 1 : 0;
        double b = FitIntercept ? thetaPrime[0] / Math.Sqrt(WeightSum) : 0;
        if (FitIntercept && !accumulate && output >= 0) b += TargetMean[output];
        for (int j = 0; j < d; j++)
        {
            double beta = thetaPrime[j + off] / Scale[j];
            b -= Mean[j] * beta;
            theta[j] = accumulate ? theta[j] + beta : beta;
        }
        if (FitIntercept) theta[d] = accumulate ? theta[d] + b : b;
    }

    /// <summary>g′ = Uᵀg for g in the parameters' layout (weights, then the intercept); g′ has the intercept first.</summary>
    private void ToPrime(ReadOnlySpan<double> g, Span<double> gPrime)
    {
        int d = Features, off = FitIntercept ? 1 : 0;
        double gb = FitIntercept ? g[d] : 0;
        for (int j = 0; j < d; j++) gPrime[j + off] = (g[j] - Mean[j] * gb) / Scale[j];
        if (FitIntercept) gPrime[0] = gb / Math.Sqrt(WeightSum);
    }

    /// <summary>The plain solution θ = U·Rₑ⁻¹·QᵀỸ for every output (p values per output, the parameters' layout).</summary>
    public double[] PlainSolution()
    {
        int p = Parameters;
        var theta = new double[p * Outputs];
        ForEachOutput(o =>
        {
            var t = (double[])QtY[o].Clone();
            Qr.SolveR(t);
            ToOriginal(t, theta.AsSpan(o * p, p), o, accumulate: false);
        });
        return theta;
    }

    /// <summary>
    /// Refines <paramref name="theta"/> (every output) by up to <paramref name="steps"/> steps of the corrected
    /// semi-normal equations, stopping once a correction no longer changes it (or stops shrinking), and returns
    /// the residual sums of squares Σw(y − Dθ)² measured in twice the working precision at the final θ.
    /// </summary>
    /// <returns>The residual sums of squares; <paramref name="applied"/> the corrections applied.</returns>
    public double[] Refine(double[] theta, int steps, out int applied)
    {
        int p = Parameters, k = Outputs;
        applied = 0;
        var gPrime = new double[p];
        var delta = new double[p];
        double previous = double.PositiveInfinity;
        for (int step = 0; ; step++)
        {
            var (gradient, sse) = Residuals(theta);
            if (step == steps) return sse;
            double size = 0;
            bool changes = false;
            var corrections = new double[p * k];
            ForEachOutput(o =>
            {
                var work = k == 1 ? gPrime : new double[p];
                ToPrime(gradient.AsSpan(o * p, p), work);
                Qr.SolveRt(work);
                Qr.SolveR(work);
                ToOriginal(work, corrections.AsSpan(o * p, p), -1, accumulate: false);
            });
            for (int o = 0; o < k; o++)
            {
                double norm = System.Numerics.Tensors.TensorPrimitives.Norm<double>(theta.AsSpan(o * p, p));
                size = Math.Max(size, System.Numerics.Tensors.TensorPrimitives.Norm<double>(corrections.AsSpan(o * p, p)) / (norm > 0 ? norm : 1));
            }
            for (int i = 0; i < p * k; i++) changes |= theta[i] + corrections[i] != theta[i];
            // A correction that does not shrink means κ²ε ≳ 1: refinement cannot help, keep the better θ.
            if (!changes || !(size < 0.5 * previous)) return sse;
            for (int i = 0; i < p * k; i++) theta[i] += corrections[i];
            applied++;
            previous = size;
        }
    }

    /// <summary>
    /// <paramref name="solve"/> for every output: each output's triangular solves alone, so with many outputs of a large
    /// order (p² × outputs ≥ <see cref="OutputSolveWork"/>) on every core, with the same bits.
    /// </summary>
    private void ForEachOutput(Action<int> solve)
    {
        int k = Outputs;
        if (k > 1 && (double)Parameters * Parameters * k >= OutputSolveWork && Environment.ProcessorCount > 1)
            Parallel.For(0, k, solve);
        else
            for (int o = 0; o < k; o++) solve(o);
    }

    /// <summary>Order² × outputs of the solves from which <see cref="ForEachOutput"/> spreads the outputs over the cores.</summary>
    internal const double OutputSolveWork = 2e6;

    /// <summary>Σw(y − Dθ)² per output, with the features as stored (one pass, in twice the working precision).</summary>
    public double[] ResidualSumOfSquares(double[] theta) => Residuals(theta).Sse;

    /// <summary>One pass: g = DᵀW(y − Dθ) (the weights, then the intercept, per output) and Σw(y − Dθ)², both accumulated in double-double.</summary>
    private (double[] Gradient, double[] Sse) Residuals(double[] theta)
    {
        int k = Outputs, p = Parameters;
        Sums total;
        if (_shards is null)
            total = ResidualSums(theta);
        else
        {
            // One distributed pass: every shard's double-double sums, merged in shard order.
            Passes++;
            total = new Sums(p * k, k);
            foreach (var piece in _shards.Pass(ShardPass.Residuals(FitIntercept, theta), _cancel))
                total.Merge(Sums.FromPiece(piece, p * k, k));
        }
        var g = new double[p * k];
        for (int i = 0; i < g.Length; i++) g[i] = total.G[i] + total.GC[i];
        var sse = new double[k];
        for (int o = 0; o < k; o++) sse[o] = Math.Max(total.Sse[o] + total.SseC[o], 0);
        return (g, sse);
    }

    /// <summary>The double-double sums of one pass over this design's own rows (in memory or streamed).</summary>
    private Sums ResidualSums(double[] theta)
    {
        int d = Features, k = Outputs, p = Parameters;
        bool intercept = FitIntercept;
        var negative = new double[p * k];
        for (int i = 0; i < p * k; i++) negative[i] = -theta[i];
        var total = Pass(() => new Sums(p * k, k), (s, x, y, w, rows) =>
        {
            for (int i = 0; i < rows; i++)
            {
                double wi = w.IsEmpty ? 1 : w[i];
                if (wi == 0) continue;
                var xi = x.Slice(i * d, d);
                for (int o = 0; o < k; o++)
                {
                    var nt = negative.AsSpan(o * p, p);
                    // r = y − b − xᵀβ in double-double: (rh, rl).
                    double hi = y[i * k + o], lo = 0;
                    if (intercept) Accurate.TwoSumInto(ref hi, ref lo, nt[d]);
                    DotInto(xi, nt[..d], ref hi, ref lo);
                    double rh = hi + lo, rl = lo - (rh - hi);
                    double vh = wi * rh, vl = Math.FusedMultiplyAdd(wi, rh, -vh) + wi * rl;
                    double q = vh * rh;
                    Accurate.TwoSumInto(ref s.Sse[o], ref s.SseC[o], q);
                    s.SseC[o] += Math.FusedMultiplyAdd(vh, rh, -q) + vh * rl + vl * rh;
                    AxpyInto(xi, vh, vl, s.G.AsSpan(o * p, d), s.GC.AsSpan(o * p, d));
                    if (intercept)
                    {
                        Accurate.TwoSumInto(ref s.G[o * p + d], ref s.GC[o * p + d], vh);
                        s.GC[o * p + d] += vl;
                    }
                }
            }
        }, (a, b) => a.Merge(b));
        return total;
    }

    /// <summary>(hi, lo) += Σ xⱼ·tⱼ, each product exact (FMA) and the sum compensated lane by lane (Ogita–Rump–Oishi Dot2).</summary>
    /// <remarks>
    /// On <see cref="Lanes256"/> where the CPU has 256-bit vectors: Vector&lt;double&gt;'s four lanes on x64 and the same
    /// operations, so the same bits, but precompiled as real vector code. ReadyToRun code over Vector&lt;T&gt;, whose
    /// width is the machine's, ran each residual pass of the 1 000 × 768 → 20 head ≈ 6× slower (0.12 s against 0.02 s)
    /// until the JIT recompiled it.
    /// </remarks>
    private static void DotInto(ReadOnlySpan<double> x, ReadOnlySpan<double> t, ref double hi, ref double lo)
    {
        if (Vector256.IsHardwareAccelerated && Vector<double>.Count == 4)
            DotInto<Lanes256>(x, t, ref hi, ref lo);
        else
            DotInto<LanesT>(x, t, ref hi, ref lo);
    }

    private static void DotInto<TV>(ReadOnlySpan<double> x, ReadOnlySpan<double> t, ref double hi, ref double lo) where TV : struct, IDoubleLanes<TV>
    {
        int n = x.Length, w = TV.Count, j = 0;
        if (t.Length < n) throw new ArgumentException("t is shorter than x.", nameof(t));
        if (n >= w)
        {
            var s = TV.Zero;
            var c = TV.Zero;
            ref double xr = ref MemoryMarshal.GetReference(x);
            ref double tr = ref MemoryMarshal.GetReference(t);
            for (; j + w <= n; j += w)
            {
                var a = TV.Load(ref xr, (nuint)j);
                var b = TV.Load(ref tr, (nuint)j);
                var prod = a * b;
                var err = TV.FusedMultiplyAdd(a, b, -prod);
                var sum = s + prod;
                var bb = sum - s;
                c += (s - (sum - bb)) + (prod - bb) + err;
                s = sum;
            }
            for (int l = 0; l < w; l++) Accurate.TwoSumInto(ref hi, ref lo, s[l]);
            lo += TV.Sum(c);
        }
        for (; j < n; j++)
        {
            double prod = x[j] * t[j];
            lo += Math.FusedMultiplyAdd(x[j], t[j], -prod);
            Accurate.TwoSumInto(ref hi, ref lo, prod);
        }
    }

    /// <summary>(s, c) += x·(vh + vl) element by element, in double-double (at the width of <see cref="DotInto"/>; each element alone, so any width gives the same bits).</summary>
    private static void AxpyInto(ReadOnlySpan<double> x, double vh, double vl, Span<double> s, Span<double> c)
    {
        if (Vector256.IsHardwareAccelerated && Vector<double>.Count == 4)
            AxpyInto<Lanes256>(x, vh, vl, s, c);
        else
            AxpyInto<LanesT>(x, vh, vl, s, c);
    }

    private static void AxpyInto<TV>(ReadOnlySpan<double> x, double vh, double vl, Span<double> s, Span<double> c) where TV : struct, IDoubleLanes<TV>
    {
        int n = x.Length, w = TV.Count, j = 0;
        if (s.Length < n || c.Length < n) throw new ArgumentException("The sums are shorter than x.", nameof(s));
        var h = TV.Broadcast(vh);
        var l = TV.Broadcast(vl);
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double sr = ref MemoryMarshal.GetReference(s);
        ref double cr = ref MemoryMarshal.GetReference(c);
        for (; j + w <= n; j += w)
        {
            var a = TV.Load(ref xr, (nuint)j);
            var prod = a * h;
            var err = TV.FusedMultiplyAdd(a, h, -prod) + a * l;
            var sv = TV.Load(ref sr, (nuint)j);
            var sum = sv + prod;
            var bb = sum - sv;
            var cv = TV.Load(ref cr, (nuint)j) + (sv - (sum - bb)) + (prod - bb) + err;
            sum.Store(ref sr, (nuint)j);
            cv.Store(ref cr, (nuint)j);
        }
        for (; j < n; j++)
        {
            double prod = x[j] * vh;
            c[j] += Math.FusedMultiplyAdd(x[j], vh, -prod) + x[j] * vl;
            Accurate.TwoSumInto(ref s[j], ref c[j], prod);
        }
    }

    /// <summary>Double-double sums of a residual pass.</summary>
    private sealed class Sums(int gradient, int outputs)
    {
        public readonly double[] G = new double[gradient], GC = new double[gradient];
        public readonly double[] Sse = new double[outputs], SseC = new double[outputs];

        /// <summary>[G, G′, SSE, SSE′]: what a shard hands back.</summary>
        public double[] ToPiece() => [.. G, .. GC, .. Sse, .. SseC];

        public static Sums FromPiece(double[] piece, int gradient, int outputs)
        {
            if (piece.Length != 2 * (gradient + outputs))
                throw new InvalidOperationException($"A shard's residual sums have {piece.Length} values; {2 * (gradient + outputs)} were expected.");
            var s = new Sums(gradient, outputs);
            piece.AsSpan(0, gradient).CopyTo(s.G);
            piece.AsSpan(gradient, gradient).CopyTo(s.GC);
            piece.AsSpan(2 * gradient, outputs).CopyTo(s.Sse);
            piece.AsSpan(2 * gradient + outputs, outputs).CopyTo(s.SseC);
            return s;
        }

        public void Merge(Sums other)
        {
            for (int i = 0; i < G.Length; i++)
            {
                Accurate.TwoSumInto(ref G[i], ref GC[i], other.G[i]);
                GC[i] += other.GC[i];
            }
            for (int i = 0; i < Sse.Length; i++)
            {
                Accurate.TwoSumInto(ref Sse[i], ref SseC[i], other.Sse[i]);
                SseC[i] += other.SseC[i];
            }
        }
    }

    private delegate void Fold<T>(T state, ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> w, int rows);

    /// <summary>
    /// One pass over the rows: pieces of <see cref="PassRows"/> rows folded in parallel, each into a fresh state, and
    /// merged in row order (so the result does not depend on the thread count); a stream is read chunk by chunk.
    /// </summary>
    private T Pass<T>(Func<T> create, Fold<T> fold, Action<T, T> merge)
    {
        Passes++;
        var total = create();
        var options = new ParallelOptions { CancellationToken = _cancel, MaxDegreeOfParallelism = Environment.ProcessorCount };
        if (_data is { } data)
        {
            int d = data.Features, k = data.Outputs, n = data.Rows;
            int pieces = (n + PassRows - 1) / PassRows;
            var parts = new T[pieces];
            Parallel.For(0, pieces, options, piece =>
            {
                int start = piece * PassRows, rows = Math.Min(PassRows, n - start);
                var part = create();
                fold(part, data.X.Slice(start * d, rows * d), data.Y.Slice(start * k, rows * k), data.IsWeighted ? data.Weights.Slice(start, rows) : default, rows);
                parts[piece] = part;
            });
            foreach (var part in parts) merge(total, part);
            return total;
        }
        var source = _source!;
        foreach (var chunk in source.ReadChunks(ChunkRows, _cancel))
        {
            int d = source.Features, k = source.Outputs, n = chunk.Rows;
            int pieces = (n + PassRows - 1) / PassRows;
            var parts = new T[pieces];
            Parallel.For(0, pieces, options, piece =>
            {
                int start = piece * PassRows, rows = Math.Min(PassRows, n - start);
                var part = create();
                fold(part, chunk.X.AsSpan(start * d, rows * d), chunk.Y.AsSpan(start * k, rows * k), chunk.W is { } w ? w.AsSpan(start, rows) : default, rows);
                parts[piece] = part;
            });
            foreach (var part in parts) merge(total, part);
        }
        return total;
    }
}
