using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Lsgd.Data;
using Lsgd.Internals;
using Lsgd.LinearAlgebra;
using Lsgd.Models;

namespace Lsgd.Estimators;

/// <summary>Goodness-of-fit numbers for one output of a fitted model on the data it was fitted on.</summary>
/// <param name="SumOfSquaredResiduals">SSE = Σ (y − ŷ)².</param>
/// <param name="RSquared">1 − SSE/Σ(y − ȳ)², or the uncentred 1 − SSE/Σy² for a model without intercept.</param>
/// <param name="RootMeanSquaredError">√(SSE/n).</param>
/// <param name="MeanAbsoluteError">Σ|y − ŷ|/n.</param>
/// <param name="ResidualStandardDeviation">√(SSE/(n − p)), p the parameter count per output; NaN when n = p.</param>
/// <param name="TotalSumOfSquares">SST, the denominator of R²: Σ(y − ȳ)², or Σy² for a model without intercept.</param>
public sealed record OutputStatistics(double SumOfSquaredResiduals, double RSquared, double RootMeanSquaredError,
    double MeanAbsoluteError, double ResidualStandardDeviation, double TotalSumOfSquares)
{
    /// <summary>The shape of the residuals in row order (for the report's normality and autocorrelation tests); null without rows.</summary>
    public ResidualSums? Residuals { get; init; }

    /// <summary>
    /// Σ ln w over the rows of positive weight (0 without weights), the weights' term ½Σ ln w of the WLS log-likelihood:
    /// that of <see cref="Residuals"/> when there are rows, else from the sufficient statistics.
    /// </summary>
    public double LogWeights { get; init; }
}

/// <summary>Power sums of the residuals r = y − ŷ of one output, in row order, from the same pass as the fit statistics.</summary>
/// <param name="Sum">Σr.</param>
/// <param name="Cubes">Σr³.</param>
/// <param name="FourthPowers">Σr⁴.</param>
/// <param name="SquaredDifferences">Σₜ₌₂ⁿ (rₜ − rₜ₋₁)², the numerator of the Durbin–Watson statistic.</param>
/// <remarks>For weighted rows the sums are of the whitened residuals √w·r, as statsmodels' WLS computes its diagnostics.</remarks>
public sealed record ResidualSums(double Sum, double Cubes, double FourthPowers, double SquaredDifferences)
{
    /// <summary>Σ ln w over the rows of positive weight (0 without weights): the weights' term ½Σ ln w of the WLS log-likelihood.</summary>
    public double LogWeights { get; init; }
}

/// <summary>Computes <see cref="OutputStatistics"/> for each output of a model.</summary>
/// <remarks>
/// For weighted rows (weighted least squares) every sum is weighted as statsmodels' WLS weighs it: SSE = Σw(y − ŷ)²,
/// SST = Σw(y − ȳ_w)² with ȳ_w = Σwy/Σw (Σwy² without intercept), RMSE = √(SSE/Σw), MAE = Σw|y − ŷ|/Σw, and
/// σ̂ = √(SSE/(n − p)) with n the rows of positive weight.
/// </remarks>
public static partial class FitStatistics
{
    /// <summary>Rows per block of the residual pass (fixed, so the sums do not depend on the thread count).</summary>
    private const int BlockRows = 8192;

    /// <summary>Statistics of <paramref name="model"/> on <paramref name="data"/>, one entry per output.</summary>
    /// <remarks>
    /// One pass over the rows, in fixed blocks spread over the cores: each block forms its residuals r = y − ŷ,
    /// then sums, in one sweep over them and its targets, Σr², Σ|r|, the targets' squares about the block's own mean
    /// and the residuals' shape (<see cref="BlockSums"/>), compensated (Dot2, TwoSum); the blocks' sums are then
    /// added in block order, also compensated, the centred squares merged about ȳ exactly (<see cref="CentredTotal"/>),
    /// so no pass over the targets comes first. Float32 features are widened row by row, never copied whole.
    /// </remarks>
    public static IReadOnlyList<OutputStatistics> Compute(LinearModel model, Dataset data) => Compute(model, data, Kernels.GramVectorBits);

