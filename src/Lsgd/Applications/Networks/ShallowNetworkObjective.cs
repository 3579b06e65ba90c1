using System.Numerics.Tensors;
using Lsgd.Data;
using Lsgd.Engines;
using Lsgd.Internals;
using Lsgd.Models;

namespace Lsgd.Applications.Networks;

/// <summary>
/// The squared loss of a <see cref="ShallowNetwork"/> on a dataset and its gradient by backpropagation:
/// J(θ) = s · ½ Σᵢ ‖yᵢ − ŷᵢ‖², s = 1 under <see cref="LossScaling.Sum"/> and 1/n under <see cref="LossScaling.Mean"/>,
/// the same loss and scalings as the linear model.
/// </summary>
/// <remarks>
/// Per row, with r = ŷ − y:
/// <code>
/// a = W₁x + b₁,  z = φ(a),  ŷ = W₂z + b₂,  J += ½‖r‖²
/// ∂J/∂W₂ₒ += rₒ z,   ∂J/∂b₂ₒ += rₒ
/// δⱼ = φ′(aⱼ) Σₒ rₒ W₂ₒⱼ,   ∂J/∂W₁ⱼ += δⱼ x,   ∂J/∂b₁ⱼ += δⱼ
/// </code>
/// Rows are summed in fixed blocks merged in order, so the result does not depend on the thread count. A
/// mini-batch B gives the unbiased estimate s·(n/|B|)·(sum over B), as <see cref="Engines.LeastSquaresObjective"/> does.
/// As an <see cref="IObjective"/> it offers mini-batches but no Hessian-vector products or curvature estimate (the
/// loss is not convex), so the trainer needs a given learning rate and judges convergence by stationarity.
/// </remarks>
public sealed class ShallowNetworkObjective : IObjective
{
    private const int BlockRows = 256;
    private readonly Dataset _data;
    private readonly double _factor;

    /// <summary>Creates the objective of a network with <paramref name="hidden"/> units of <paramref name="activation"/> on <paramref name="data"/>.</summary>
    public ShallowNetworkObjective(Dataset data, int hidden, HiddenActivation activation, LossScaling scaling)
    {
        ArgumentNullException.ThrowIfNull(data);
        Check.AtLeast(hidden, 1, nameof(hidden), "Try 16.");
        _data = data.ToDoublePrecision();
        Hidden = hidden;
        Activation = activation;
        Scaling = scaling;
        _factor = scaling == LossScaling.Mean ? 1.0 / data.Rows : 1.0;
    }

    /// <summary>d.</summary>
    public int Inputs => _data.Features;

    /// <summary>h.</summary>
    public int Hidden { get; }

    /// <summary>k.</summary>
    public int Outputs => _data.Outputs;

    /// <summary>n.</summary>
    public int Rows => _data.Rows;

    long IObjective.Rows => _data.Rows;

    /// <inheritdoc />
    public double Passes { get; private set; }

    /// <summary>True: seeded mini-batches of rows.</summary>
    public bool HasMiniBatches => true;

    /// <summary>One epoch of mini-batches: the rows shuffled with <paramref name="seed"/>, cut into batches of at most <paramref name="batchSize"/>.</summary>
    public IEnumerable<IObjectiveBatch> Batches(int batchSize, int seed)
    {
        Check.AtLeast(batchSize, 1, "BatchSize", "Try 32.");
        var order = new int[Rows];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        new Random(seed).Shuffle(order);
        for (int start = 0; start < order.Length; start += batchSize)
            yield return new RowBatch(this, order[start..Math.Min(order.Length, start + batchSize)]);
    }

    private sealed class RowBatch(ShallowNetworkObjective owner, int[] rows) : IObjectiveBatch
    {
        public int Rows => rows.Length;

