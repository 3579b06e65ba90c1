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
public static class FitStatistics
{
    /// <summary>Rows per block of the residual pass (fixed, so the sums do not depend on the thread count).</summary>
    private const int BlockRows = 8192;

    /// <summary>Statistics of <paramref name="model"/> on <paramref name="data"/>, one entry per output.</summary>
    /// <remarks>
    /// One pass over the rows, in fixed blocks spread over the cores: each block forms its residuals
    /// r = y − ŷ and the centred targets y − ȳ, and sums Σr², Σ|r| and Σ(y − ȳ)² with compensated (Dot2)
    /// sums; the blocks' sums are then added in block order, also compensated. Float32 features are widened
    /// row by row, never copied whole.
    /// </remarks>
    public static IReadOnlyList<OutputStatistics> Compute(LinearModel model, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Features != model.Features)
            Throw.Data($"The model expects {model.Features} features ({string.Join(", ", model.FeatureNames)}) but the data has {data.Features}.");
        if (data.Outputs != model.Outputs)
            Throw.Data($"The model has {Throw.Plural(model.Outputs, "output")} but the data has {data.Outputs}.");
        int n = data.Rows, k = model.Outputs, d = model.Features;
        bool weighted = data.IsWeighted;
        double total = data.WeightSum;
        double logWeights = weighted ? LogWeights(data.Weights) : 0;
        var means = new double[k];
        for (int o = 0; o < k; o++)
            means[o] = !model.HasIntercept ? 0 : weighted ? WeightedMean(data.Y, o, k, data.Weights) : (k == 1 ? Accurate.Sum(data.Y) : Accurate.SumStrided(data.Y, o, k, n)) / n;
        int blocks = (n + BlockRows - 1) / BlockRows;
        // Per block and output: Σr², Σ|r|, Σ(y − ȳ)²; and Σr, Σr³, Σr⁴, Σ(Δr)² within the block, its first and last r.
        var sums = new double[blocks * k * 3];
        var shape = new double[blocks * k * Shape];
        var coefficients = model.Parameters.ToArray();
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = blocks > 1 ? Environment.ProcessorCount : 1 },
            () => new double[(k + 3) * BlockRows],
            (b, _, scratch) =>
        {
            int start = b * BlockRows, rows = Math.Min(n, start + BlockRows) - start;
            var residuals = scratch.AsSpan(0, k * rows);
            var rowWeights = weighted ? data.Weights.Slice(start, rows) : default;
            var weightedR = weighted ? scratch.AsSpan(k * BlockRows, rows) : default;
            var whitened = weighted ? scratch.AsSpan((k + 1) * BlockRows, rows) : default;
            var rootWeights = weighted ? scratch.AsSpan((k + 2) * BlockRows, rows) : default;
            if (weighted) TensorPrimitives.Sqrt(rowWeights, rootWeights);
            Residuals(data, model.Layout, coefficients, start, rows, residuals);
            for (int o = 0; o < k; o++)
            {
                ReadOnlySpan<double> r = residuals.Slice(o * rows, rows), wr = r, shapeOf = r;
                if (weighted)
                {
                    // The shape sums are of the whitened residuals √w·r, as statsmodels' WLS computes them on wresid.
                    TensorPrimitives.Multiply(r, rowWeights, weightedR);
                    TensorPrimitives.Multiply(r, rootWeights, whitened);
                    wr = weightedR;
                    shapeOf = whitened;
                }
                int at = (b * k + o) * 3;
                sums[at] = Accurate.Dot(wr, r);
                sums[at + 1] = TensorPrimitives.SumOfMagnitudes(wr);
                sums[at + 2] = CentredSquares(data.Y.Slice(start * k, rows * k), o, k, means[o], rowWeights);
                ShapeOf(shapeOf, shape.AsSpan((b * k + o) * Shape, Shape));
            }
            return scratch;
        }, _ => { });
        int p = model.Layout.BlockSize, observations = data.Observations;
        var result = new OutputStatistics[k];
        for (int o = 0; o < k; o++)
        {
            double sse = Accurate.SumStrided(sums, o * 3, k * 3, blocks);
            double abs = Accurate.SumStrided(sums, o * 3 + 1, k * 3, blocks);
            double sst = Accurate.SumStrided(sums, o * 3 + 2, k * 3, blocks);
            double r2 = sst > 0 ? 1 - sse / sst : (sse == 0 ? 1 : double.NaN);
            var sums4 = new double[4];
            double previous = double.NaN;
            for (int b = 0; b < blocks; b++)
            {
                var block = shape.AsSpan((b * k + o) * Shape, Shape);
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

    /// <summary>Values per block and output kept by <see cref="ShapeOf"/>.</summary>
    private const int Shape = 6;

    /// <summary>Features up to which the residuals of four rows are formed together, scalar (above, one vectorised dot a row).</summary>
    private const int NarrowFeatures = 16;

    /// <summary>
    /// The residuals r = y − (Xw + b) of the <paramref name="rows"/> rows from <paramref name="start"/> on, output by
    /// output (r[o·rows + t]). Narrow float64 rows four at a time, so their dot products do not wait on each other
    /// (the block stays in cache between outputs); wide rows one at a time, every output's dot while the row is in L1.
    /// </summary>
    private static void Residuals(Dataset data, ParameterLayout layout, double[] theta, int start, int rows, Span<double> r)
    {
        int d = layout.Features, k = layout.Outputs, bs = layout.BlockSize;
        var y = data.Y;
        if ((d > NarrowFeatures || data.Storage.Precision != FeaturePrecision.DoublePrecision) && k > 1)
        {
            // Several outputs: each row (widened once when stored in single precision) against every output's weights
            // while it is in L1, four outputs a load (a head of 20 outputs on 768 features widened each row 20 times).
            bool single = data.Storage.Precision != FeaturePrecision.DoublePrecision;
            var widened = single ? new double[d] : null;
            var sums = new double[k];
            for (int t = 0; t < rows; t++)
            {
                ReadOnlySpan<double> row = widened ?? data.Storage.DoubleValues.Slice((start + t) * d, d);
                if (widened is not null) data.Storage.CopyRow(start + t, widened);
                MultiVectorKernels.Dots(row, theta, bs, k, sums);
                for (int o = 0; o < k; o++)
                    r[o * rows + t] = y[(start + t) * k + o] - (sums[o] + (layout.HasIntercept ? theta[o * bs + d] : 0));
            }
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
            int t = d >= 4 && Avx.IsSupported && Fma.IsSupported ? NarrowVectorised(x, y.Slice(start * k, rows * k), o, k, w, b, ro) : 0;
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
    /// Residuals of narrow rows (4 ≤ d ≤ 16), four rows at a time, each row's dot product a vector of 4 columns at a time
    /// (the last vector ends at column d, its weights zero on the columns the one before covered), the four rows' lanes
    /// added by two horizontal adds: about a third of the instructions of the scalar kernel. Returns the rows done (a
    /// multiple of 4); the caller does the rest.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // called once per block of the pass: optimised from the first block, not after thirty
    private static int NarrowVectorised(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int o, int k, ReadOnlySpan<double> w, double b, Span<double> r)
    {
        int d = w.Length, rows = r.Length, full = d / 4, chunks = (d + 3) / 4;
        Span<double> tail = stackalloc double[4];
        for (int l = 0; l < 4; l++)
            tail[l] = d - 4 + l >= 4 * full ? w[d - 4 + l] : 0;   // columns d−4 … d−1; those already in a full chunk weigh 0
        var w0 = Vector256.Create(w[..4]);
        var w1 = chunks > 1 ? (full > 1 ? Vector256.Create(w.Slice(4, 4)) : Vector256.Create(tail)) : default;
        var w2 = chunks > 2 ? (full > 2 ? Vector256.Create(w.Slice(8, 4)) : Vector256.Create(tail)) : default;
        var w3 = chunks > 3 ? (full > 3 ? Vector256.Create(w.Slice(12, 4)) : Vector256.Create(tail)) : default;
        int off1 = full > 1 ? 4 : d - 4, off2 = full > 2 ? 8 : d - 4, off3 = full > 3 ? 12 : d - 4;
        var bias = Vector256.Create(b);
        ref double row = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y);
        ref double rr = ref MemoryMarshal.GetReference(r);
        int t = 0;
        for (; t + 4 <= rows; t += 4, row = ref Unsafe.Add(ref row, 4 * d))
        {
            ref double x1 = ref Unsafe.Add(ref row, d);
            ref double x2 = ref Unsafe.Add(ref row, 2 * d);
            ref double x3 = ref Unsafe.Add(ref row, 3 * d);
            var s0 = Vector256.LoadUnsafe(ref row) * w0;
            var s1 = Vector256.LoadUnsafe(ref x1) * w0;
            var s2 = Vector256.LoadUnsafe(ref x2) * w0;
            var s3 = Vector256.LoadUnsafe(ref x3) * w0;
            if (chunks > 1)
            {
                s0 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref row, (nuint)off1), w1, s0);
                s1 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref x1, (nuint)off1), w1, s1);
                s2 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref x2, (nuint)off1), w1, s2);
                s3 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref x3, (nuint)off1), w1, s3);
            }
            if (chunks > 2)
            {
                s0 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref row, (nuint)off2), w2, s0);
                s1 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref x1, (nuint)off2), w2, s1);
                s2 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref x2, (nuint)off2), w2, s2);
                s3 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref x3, (nuint)off2), w2, s3);
            }
            if (chunks > 3)
            {
                s0 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref row, (nuint)off3), w3, s0);
                s1 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref x1, (nuint)off3), w3, s1);
                s2 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref x2, (nuint)off3), w3, s2);
                s3 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref x3, (nuint)off3), w3, s3);
            }
            // [s0₀+s0₁, s1₀+s1₁, s0₂+s0₃, s1₂+s1₃] and the same for rows 2, 3; the halves' sum is the four rows' dots.
            var h01 = Avx.HorizontalAdd(s0, s1);
            var h23 = Avx.HorizontalAdd(s2, s3);
            var fitted = Avx.Permute2x128(h01, h23, 0x20) + Avx.Permute2x128(h01, h23, 0x31) + bias;
            if (k == 1)
                (Vector256.LoadUnsafe(ref yr, (nuint)t) - fitted).StoreUnsafe(ref rr, (nuint)t);
            else
                for (int l = 0; l < 4; l++)
                    Unsafe.Add(ref rr, t + l) = Unsafe.Add(ref yr, (t + l) * k + o) - fitted.GetElement(l);
        }
        return t;
    }

    /// <summary>Σ(y − ȳ)² of column <paramref name="o"/> of the block's targets (k columns), weighted when <paramref name="w"/> is given; compensated.</summary>
    private static double CentredSquares(ReadOnlySpan<double> y, int o, int k, double mean, ReadOnlySpan<double> w)
    {
        double s = 0, c = 0;
        int start = 0;
        if (k == 1 && w.IsEmpty && Vector256.IsHardwareAccelerated && y.Length >= 8)
        {
            // One target, unweighted: Dot2 in four lanes of two vectors, so the additions do not wait on each other.
            Vector256<double> s0 = default, c0 = default, s1 = default, c1 = default, m = Vector256.Create(mean);
            for (; start + 8 <= y.Length; start += 8)
            {
                var v0 = Vector256.Create(y.Slice(start, 4)) - m;
                var v1 = Vector256.Create(y.Slice(start + 4, 4)) - m;
                var p0 = v0 * v0;
                var p1 = v1 * v1;
                c0 += Vector256.FusedMultiplyAdd(v0, v0, -p0);
                c1 += Vector256.FusedMultiplyAdd(v1, v1, -p1);
                Accurate.TwoSum(ref s0, ref c0, p0);
                Accurate.TwoSum(ref s1, ref c1, p1);
            }
            Accurate.Combine(s0, c0, ref s, ref c);
            Accurate.Combine(s1, c1, ref s, ref c);
        }
        for (int t = start, i = start * k + o; i < y.Length; t++, i += k)
        {
            double v = y[i] - mean, p = v * v, e = Math.FusedMultiplyAdd(v, v, -p);
            if (!w.IsEmpty)
            {
                double q = w[t] * p;
                e = Math.FusedMultiplyAdd(w[t], p, -q) + w[t] * e;
                p = q;
            }
            c += e;
            Accurate.TwoSumInto(ref s, ref c, p);
        }
        return s + c;
    }

    /// <summary>Σr, Σr³, Σr⁴ and Σ(rₜ − rₜ₋₁)² of <paramref name="r"/>, then its first and last value.</summary>
    /// <remarks>Compensated (TwoSum) in four lanes of a vector each, so the additions do not wait on each other; the lanes are combined the same way.</remarks>
    private static void ShapeOf(ReadOnlySpan<double> r, Span<double> into)
    {
        double sum = 0, sumC = 0, cubes = 0, cubesC = 0, fourth = 0, fourthC = 0, diff = 0, diffC = 0;
        int t = 0;
        if (Vector256.IsHardwareAccelerated && r.Length >= 9)
        {
            Vector256<double> s1 = default, c1 = default, s3 = default, c3 = default, s4 = default, c4 = default, sd = default, cd = default;
            // Differences from t = 1 on: r[1..] − r[..^1], four at a time; the sums of powers over the same rows, r[0] added below.
            for (t = 1; t + 4 <= r.Length; t += 4)
            {
                var v = Vector256.Create(r.Slice(t, 4));
                var dv = v - Vector256.Create(r.Slice(t - 1, 4));
                var v2 = v * v;
                Accurate.TwoSum(ref s1, ref c1, v);
                Accurate.TwoSum(ref s3, ref c3, v2 * v);
                Accurate.TwoSum(ref s4, ref c4, v2 * v2);
                Accurate.TwoSum(ref sd, ref cd, dv * dv);
            }
            Accurate.Combine(s1, c1, ref sum, ref sumC);
            Accurate.Combine(s3, c3, ref cubes, ref cubesC);
            Accurate.Combine(s4, c4, ref fourth, ref fourthC);
            Accurate.Combine(sd, cd, ref diff, ref diffC);
            double first = r[0], first2 = first * first;
            Accurate.TwoSumInto(ref sum, ref sumC, first);
            Accurate.TwoSumInto(ref cubes, ref cubesC, first2 * first);
            Accurate.TwoSumInto(ref fourth, ref fourthC, first2 * first2);
        }
        for (; t < r.Length; t++)
        {
            double v = r[t], v2 = v * v;
            Accurate.TwoSumInto(ref sum, ref sumC, v);
            Accurate.TwoSumInto(ref cubes, ref cubesC, v2 * v);
            Accurate.TwoSumInto(ref fourth, ref fourthC, v2 * v2);
            if (t > 0)
            {
                double dv = v - r[t - 1];
                Accurate.TwoSumInto(ref diff, ref diffC, dv * dv);
            }
        }
        into[0] = sum + sumC;
        into[1] = cubes + cubesC;
        into[2] = fourth + fourthC;
        into[3] = diff + diffC;
        into[4] = r.Length > 0 ? r[0] : 0;
        into[5] = r.Length > 0 ? r[^1] : 0;
    }

    /// <summary>Σ ln w over the positive weights (rows of weight 0 are left out, as R's lm leaves them out).</summary>
    private static double LogWeights(ReadOnlySpan<double> w)
    {
        double s = 0;
        foreach (double v in w)
            if (v > 0) s += Math.Log(v);
        return s;
    }

    /// <summary>Σwy/Σw of column <paramref name="o"/> of <paramref name="y"/> (k columns), compensated.</summary>
    private static double WeightedMean(ReadOnlySpan<double> y, int o, int k, ReadOnlySpan<double> w)
    {
        double s = 0, c = 0, ws = 0, wc = 0;
        for (int i = 0; i < w.Length; i++)
        {
            double v = y[i * k + o], prod = w[i] * v;
            c += Math.FusedMultiplyAdd(w[i], v, -prod);
            Accurate.TwoSumInto(ref s, ref c, prod);
            Accurate.TwoSumInto(ref ws, ref wc, w[i]);
        }
        return (s + c) / (ws + wc);
    }

    /// <summary>Statistics of <paramref name="model"/> over a source, in one pass (R² uses the source's statistics).</summary>
    public static IReadOnlyList<OutputStatistics> Compute(LinearModel model, IRowSource source, SufficientStatistics statistics, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(statistics);
        int k = model.Outputs, d = model.Features;
        // Compensated like the in-memory path: each chunk's Σr² by Dot2, the chunks' sums by TwoSum.
        var sse = new double[k];
        var sseError = new double[k];
        var abs = new double[k];
        var shape = new double[k * 4];
        var last = new double[k];
        Array.Fill(last, double.NaN);
        var block = new double[Shape];
        double[] r = [], rw = [], whitenedBuffer = [], rootWeights = [];
        double logWeights = 0;
        foreach (var chunk in source.ReadChunks(65536, cancellationToken))
        {
            if (chunk.W is not null) logWeights += LogWeights(chunk.W.AsSpan(0, chunk.Rows));
            if (r.Length < chunk.Rows) (r, rw, whitenedBuffer, rootWeights) = (new double[chunk.Rows], new double[chunk.Rows], new double[chunk.Rows], new double[chunk.Rows]);
            var residuals = r.AsSpan(0, chunk.Rows);
            var weighted = chunk.W is null ? residuals : rw.AsSpan(0, chunk.Rows);
            if (chunk.W is not null) TensorPrimitives.Sqrt(chunk.W.AsSpan(0, chunk.Rows), rootWeights.AsSpan(0, chunk.Rows));
            for (int o = 0; o < k; o++)
            {
                var w = model.Coefficients(o);
                double intercept = model.Intercept(o);
                for (int i = 0; i < residuals.Length; i++)
                    residuals[i] = chunk.Y[i * k + o] - (TensorPrimitives.Dot(chunk.X.AsSpan(i * d, d), w) + intercept);
                if (chunk.W is not null)
                    TensorPrimitives.Multiply(residuals, chunk.W.AsSpan(0, chunk.Rows), weighted);
                Accurate.TwoSumInto(ref sse[o], ref sseError[o], Accurate.Dot(weighted, residuals));
                abs[o] += TensorPrimitives.SumOfMagnitudes(weighted);
                var whitened = residuals;
                if (chunk.W is not null)
                {
                    whitened = whitenedBuffer.AsSpan(0, chunk.Rows);
                    TensorPrimitives.Multiply(residuals, rootWeights.AsSpan(0, chunk.Rows), whitened);
                }
                ShapeOf(whitened, block);
                for (int m = 0; m < 4; m++) shape[o * 4 + m] += block[m];
                if (whitened.Length > 0)
                {
                    if (!double.IsNaN(last[o])) shape[o * 4 + 3] += (block[4] - last[o]) * (block[4] - last[o]);
                    last[o] = block[5];
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