    /// <summary>
    /// <see cref="Compute(LinearModel, Dataset)"/> with the block sums' vector width forced (512, 256 or 0 for scalar),
    /// for tests, and at most <paramref name="maxThreads"/> threads (null: every core); <paramref name="fuse"/> false
    /// forms the residuals of narrow rows in a sweep of their own, before the sums (the kernels' reference in tests).
    /// </summary>
    internal static IReadOnlyList<OutputStatistics> Compute(LinearModel model, Dataset data, int vectorBits, int? maxThreads = null, bool fuse = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Features != model.Features)
            Throw.Data($"The model expects {model.Features} features ({string.Join(", ", model.FeatureNames)}) but the data has {data.Features}.");
        if (data.Outputs != model.Outputs)
            Throw.Data($"The model has {Throw.Plural(model.Outputs, "output")} but the data has {data.Outputs}.");
        int n = data.Rows, k = model.Outputs;
        bool weighted = data.IsWeighted, centred = model.HasIntercept;
        double total = data.WeightSum;
        double logWeights = weighted ? LogWeights(data.Weights) : 0;
        int blocks = (n + BlockRows - 1) / BlockRows;
        // Per block and output the Sums values of BlockSums; per block its weight.
        var sums = new double[blocks * k * Sums];
        var blockWeights = new double[blocks];
        var coefficients = model.Parameters.ToArray();
        int threads = Math.Min(Math.Min(maxThreads ?? int.MaxValue, Environment.ProcessorCount), blocks);
        int d = model.Features;
        double intercept = model.HasIntercept ? coefficients[d] : 0;
        bool formed = fuse && FusesResiduals(d, k, data.Storage.Precision, vectorBits);
        void Block(int b, double[] scratch)
        {
            int start = b * BlockRows, rows = Math.Min(n, start + BlockRows) - start;
            var residuals = scratch.AsSpan(0, k * rows);
            var column = scratch.AsSpan(k * BlockRows, rows);
            var rowWeights = weighted ? data.Weights.Slice(start, rows) : default;
            var rootWeights = weighted ? scratch.AsSpan((k + 1) * BlockRows, rows) : default;
            if (weighted) TensorPrimitives.Sqrt(rowWeights, rootWeights);
            double weight = weighted ? TensorPrimitives.Sum(rowWeights) : rows;
            blockWeights[b] = weight;
            var y = data.Y.Slice(start * k, rows * k);
            if (formed)
            {
                // One output of narrow float64 rows: the residuals are formed in the sweep that sums them (FormedSums).
                double mean = !centred ? 0 : weighted ? (weight > 0 ? TensorPrimitives.Dot(rowWeights, y) / weight : 0) : TensorPrimitives.Sum(y) / rows;
                var x = data.Storage.DoubleValues.Slice(start * d, rows * d);
                var w = coefficients.AsSpan(0, d);
                var one = sums.AsSpan(b * Sums, Sums);
                if (weighted) FormedSums<WithWeights>(residuals, y, mean, rowWeights, rootWeights, one, vectorBits, x, w, intercept);
                else FormedSums<Unweighted>(residuals, y, mean, default, default, one, vectorBits, x, w, intercept);
                return;
            }
            Residuals(data, model.Layout, coefficients, start, rows, residuals);
            for (int o = 0; o < k; o++)
            {
                ReadOnlySpan<double> targets = y;
                if (k > 1)
                {
                    for (int t = 0; t < rows; t++) column[t] = y[t * k + o];
                    targets = column;
                }
                // The block's targets are centred on their own (rounded) mean; the merge below makes the sum exact about ȳ.
                double shift = !centred ? 0 : weighted ? (weight > 0 ? TensorPrimitives.Dot(rowWeights, targets) / weight : 0) : TensorPrimitives.Sum(targets) / rows;
                var into = sums.AsSpan((b * k + o) * Sums, Sums);
                var r = residuals.Slice(o * rows, rows);
                if (weighted) GivenSumsFor<WithWeights>()(r, targets, shift, rowWeights, rootWeights, into, vectorBits, default, default, 0);
                else GivenSumsFor<Unweighted>()(r, targets, shift, default, default, into, vectorBits, default, default, 0);
            }
        }
        if (threads <= 1)
        {
            var scratch = ArrayPool<double>.Shared.Rent((k + 2) * BlockRows);
            for (int b = 0; b < blocks; b++) Block(b, scratch);
            ArrayPool<double>.Shared.Return(scratch);
        }
        else
            Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = threads }, () => new double[(k + 2) * BlockRows],
                (b, _, scratch) => { Block(b, scratch); return scratch; }, _ => { });
        int p = model.Layout.BlockSize, observations = data.Observations;
        var result = new OutputStatistics[k];
        for (int o = 0; o < k; o++)
        {
            double sse = Accurate.SumStrided(sums, o * Sums, k * Sums, blocks);
            double abs = Accurate.SumStrided(sums, o * Sums + 1, k * Sums, blocks);
            double sst = CentredTotal(sums, o, k, blockWeights, total, centred);
            double r2 = sst > 0 ? 1 - sse / sst : (sse == 0 ? 1 : double.NaN);
            var sums4 = new double[4];
            double previous = double.NaN;
            for (int b = 0; b < blocks; b++)
            {
                var block = sums.AsSpan((b * k + o) * Sums + 5, 6);
                for (int m = 0; m < 4; m++) sums4[m] += block[m];
                if (b > 0) sums4[3] += (block[4] - previous) * (block[4] - previous);
                previous = block[5];
            }
            result[o] = new OutputStatistics(sse, r2, Math.Sqrt(sse / total), abs / total,
                observations > p ? Math.Sqrt(sse / (observations - p)) : double.NaN, sst)
            { Residuals = new ResidualSums(sums4[0], sums4[1], sums4[2], sums4[3]) { LogWeights = logWeights } };
        }
        return result;
    }

    /// <summary>
    /// Σw(y − ȳ)² from the blocks' sums about their own shifts m_b (or Σwy² for a model without intercept, all shifts 0):
    /// with S_b = Σw(y − m_b)², e_b = Σw(y − m_b) and W_b = Σw over block b, exactly
    /// Σw(y − ȳ)² = Σ_b [S_b + 2(m_b − ȳ)e_b + W_b(m_b − ȳ)²] and ȳ = Σ_b (W_b·m_b + e_b)/W; every term is compensated.
    /// </summary>
    private static double CentredTotal(ReadOnlySpan<double> sums, int o, int k, ReadOnlySpan<double> blockWeights, double total, bool centred)
    {
        double s = 0, c = 0;
        int blocks = blockWeights.Length;
        if (!centred)
        {
            for (int b = 0; b < blocks; b++) Accurate.TwoSumInto(ref s, ref c, sums[(b * k + o) * Sums + 2]);
            return s + c;
        }
        for (int b = 0; b < blocks; b++)
        {
            int at = (b * k + o) * Sums;
            double weighted = blockWeights[b] * sums[at + 4];
            c += Math.FusedMultiplyAdd(blockWeights[b], sums[at + 4], -weighted);
            Accurate.TwoSumInto(ref s, ref c, weighted);
            Accurate.TwoSumInto(ref s, ref c, sums[at + 3]);
        }
        double mean = (s + c) / total;
        (s, c) = (0, 0);
        for (int b = 0; b < blocks; b++)
        {
            int at = (b * k + o) * Sums;
            double delta = sums[at + 4] - mean, spread = blockWeights[b] * delta * delta;
            Accurate.TwoSumInto(ref s, ref c, sums[at + 2]);
            Accurate.TwoSumInto(ref s, ref c, 2 * delta * sums[at + 3]);
            Accurate.TwoSumInto(ref s, ref c, spread);
        }
        return s + c;
    }

    /// <summary>Values per block and output kept by <see cref="BlockSums"/>.</summary>
    private const int Sums = 11;

    /// <summary>Whether rows carry weights: a type argument, so that each case is compiled on its own, without a test per row.</summary>
    private interface IRowWeights { static abstract bool On { get; } }
    private readonly struct Unweighted : IRowWeights { public static bool On => false; }
    private readonly struct WithWeights : IRowWeights { public static bool On => true; }

    /// <summary>
    /// Whether the block's residuals come given (formed by <see cref="Residuals"/> in a sweep of their own) or are formed
    /// in the sweep that sums them, from narrow float64 rows of one output (<see cref="FormsResiduals"/>): then X and y
    /// are read once, and the sums' arithmetic runs while the next rows arrive from memory.
    /// </summary>
    /// <remarks>
    /// Formed, the type also names how many vectors of 4 columns each row takes (<see cref="NarrowRows"/>; 0: fewer than 4
    /// features, row by row), so that the sweep's loop is one straight run of instructions, its registers held throughout.
    /// </remarks>
    private interface IResidualSource
    {
        static abstract bool Formed { get; }
        static abstract int Chunks { get; }
    }

    private readonly struct GivenResiduals : IResidualSource { public static bool Formed => false; public static int Chunks => 1; }
    private readonly struct FormedFew : IResidualSource { public static bool Formed => true; public static int Chunks => 0; }
    private readonly struct FormedOne : IResidualSource { public static bool Formed => true; public static int Chunks => 1; }
    private readonly struct FormedTwo : IResidualSource { public static bool Formed => true; public static int Chunks => 2; }
    private readonly struct FormedThree : IResidualSource { public static bool Formed => true; public static int Chunks => 3; }
    private readonly struct FormedFour : IResidualSource { public static bool Formed => true; public static int Chunks => 4; }

    /// <summary><see cref="BlockSums"/> forming the residuals of rows of <paramref name="x"/>.Length / rows features (1 … 16), by their vectors per row.</summary>
    private static void FormedSums<TW>(Span<double> r, ReadOnlySpan<double> y, double m, ReadOnlySpan<double> w, ReadOnlySpan<double> rootW, Span<double> into, int bits,
        ReadOnlySpan<double> x, ReadOnlySpan<double> coefficients, double intercept) where TW : struct, IRowWeights
    {
        FormedSumsFor<TW>(coefficients.Length)(r, y, m, w, rootW, into, bits, x, coefficients, intercept);
    }

    /// <summary>Whether the sums' sweep forms the residuals itself: float64 rows of 1 to 16 features, on a CPU with AVX2 and FMA.</summary>
    internal static bool FormsResiduals(int d, FeaturePrecision precision) =>
        d >= 1 && d <= NarrowFeatures && precision == FeaturePrecision.DoublePrecision && Avx2.IsSupported && Fma.IsSupported;

    /// <summary>
    /// One output's sums over a block, in one sweep over its residuals r and targets y (w the weights, √w their roots):
    /// Σwr² (Dot2), Σw|r| (plain), Σw(y − m)² (Dot2), Σw(y − m) (Dot2), then m itself; and of the whitened residuals
    /// v = √w·r (r unweighted) Σv, Σv³, Σv⁴, Σ(vₜ − vₜ₋₁)², the first v and the last. Every sum runs in the lanes of a
    /// vector (512 or 256 bits, <paramref name="bits"/>; 0 for scalar), the lanes then added in order, compensated (TwoSum)
    /// for SSE and SST; the residuals' shape (for the skew, kurtosis, normality tests and Durbin–Watson, none of which
    /// cancels to a few digits) in plain multiply-adds, which keeps the sweep's registers within the 32 vector registers.
    /// Each vₜ₋₁ comes from the vector before (a lane shift), not read again. Formed (<see cref="IResidualSource"/>), the sweep
    /// forms r = y − (Xβ + b) itself from the rows <paramref name="x"/> (<see cref="NarrowRows"/>, the same arithmetic as
    /// <see cref="Residuals"/>, so the same bits), asks for the rows <see cref="PrefetchBytes"/> ahead, and writes r to
    /// <paramref name="r"/> as it goes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // called once per block and output: optimised from the first block
    private static void BlockSums<TW, TR>(Span<double> r, ReadOnlySpan<double> y, double m, ReadOnlySpan<double> w, ReadOnlySpan<double> rootW, Span<double> into, int bits,
        ReadOnlySpan<double> x, ReadOnlySpan<double> coefficients, double intercept)
        where TW : struct, IRowWeights where TR : struct, IResidualSource
    {
        int rows = y.Length;
        // Pairs (sum, compensation): squares, centred squares, centred; then Σv, Σv³, Σv⁴, Σ(Δv)², Σ|r| (plain).
        Span<double> acc = stackalloc double[10];
        acc.Clear();
        ref double rr = ref MemoryMarshal.GetReference(r);
        ref double yr = ref MemoryMarshal.GetReference(y);
        var narrow = TR.Formed ? new NarrowRows(coefficients, intercept) : default;
        ref double xr = ref MemoryMarshal.GetReference(x);
        int d = coefficients.Length, t = 0;
        // Row 0 has no predecessor in the block: the lane before it holds v₀ itself, so that its difference is 0.
        double r0 = rows == 0 ? 0 : TR.Formed ? (rows >= 4 ? y[0] - narrow.Fitted4<TR>(ref xr).ToScalar() : 0) : r[0];
        double v0 = TW.On && rows > 0 ? rootW[0] * r0 : r0;
        if (SweepFor<TW, TR>(bits, rows) is { } sweep)
            t = sweep(r, y, m, w, rootW, x, narrow, v0, acc, into);
        else
            into[1] = 0;
        // The rows the vectors left; their residuals formed as Residuals forms them (four rows by vector, then one by one).
        int vectorRows = t;
        if (TR.Formed && t + 4 <= rows)
        {
            (Vector256.LoadUnsafe(ref yr, (nuint)t) - narrow.Fitted4<TR>(ref Unsafe.Add(ref xr, t * d))).StoreUnsafe(ref rr, (nuint)t);
            vectorRows = t + 4;
        }
        for (int i = t; i < rows; i++)
        {
            if (TR.Formed && i >= vectorRows)
                r[i] = y[i] - (TensorPrimitives.Dot(x.Slice(i * d, d), coefficients) + intercept);
            double rv = r[i], yc = y[i] - m, wrv = rv, ycw = yc, v = rv;
            if (TW.On)
            {
                wrv = w[i] * rv;
                ycw = w[i] * yc;
                acc[5] += Math.FusedMultiplyAdd(w[i], yc, -ycw);
                v = rootW[i] * rv;
            }
            double p = wrv * rv, q = ycw * yc, v2 = TW.On ? v * v : p;
            acc[1] += Math.FusedMultiplyAdd(wrv, rv, -p);
            acc[3] += Math.FusedMultiplyAdd(ycw, yc, -q);
            Accurate.TwoSumInto(ref acc[0], ref acc[1], p);
            Accurate.TwoSumInto(ref acc[2], ref acc[3], q);
            Accurate.TwoSumInto(ref acc[4], ref acc[5], ycw);
            acc[6] += v;
            acc[7] = Math.FusedMultiplyAdd(v2, v, acc[7]);
            acc[8] = Math.FusedMultiplyAdd(v2, v2, acc[8]);
            double dv = v - (i == 0 ? v : TW.On ? rootW[i - 1] * r[i - 1] : r[i - 1]);
            acc[9] = Math.FusedMultiplyAdd(dv, dv, acc[9]);
            into[1] += Math.Abs(wrv);
        }
        into[0] = acc[0] + acc[1];
        into[2] = acc[2] + acc[3];
        into[3] = acc[4] + acc[5];
        into[4] = m;
        for (int s = 0; s < 4; s++) into[5 + s] = acc[6 + s];
        into[9] = rows > 0 ? (TW.On ? rootW[0] * r[0] : r[0]) : 0;
        into[10] = rows > 0 ? (TW.On ? rootW[^1] * r[^1] : r[^1]) : 0;
    }

    /// <summary>
    /// The vector part of <see cref="BlockSums"/>, 8 rows at a time in 512-bit lanes: returns the rows done, the sums in
    /// <paramref name="acc"/> and Σ|r| in <paramref name="into"/>[1]. A method of its own, so that its loop's vectors are
    /// the only ones the register allocator weighs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Sweep512<TW, TR>(Span<double> r, ReadOnlySpan<double> y, double m, ReadOnlySpan<double> w, ReadOnlySpan<double> rootW, ReadOnlySpan<double> x,
        NarrowRows narrow, double v0, Span<double> acc, Span<double> into)
        where TW : struct, IRowWeights where TR : struct, IResidualSource
    {
        int rows = y.Length, d = x.Length / rows, t = 0, ahead = PrefetchBytes;
        ref double rr = ref MemoryMarshal.GetReference(r);
        ref double yr = ref MemoryMarshal.GetReference(y);
        ref double wr = ref MemoryMarshal.GetReference(w);
        ref double qr = ref MemoryMarshal.GetReference(rootW);
        ref double xr = ref MemoryMarshal.GetReference(x);

        Vector512<double> s0 = default, c0 = default, s1 = default, c1 = default, s2 = default, c2 = default, s3 = default, s4 = default,
            s5 = default, s6 = default, a = default, last = Vector512.Create(v0), mv = Vector512.Create(m);
        for (; t + 8 <= rows; t += 8)
        {
            var yv = Vector512.LoadUnsafe(ref yr, (nuint)t);
            Vector512<double> rv;
            if (TR.Formed)
            {
                ref double row = ref Unsafe.Add(ref xr, t * d);
                NarrowRows.Prefetch<TR>(ref row, ahead, 8);
                rv = yv - Avx512F.InsertVector256(narrow.Fitted4<TR>(ref row).ToVector512Unsafe(), narrow.Fitted4<TR>(ref Unsafe.Add(ref row, 4 * d)), 1);
                rv.StoreUnsafe(ref rr, (nuint)t);
            }
            else
                rv = Vector512.LoadUnsafe(ref rr, (nuint)t);
            var yc = yv - mv;
            var wrv = rv;
            var ycw = yc;
            var v = rv;
            if (TW.On)
            {
                var wv = Vector512.LoadUnsafe(ref wr, (nuint)t);
                wrv = wv * rv;
                ycw = wv * yc;
                c2 += Avx512F.FusedMultiplySubtract(wv, yc, ycw);
                v = Vector512.LoadUnsafe(ref qr, (nuint)t) * rv;
            }
            var dv = v - Avx512F.AlignRight64(v.AsUInt64(), last.AsUInt64(), 7).AsDouble();   // [last₇, v₀, …, v₆]
            last = v;
            var p = wrv * rv;
            c0 += Avx512F.FusedMultiplySubtract(wrv, rv, p);
            var q = ycw * yc;
            c1 += Avx512F.FusedMultiplySubtract(ycw, yc, q);
            TwoSum(ref s0, ref c0, p);
            TwoSum(ref s1, ref c1, q);
            TwoSum(ref s2, ref c2, ycw);
            var v2 = TW.On ? v * v : p;
            s3 += v;
            s4 = Vector512.FusedMultiplyAdd(v2, v, s4);
            s5 = Vector512.FusedMultiplyAdd(v2, v2, s5);
            s6 = Vector512.FusedMultiplyAdd(dv, dv, s6);
            a += Vector512.Abs(wrv);
        }
        Combine(s0, c0, acc, 0); Combine(s1, c1, acc, 2); Combine(s2, c2, acc, 4);
        acc[6] += Vector512.Sum(s3); acc[7] += Vector512.Sum(s4); acc[8] += Vector512.Sum(s5); acc[9] += Vector512.Sum(s6);
        into[1] = Vector512.Sum(a);
        return t;
    }

    /// <summary>The vector part of <see cref="BlockSums"/>, 4 rows at a time in 256-bit lanes (as <see cref="Sweep512"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Sweep256<TW, TR>(Span<double> r, ReadOnlySpan<double> y, double m, ReadOnlySpan<double> w, ReadOnlySpan<double> rootW, ReadOnlySpan<double> x,
        NarrowRows narrow, double v0, Span<double> acc, Span<double> into)
        where TW : struct, IRowWeights where TR : struct, IResidualSource
    {
        int rows = y.Length, d = x.Length / rows, t = 0, ahead = PrefetchBytes;
        ref double rr = ref MemoryMarshal.GetReference(r);
        ref double yr = ref MemoryMarshal.GetReference(y);
        ref double wr = ref MemoryMarshal.GetReference(w);
        ref double qr = ref MemoryMarshal.GetReference(rootW);
        ref double xr = ref MemoryMarshal.GetReference(x);

        Vector256<double> s0 = default, c0 = default, s1 = default, c1 = default, s2 = default, c2 = default, s3 = default, s4 = default,
            s5 = default, s6 = default, a = default, turned = Vector256.Create(v0), mv = Vector256.Create(m);
        for (; t + 4 <= rows; t += 4)
        {
            var yv = Vector256.LoadUnsafe(ref yr, (nuint)t);
            Vector256<double> rv;
            if (TR.Formed)
            {
                ref double row = ref Unsafe.Add(ref xr, t * d);
                NarrowRows.Prefetch<TR>(ref row, ahead, 4);
                rv = yv - narrow.Fitted4<TR>(ref row);
                rv.StoreUnsafe(ref rr, (nuint)t);
            }
            else
                rv = Vector256.LoadUnsafe(ref rr, (nuint)t);
            var yc = yv - mv;
            var wrv = rv;
            var ycw = yc;
            var v = rv;
            if (TW.On)
            {
                var wv = Vector256.LoadUnsafe(ref wr, (nuint)t);
                wrv = wv * rv;
                ycw = wv * yc;
                c2 += Fma.MultiplySubtract(wv, yc, ycw);
                v = Vector256.LoadUnsafe(ref qr, (nuint)t) * rv;
            }
            // [v₃, v₀, v₁, v₂]; its lane 0 replaced by the vector before's v₃ gives each lane its predecessor.
            var rotated = Avx2.Permute4x64(v, 0b10_01_00_11);
            var dv = v - Avx.Blend(rotated, turned, 0b0001);
            turned = rotated;
            var p = wrv * rv;
            c0 += Fma.MultiplySubtract(wrv, rv, p);
            var q = ycw * yc;
            c1 += Fma.MultiplySubtract(ycw, yc, q);
            Accurate.TwoSum(ref s0, ref c0, p);
            Accurate.TwoSum(ref s1, ref c1, q);
            Accurate.TwoSum(ref s2, ref c2, ycw);
            var v2 = TW.On ? v * v : p;
            s3 += v;
            s4 = Vector256.FusedMultiplyAdd(v2, v, s4);
            s5 = Vector256.FusedMultiplyAdd(v2, v2, s5);
            s6 = Vector256.FusedMultiplyAdd(dv, dv, s6);
            a += Vector256.Abs(wrv);
        }
        Accurate.Combine(s0, c0, ref acc[0], ref acc[1]); Accurate.Combine(s1, c1, ref acc[2], ref acc[3]);
        Accurate.Combine(s2, c2, ref acc[4], ref acc[5]);
        acc[6] += Vector256.Sum(s3); acc[7] += Vector256.Sum(s4); acc[8] += Vector256.Sum(s5); acc[9] += Vector256.Sum(s6);
        into[1] = Vector256.Sum(a);
        return t;
    }

    /// <summary>
    /// Narrow float64 rows (1 ≤ d ≤ 16) and one output's coefficients, for the fitted values of four rows at a time: from 4
    /// features on each row's dot product a vector of 4 columns at a time (the last vector ends at column d, its weights
    /// zero on the columns the one before covered), the four rows' lanes added by two horizontal adds, then the intercept;
    /// below 4, row by row as the scalar kernel forms them.
    /// </summary>
    private readonly struct NarrowRows
    {
        private readonly int _d;
        private readonly nuint _off1, _off2, _off3;
        private readonly Vector256<double> _w0, _w1, _w2, _w3, _bias;
        private readonly double _a0, _a1, _a2;   // the coefficients of rows of fewer than 4 features

        public NarrowRows(ReadOnlySpan<double> w, double b)
        {
            int d = w.Length, full = d / 4;
            _d = d;
            _bias = Vector256.Create(b);
            if (d < 4)
            {
                (_a0, _a1, _a2) = (w[0], d > 1 ? w[1] : 0, d > 2 ? w[2] : 0);
                return;
            }
            int chunks = (d + 3) / 4;
            Span<double> tail = stackalloc double[4];
            for (int l = 0; l < 4; l++)
                tail[l] = d - 4 + l >= 4 * full ? w[d - 4 + l] : 0;   // columns d−4 … d−1; those already in a full chunk weigh 0
            _w0 = Vector256.Create(w[..4]);
            _w1 = chunks > 1 ? (full > 1 ? Vector256.Create(w.Slice(4, 4)) : Vector256.Create(tail)) : default;
            _w2 = chunks > 2 ? (full > 2 ? Vector256.Create(w.Slice(8, 4)) : Vector256.Create(tail)) : default;
            _w3 = chunks > 3 ? (full > 3 ? Vector256.Create(w.Slice(12, 4)) : Vector256.Create(tail)) : default;
            _off1 = (nuint)(full > 1 ? 4 : d - 4);
            _off2 = (nuint)(full > 2 ? 8 : d - 4);
            _off3 = (nuint)(full > 3 ? 12 : d - 4);
        }

        /// <summary>
        /// Hints (into L1) for the lines of <paramref name="rows"/> (4 or 8) rows <paramref name="bytes"/> bytes ahead of
        /// <paramref name="row"/>: a fixed number by the rows' vectors (4 per vector of 8 rows, 2 of 4; 3 and 2 below 4
        /// features), so at most a few lines past them (of the rows read next); a hint never faults, so they may run past the data.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static unsafe void Prefetch<TR>(ref double row, int bytes, int rows) where TR : struct, IResidualSource
        {
            if (!Sse.IsSupported) return;
            byte* p = (byte*)Unsafe.AsPointer(ref row) + bytes;
            // rows·d·8 bytes span at most rows·d/8 + 1 lines; the count is a constant where the sweep inlines this.
            int lines = TR.Chunks == 0 ? (rows == 8 ? 3 : 2) : TR.Chunks * rows / 2;
            Sse.Prefetch0(p);
            Sse.Prefetch0(p + 64);
            if (lines > 2) Sse.Prefetch0(p + 128);
            if (lines > 3) Sse.Prefetch0(p + 192);
            if (lines > 4) { Sse.Prefetch0(p + 256); Sse.Prefetch0(p + 320); }
            if (lines > 6) { Sse.Prefetch0(p + 384); Sse.Prefetch0(p + 448); }
            if (lines > 8) { Sse.Prefetch0(p + 512); Sse.Prefetch0(p + 576); Sse.Prefetch0(p + 640); Sse.Prefetch0(p + 704); }
            if (lines > 12) { Sse.Prefetch0(p + 768); Sse.Prefetch0(p + 832); Sse.Prefetch0(p + 896); Sse.Prefetch0(p + 960); }
        }

        /// <summary>Xβ + b of the four rows from <paramref name="row"/> on, each row <typeparamref name="TR"/>'s vectors of 4 columns.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<double> Fitted4<TR>(ref double row) where TR : struct, IResidualSource
        {
            ref double x1 = ref Unsafe.Add(ref row, _d);
            ref double x2 = ref Unsafe.Add(ref row, 2 * _d);
            ref double x3 = ref Unsafe.Add(ref row, 3 * _d);
            if (TR.Chunks == 0)
                return Vector256.Create(Few(ref row), Few(ref x1), Few(ref x2), Few(ref x3)) + _bias;
            var s0 = Vector256.LoadUnsafe(ref row) * _w0;
            var s1 = Vector256.LoadUnsafe(ref x1) * _w0;
            var s2 = Vector256.LoadUnsafe(ref x2) * _w0;
            var s3 = Vector256.LoadUnsafe(ref x3) * _w0;
            if (TR.Chunks > 1)
            {
                s0 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref row, _off1), _w1, s0);
                s1 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref x1, _off1), _w1, s1);
                s2 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref x2, _off1), _w1, s2);
                s3 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref x3, _off1), _w1, s3);
            }
            if (TR.Chunks > 2)
            {
                s0 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref row, _off2), _w2, s0);
                s1 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref x1, _off2), _w2, s1);
                s2 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref x2, _off2), _w2, s2);
                s3 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref x3, _off2), _w2, s3);
            }
            if (TR.Chunks > 3)
            {
                s0 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref row, _off3), _w3, s0);
                s1 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref x1, _off3), _w3, s1);
                s2 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref x2, _off3), _w3, s2);
                s3 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref x3, _off3), _w3, s3);
            }
            // [s0₀+s0₁, s1₀+s1₁, s0₂+s0₃, s1₂+s1₃] and the same for rows 2, 3; the halves' sum is the four rows' dots.
            var h01 = Avx.HorizontalAdd(s0, s1);
            var h23 = Avx.HorizontalAdd(s2, s3);
            return Avx.Permute2x128(h01, h23, 0x20) + Avx.Permute2x128(h01, h23, 0x31) + _bias;
        }

        /// <summary>
        /// The dot product of a row of fewer than 4 features, as the scalar kernel of <see cref="Residuals"/> forms it (even
        /// columns in one sum, odd in another, then their sum), so the same bits.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private double Few(ref double x)
        {
            double s = Math.FusedMultiplyAdd(x, _a0, 0), u = _d > 1 ? Math.FusedMultiplyAdd(Unsafe.Add(ref x, 1), _a1, 0) : 0;
            if (_d > 2) s = Math.FusedMultiplyAdd(Unsafe.Add(ref x, 2), _a2, s);
            return s + u;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TwoSum(ref Vector512<double> s, ref Vector512<double> c, Vector512<double> v) => Accurate.TwoSum(ref s, ref c, v);

    /// <summary>Adds the lanes of a vector of compensated sums into the pair at <paramref name="at"/> of <paramref name="acc"/>.</summary>
    private static void Combine(Vector512<double> sums, Vector512<double> compensations, Span<double> acc, int at) =>
        Accurate.Combine(sums, compensations, ref acc[at], ref acc[at + 1]);

    /// <summary>How far ahead of each group of rows the fused sweep asks for the rows it reads next (bytes; 0 for no hints; a field so the benchmarks can compare).</summary>
    internal static int PrefetchBytes = 4096;

    /// <summary>Features up to which the residuals of four rows are formed together, scalar (above, one vectorised dot a row).</summary>
    private const int NarrowFeatures = 16;

    /// <summary>
    /// The residuals r = y − (Xw + b) of the <paramref name="rows"/> rows from <paramref name="start"/> on, output by
    /// output (r[o·rows + t]). Narrow float64 rows four at a time, so their dot products do not wait on each other
    /// (the block stays in cache between outputs); wide or single-precision rows of several outputs by
    /// <see cref="MultiOutputResiduals"/>, four rows by four outputs at a time.
    /// </summary>
    private static void Residuals(Dataset data, ParameterLayout layout, double[] theta, int start, int rows, Span<double> r)
    {
        int d = layout.Features, k = layout.Outputs, bs = layout.BlockSize;
        var y = data.Y;
        if (UsesMultiOutputResiduals(d, k, data.Storage.Precision))
        {
            // Several outputs: four rows against four outputs at a time (register-blocked), each row widened once when
            // stored in single precision; each four rows read Θ once (a head of 20 outputs on 768 features: 123 KB).
            MultiOutputResiduals.Compute(data.Storage, y, layout, theta, start, rows, r, Kernels.GramVectorBits);
            return;
        }
        if (d > NarrowFeatures || data.Storage.Precision != FeaturePrecision.DoublePrecision)
        {
            for (int t = 0; t < rows; t++)
                for (int o = 0; o < k; o++)
                    r[o * rows + t] = y[(start + t) * k + o] - (data.Storage.Dot(start + t, theta.AsSpan(o * bs, d)) + (layout.HasIntercept ? theta[o * bs + d] : 0));
            return;
        }
        var x = data.Storage.DoubleValues.Slice(start * d, rows * d);
        for (int o = 0; o < k; o++)
        {
            var w = theta.AsSpan(o * bs, d);
            double b = layout.HasIntercept ? theta[o * bs + d] : 0;
            var ro = r.Slice(o * rows, rows);
            int t = VectorisesNarrowResiduals(d) ? NarrowVectorised(x, y.Slice(start * k, rows * k), o, k, w, b, ro) : 0;
            ref double xr = ref MemoryMarshal.GetReference(x);
            ref double wr = ref MemoryMarshal.GetReference(w);
            for (; t + 4 <= rows; t += 4)
            {
                // Four rows, two partial sums each (even and odd columns): eight independent chains of multiply-adds.
                ref double x0 = ref Unsafe.Add(ref xr, t * d);
                double s0 = 0, s1 = 0, s2 = 0, s3 = 0, u0 = 0, u1 = 0, u2 = 0, u3 = 0;
                int j = 0;
                for (; j + 2 <= d; j += 2)
                {
                    double w0 = Unsafe.Add(ref wr, j), w1 = Unsafe.Add(ref wr, j + 1);
                    s0 = Math.FusedMultiplyAdd(Unsafe.Add(ref x0, j), w0, s0);
                    s1 = Math.FusedMultiplyAdd(Unsafe.Add(ref x0, d + j), w0, s1);
                    s2 = Math.FusedMultiplyAdd(Unsafe.Add(ref x0, 2 * d + j), w0, s2);
                    s3 = Math.FusedMultiplyAdd(Unsafe.Add(ref x0, 3 * d + j), w0, s3);
                    u0 = Math.FusedMultiplyAdd(Unsafe.Add(ref x0, j + 1), w1, u0);
                    u1 = Math.FusedMultiplyAdd(Unsafe.Add(ref x0, d + j + 1), w1, u1);
                    u2 = Math.FusedMultiplyAdd(Unsafe.Add(ref x0, 2 * d + j + 1), w1, u2);
                    u3 = Math.FusedMultiplyAdd(Unsafe.Add(ref x0, 3 * d + j + 1), w1, u3);
                }
                if (j < d)
                {
                    double wj = Unsafe.Add(ref wr, j);
                    s0 = Math.FusedMultiplyAdd(Unsafe.Add(ref x0, j), wj, s0);
                    s1 = Math.FusedMultiplyAdd(Unsafe.Add(ref x0, d + j), wj, s1);
                    s2 = Math.FusedMultiplyAdd(Unsafe.Add(ref x0, 2 * d + j), wj, s2);
                    s3 = Math.FusedMultiplyAdd(Unsafe.Add(ref x0, 3 * d + j), wj, s3);
                }
                int i = (start + t) * k + o;
                ro[t] = y[i] - (s0 + u0 + b);
                ro[t + 1] = y[i + k] - (s1 + u1 + b);
                ro[t + 2] = y[i + 2 * k] - (s2 + u2 + b);
                ro[t + 3] = y[i + 3 * k] - (s3 + u3 + b);
            }
            for (; t < rows; t++)
                ro[t] = y[(start + t) * k + o] - (TensorPrimitives.Dot(x.Slice(t * d, d), w) + b);
        }
    }

    /// <summary>
    /// Residuals of narrow rows (4 ≤ d ≤ 16), four rows at a time (<see cref="NarrowRows"/>): about a third of the
    /// instructions of the scalar kernel. Returns the rows done (a multiple of 4); the caller does the rest.
    /// </summary>
    private static int NarrowVectorised(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int o, int k, ReadOnlySpan<double> w, double b, Span<double> r) =>
        NarrowVectorisedFor(w.Length)(x, y, o, k, w, b, r);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // called once per block of the pass: optimised from the first block, not after thirty
    private static int NarrowVectorised<TR>(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int o, int k, ReadOnlySpan<double> w, double b, Span<double> r)
        where TR : struct, IResidualSource
    {
        int rows = r.Length;
        var narrow = new NarrowRows(w, b);
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y);
        ref double rr = ref MemoryMarshal.GetReference(r);
        int t = 0;
        for (; t + 4 <= rows; t += 4)
        {
            var fitted = narrow.Fitted4<TR>(ref Unsafe.Add(ref xr, t * w.Length));
            if (k == 1)
                (Vector256.LoadUnsafe(ref yr, (nuint)t) - fitted).StoreUnsafe(ref rr, (nuint)t);
            else
                for (int l = 0; l < 4; l++)
                    Unsafe.Add(ref rr, t + l) = Unsafe.Add(ref yr, (t + l) * k + o) - fitted.GetElement(l);
        }
        return t;
    }

    /// <summary>Σ ln w over the positive weights (rows of weight 0 are left out, as R's lm leaves them out).</summary>
    private static double LogWeights(ReadOnlySpan<double> w)
    {
        double s = 0;
        foreach (double v in w)
            if (v > 0) s += Math.Log(v);
        return s;
    }

    /// <summary>Statistics of <paramref name="model"/> over a source, in one pass (R² uses the source's statistics).</summary>
    public static IReadOnlyList<OutputStatistics> Compute(LinearModel model, IRowSource source, SufficientStatistics statistics, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(statistics);
        int k = model.Outputs, d = model.Features;
        // The in-memory path's block sums (BlockSums), a chunk a block; the chunks' sums by TwoSum. The centred squares
        // of the targets come from the statistics, so the chunks' own are not used.
        int bits = Kernels.GramVectorBits;
        var sse = new double[k];
        var sseError = new double[k];
        var abs = new double[k];
        var shape = new double[k * 4];
        var last = new double[k];
        Array.Fill(last, double.NaN);
        var block = new double[Sums];
        double[] r = [], column = [], rootWeights = [];
        double logWeights = 0;
        foreach (var chunk in source.ReadChunks(65536, cancellationToken))
        {
            int rows = chunk.Rows;
            if (chunk.W is not null) logWeights += LogWeights(chunk.W.AsSpan(0, rows));
            if (r.Length < rows) (r, column, rootWeights) = (new double[rows], new double[rows], new double[rows]);
            var residuals = r.AsSpan(0, rows);
            var rowWeights = chunk.W is null ? default : chunk.W.AsSpan(0, rows);
            if (chunk.W is not null) TensorPrimitives.Sqrt(rowWeights, rootWeights.AsSpan(0, rows));
            for (int o = 0; o < k; o++)
            {
                var w = model.Coefficients(o);
                double intercept = model.Intercept(o);
                for (int i = 0; i < rows; i++)
                {
                    column[i] = chunk.Y[i * k + o];
                    residuals[i] = column[i] - (TensorPrimitives.Dot(chunk.X.AsSpan(i * d, d), w) + intercept);
                }
                if (chunk.W is not null) GivenSumsFor<WithWeights>()(residuals, column.AsSpan(0, rows), 0, rowWeights, rootWeights.AsSpan(0, rows), block, bits, default, default, 0);
                else GivenSumsFor<Unweighted>()(residuals, column.AsSpan(0, rows), 0, default, default, block, bits, default, default, 0);
                Accurate.TwoSumInto(ref sse[o], ref sseError[o], block[0]);
                abs[o] += block[1];
                for (int m = 0; m < 4; m++) shape[o * 4 + m] += block[5 + m];
                if (rows > 0)
                {
                    if (!double.IsNaN(last[o])) shape[o * 4 + 3] += (block[9] - last[o]) * (block[9] - last[o]);
                    last[o] = block[10];
                }
            }
        }
        for (int o = 0; o < k; o++) sse[o] += sseError[o];
        double n = statistics.WeightSum, observations = statistics.Count;
        int p = model.Layout.BlockSize;
        var result = new OutputStatistics[k];
        for (int o = 0; o < k; o++)
        {
            double total = statistics.TargetScatter[o] + (model.HasIntercept ? 0 : n * statistics.TargetMeans[o] * statistics.TargetMeans[o]);
            double r2 = total > 0 ? 1 - sse[o] / total : (sse[o] == 0 ? 1 : double.NaN);
            result[o] = new OutputStatistics(sse[o], r2, Math.Sqrt(sse[o] / n), abs[o] / n, observations > p ? Math.Sqrt(sse[o] / (observations - p)) : double.NaN, total)
            { Residuals = new ResidualSums(shape[o * 4], shape[o * 4 + 1], shape[o * 4 + 2], shape[o * 4 + 3]) { LogWeights = logWeights } };
        }
        return result;
    }

    /// <summary>
    /// Statistics of <paramref name="model"/> from sufficient statistics alone (no pass over rows): SSE from the
    /// quadratic form Syy − 2wᵀSxy + wᵀSxx w + n·c² (accurate to about ε·Syy, so coarse when R² is within ε of 1);
    /// the mean absolute error needs the rows and is NaN.
    /// </summary>
    public static IReadOnlyList<OutputStatistics> Compute(LinearModel model, SufficientStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(statistics);
        if (statistics.Features != model.Features || statistics.Outputs != model.Outputs)
            Throw.Data($"The model has {model.Features} features and {model.Outputs} outputs but the statistics have {statistics.Features} and {statistics.Outputs}.");
        int k = model.Outputs, bs = model.Layout.BlockSize, p = bs;
        double n = statistics.WeightSum, observations = statistics.Count;
        var result = new OutputStatistics[k];
        for (int o = 0; o < k; o++)
        {
            var block = model.Parameters.Slice(o * bs, bs).ToArray();
            var engine = new Engines.SufficientStatisticsEngine(statistics.ForOutput(o), model.HasIntercept);
            double sse = Math.Max(2 * engine.Evaluate(block, new double[bs]), 0);
            double total = statistics.TargetScatter[o] + (model.HasIntercept ? 0 : n * statistics.TargetMeans[o] * statistics.TargetMeans[o]);
            double r2 = total > 0 ? 1 - sse / total : (sse == 0 ? 1 : double.NaN);
            result[o] = new OutputStatistics(sse, r2, Math.Sqrt(sse / n), double.NaN, observations > p ? Math.Sqrt(sse / (observations - p)) : double.NaN, total)
            {
                LogWeights = statistics.IsWeighted ? statistics.SumOfLogWeights : 0,
            };
        }
        return result;
    }
}