        public double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient) => owner.Evaluate(theta, gradient, rows);
    }

    /// <summary>φ.</summary>
    public HiddenActivation Activation { get; }

    /// <summary>The scaling of the loss.</summary>
    public LossScaling Scaling { get; }

    /// <summary>The length of θ.</summary>
    public int ParameterCount => ShallowNetwork.ParameterCount(Inputs, Hidden, Outputs);

    /// <summary>J(θ) over every row, writing ∇J into <paramref name="gradient"/>.</summary>
    public double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient)
    {
        CheckLengths(theta, gradient);
        Passes++;
        return Accumulate(theta.ToArray(), gradient, null, _factor);
    }

    /// <summary>J(θ) over every row, without the gradient.</summary>
    public double Loss(ReadOnlySpan<double> theta)
    {
        CheckLengths(theta, theta);
        Passes++;
        return Accumulate(theta.ToArray(), [], null, _factor);
    }

    /// <summary>The mini-batch estimate s·(n/|B|)·½Σ_B‖r‖² of J(θ) over the rows <paramref name="rows"/> (0-based), writing its gradient.</summary>
    public double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient, ReadOnlySpan<int> rows)
    {
        CheckLengths(theta, gradient);
        if (rows.IsEmpty)
            Throw.Data("A mini-batch needs at least one row.");
        Passes += (double)rows.Length / Rows;
        return Accumulate(theta.ToArray(), gradient, rows.ToArray(), _factor * Rows / rows.Length);
    }

    private void CheckLengths(ReadOnlySpan<double> theta, ReadOnlySpan<double> gradient)
    {
        if (theta.Length != ParameterCount)
            Throw.Length(nameof(theta), theta.Length, ParameterCount, $"h(d + 1) + k(h + 1) with d = {Inputs}, h = {Hidden}, k = {Outputs}");
        if (gradient.Length != ParameterCount)
            Throw.Length(nameof(gradient), gradient.Length, ParameterCount, "one value per parameter");
    }

    /// <summary>Sums loss (and gradient, unless it is empty) over the rows, in fixed blocks merged in order; scales by <paramref name="factor"/>.</summary>
    private double Accumulate(double[] theta, Span<double> gradient, int[]? rows, double factor)
    {
        int count = rows?.Length ?? Rows;
        int blocks = (count + BlockRows - 1) / BlockRows;
        bool withGradient = !gradient.IsEmpty;
        int p = ParameterCount;
        var losses = new double[blocks];
        var gradients = withGradient ? new double[blocks][] : null;
        void Block(int b)
        {
            var g = withGradient ? new double[p] : null;
            losses[b] = SumRows(theta, g, rows, b * BlockRows, Math.Min(count, (b + 1) * BlockRows));
            if (gradients is not null) gradients[b] = g!;
        }
        if (blocks == 1 || (long)count * p < 200_000)
            for (int b = 0; b < blocks; b++) Block(b);
        else
            Parallel.For(0, blocks, Block);

        double loss = 0;
        for (int b = 0; b < blocks; b++) loss += losses[b];
        if (withGradient)
        {
            gradient.Clear();
            for (int b = 0; b < blocks; b++) TensorPrimitives.Add(gradient, gradients![b], gradient);
            if (factor != 1) TensorPrimitives.Multiply(gradient, factor, gradient);
        }
        return factor * loss;
    }

    /// <summary>½Σ‖r‖² over rows [start, end) of the selection, adding the gradient into <paramref name="g"/> when given.</summary>
    /// <remarks>Pre-activations of the whole block are computed first so that φ runs vectorised over them.</remarks>
    private double SumRows(double[] theta, double[]? g, int[]? rows, int start, int end)
    {
        int d = Inputs, h = Hidden, k = Outputs, m = end - start;
        int outputOffset = h * (d + 1);
        var a = new double[m * h];
        var z = new double[m * h];
        var r = new double[k];
        var delta = new double[h];
        for (int t = 0; t < m; t++)
        {
            var x = _data.FeatureRow(rows is null ? start + t : rows[start + t]);
            var at = a.AsSpan(t * h, h);
            for (int j = 0; j < h; j++)
                at[j] = Small.Dot(theta.AsSpan(j * (d + 1), d), x) + theta[j * (d + 1) + d];
        }
        Activations.Apply(Activation, a, z);
        double loss = 0;
        for (int t = 0; t < m; t++)
        {
            int i = rows is null ? start + t : rows[start + t];
            var x = _data.FeatureRow(i);
            var y = _data.TargetRow(i);
            var zt = z.AsSpan(t * h, h);
            double rowLoss = 0;
            for (int o = 0; o < k; o++)
            {
                r[o] = Small.Dot(theta.AsSpan(outputOffset + o * (h + 1), h), zt) + theta[outputOffset + o * (h + 1) + h] - y[o];
                rowLoss += r[o] * r[o];
            }
            loss += 0.5 * rowLoss;
            if (g is null) continue;
            Array.Clear(delta);
            for (int o = 0; o < k; o++)
            {
                int block = outputOffset + o * (h + 1);
                Small.Axpy(r[o], zt, g.AsSpan(block, h));
                g[block + h] += r[o];
                Small.Axpy(r[o], theta.AsSpan(block, h), delta);
            }
            var at = a.AsSpan(t * h, h);
            for (int j = 0; j < h; j++)
            {
                double dj = delta[j] * Activations.Derivative(Activation, at[j], zt[j]);
                if (dj == 0) continue;
                Small.Axpy(dj, x, g.AsSpan(j * (d + 1), d));
                g[j * (d + 1) + d] += dj;
            }
        }
        return loss;
    }
}

/// <summary>Dot and axpy that skip the vectorised library call for the short rows of small networks.</summary>
internal static class Small
{
    private const int Threshold = 16;

    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length >= Threshold) return TensorPrimitives.Dot(a, b);
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>y += alpha·x.</summary>
    public static void Axpy(double alpha, ReadOnlySpan<double> x, Span<double> y)
    {
        if (x.Length >= Threshold) { TensorPrimitives.MultiplyAdd(x, alpha, y, y); return; }
        for (int i = 0; i < x.Length; i++) y[i] += alpha * x[i];
    }
}
