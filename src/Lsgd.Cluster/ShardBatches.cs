using Lsgd.Data;
using Lsgd.Engines;
using Lsgd.Models;

namespace Lsgd.Cluster;

/// <summary>
/// One shard's rows in memory (features already standardised) and its part of each synchronous mini-batch step.
/// </summary>
/// <remarks>
/// An epoch of a sharded mini-batch fit has T = ⌈N / B⌉ steps (N rows in all, B the batch size). Each shard
/// shuffles its n_s rows with a seed of its own (the epoch's seed and the shard's index) and gives step t the
/// rows at positions ⌊t·n_s/T⌋ … ⌊(t+1)·n_s/T⌋ − 1 of that order, so every step's batch holds each shard's share
/// (≈ B·n_s/N rows) and every row is used once per epoch. Step t's gradient is the sum of the shards' partial
/// sums, added in shard order from zero (<see cref="ShardSums"/>) — on one machine and on a cluster alike.
/// </remarks>
internal sealed class ShardRows(int index, double[] x, double[] y, int features, int outputs)
{
    private int[]? _order;
    private int _orderSeed;

    /// <summary>Rows held.</summary>
    public int Count { get; } = y.Length / Math.Max(outputs, 1);

    public int Features => features;

    /// <summary>Writes the shard's part of step <paramref name="step"/> (of <paramref name="steps"/> in the epoch seeded by <paramref name="seed"/>) into <paramref name="gradient"/> and returns Σ‖r‖² over it.</summary>
    public double Evaluate(ParameterLayout layout, int seed, long steps, long step, ReadOnlySpan<double> theta, Span<double> gradient)
    {
        gradient.Clear();
        var (start, count) = ShardSums.Part(Count, steps, step);
        return MiniBatchRows.Accumulate(layout, theta, gradient, x, y, Order(seed).AsSpan(start, count));
    }

    /// <summary>This epoch's order of the rows (the last one is kept: the steps of an epoch share it).</summary>
    private int[] Order(int seed)
    {
        if (_order is not null && _orderSeed == seed)
            return _order;
        var order = new int[Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        new Random(unchecked(seed * 1_000_003 + index)).Shuffle(order);
        (_order, _orderSeed) = (order, seed);
        return order;
    }
}

/// <summary>The arithmetic both sharded mini-batch sources share: the steps of an epoch, each shard's part, the sum in shard order.</summary>
internal static class ShardSums
{
    /// <summary>Steps per epoch: ⌈N / B⌉.</summary>
    public static long Steps(long rows, int batchSize) => (rows + batchSize - 1) / batchSize;

    /// <summary>Positions ⌊t·n/T⌋ … ⌊(t+1)·n/T⌋ − 1 of a shard of <paramref name="rows"/> rows, as (start, count).</summary>
    public static (int Start, int Count) Part(long rows, long steps, long step)
    {
        long a = (long)((Int128)step * rows / steps), b = (long)((Int128)(step + 1) * rows / steps);
        return ((int)a, (int)(b - a));
    }

    /// <summary>Rows of step <paramref name="step"/> over all shards.</summary>
    public static int BatchRows(IReadOnlyList<long> shardRows, long steps, long step)
    {
        int total = 0;
        foreach (long n in shardRows) total += Part(n, steps, step).Count;
        return total;
    }

    /// <summary>Adds one shard's partial gradient and Σ‖r‖² to the totals (called in shard order, totals starting at zero).</summary>
    public static void Add(Span<double> gradient, ReadOnlySpan<double> part, ref double sumOfSquares, double partSumOfSquares)
    {
        for (int i = 0; i < gradient.Length; i++) gradient[i] += part[i];
        sumOfSquares += partSumOfSquares;
    }

    /// <summary>The batches of one epoch, each evaluated by <paramref name="evaluate"/>(step, θ, gradient) → sum-form loss; steps without rows are skipped.</summary>
    public static IEnumerable<IMiniBatch> Epoch(IReadOnlyList<long> shardRows, int batchSize, Func<long, long, ReadOnlyMemory<double>, Memory<double>, double> evaluate)
    {
        long total = shardRows.Sum();
        long steps = Steps(total, batchSize);
        for (long t = 0; t < steps; t++)
        {
            int rows = BatchRows(shardRows, steps, t);
            if (rows > 0)
                yield return new Batch(rows, steps, t, evaluate);
        }
    }

    private sealed class Batch(int rows, long steps, long step, Func<long, long, ReadOnlyMemory<double>, Memory<double>, double> evaluate) : IMiniBatch
    {
        public int Rows => rows;

        public double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient)
        {
            var g = new double[gradient.Length];
            double loss = evaluate(steps, step, theta.ToArray(), g);
            g.CopyTo(gradient);
            return loss;
        }
    }
}

/// <summary>Mini-batches over shards read in this process: the arithmetic of a cluster fit, on one machine.</summary>
internal sealed class LocalShardBatches(ShardedData data, IReadOnlyList<long> shardRows, CancellationToken cancellationToken) : IMiniBatchSource
{
    private ShardRows[]? _rows;
    private Standardizer? _standardizer;

    public IEnumerable<IMiniBatch> Batches(ParameterLayout layout, Standardizer? standardizer, int batchSize, int seed)
    {
        if (_rows is null || !ReferenceEquals(_standardizer, standardizer))
        {
            double[]? means = standardizer is null ? null : [.. standardizer.Means], scales = standardizer is null ? null : [.. standardizer.Scales];
            _rows = [.. Enumerable.Range(0, data.ShardCount).Select(i => ShardReader.ReadRows(data.Job(i), means, scales, cancellationToken))];
            _standardizer = standardizer;
        }
        var rows = _rows;
        return ShardSums.Epoch(shardRows, batchSize, (steps, step, theta, gradient) =>
        {
            var part = new double[gradient.Length];
            double sumOfSquares = 0;
            for (int s = 0; s < rows.Length; s++)
            {
                if (ShardSums.Part(shardRows[s], steps, step).Count == 0) continue;
                double partSum = rows[s].Evaluate(layout, seed, steps, step, theta.Span, part);
                ShardSums.Add(gradient.Span, part, ref sumOfSquares, partSum);
            }
            return 0.5 * sumOfSquares;
        });
    }
}

/// <summary>
/// Mini-batches over shards held by a cluster's workers (<see cref="ClusterConnection.MiniBatches"/>): each step one
/// synchronous round through a coordinator that persists it, so a lost silo — a worker's or the coordinator's —
/// costs the step in progress, not the fit.
/// </summary>
public sealed class ClusterMiniBatches : IMiniBatchSource
{
    private readonly ClusterConnection _cluster;
    private readonly ShardedData _data;
    private readonly ClusterRun _run;
    private readonly CancellationToken _cancel;
    private readonly string _fit = Guid.NewGuid().ToString("N");
    private readonly HashSet<string> _startSilos = [];
    private long _step;
    private int _retries;

    internal ClusterMiniBatches(ClusterConnection cluster, ShardedData data, ClusterRun run, CancellationToken cancellationToken)
    {
        _cluster = cluster;
        _data = data;
        _run = run;
        _cancel = cancellationToken;
    }

    /// <summary>Steps run so far.</summary>
    public long Steps => _step;

    /// <inheritdoc />
    public IEnumerable<IMiniBatch> Batches(ParameterLayout layout, Standardizer? standardizer, int batchSize, int seed)
    {
        if (_startSilos.Count == 0)
            _startSilos.UnionWith(_cluster.LiveSilosAsync(_cancel).GetAwaiter().GetResult());
        var setup = new BatchSetup
        {
            Shards = [.. _data.Jobs],
            ShardRows = [.. _run.ShardRows],
            Means = standardizer is null ? null : [.. standardizer.Means],
            Scales = standardizer is null ? null : [.. standardizer.Scales],
            Features = layout.Features,
            Outputs = layout.Outputs,
            FitIntercept = layout.HasIntercept,
            RoundBudget = _cluster.RoundBudget,
        };
        var coordinator = _cluster.Coordinator(_fit);
        return ShardSums.Epoch(_run.ShardRows, batchSize, (steps, step, theta, gradient) =>
        {
            var request = new StepRequest { Step = _step, Seed = seed, Steps = steps, Part = step, Theta = theta.ToArray(), Setup = setup };
            var (answer, retries) = Task.Run(() => _cluster.StepAsync(coordinator, request, _cancel)).GetAwaiter().GetResult();
            _clientRetries += retries;
            _retries = answer.Retries + _clientRetries;
            _step++;
            answer.Gradient.CopyTo(gradient);
            return 0.5 * answer.SumOfSquares;
        });
    }

    private int _clientRetries;

    /// <summary>
    /// The run with this fit's steps, retries and lost silos added; lets the workers and the coordinator's state go.
    /// </summary>
    public async Task<ClusterRun> FinishAsync()
    {
        if (_step == 0)
            return _run;
        var end = await _cluster.LiveSilosAsync(_cancel).ConfigureAwait(false);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, _data.ShardCount).Select(i => _cluster.RowsWorker(_fit, i).Release())
                .Append(_cluster.Coordinator(_fit).Forget())).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or Orleans.Runtime.OrleansException)
        {
            // The result is in hand; idle workers are collected by Orleans in time.
        }
        return _run with { Retries = _run.Retries + _retries, LostSilos = _run.LostSilos + _startSilos.Count(s => !end.Contains(s)), Steps = _step };
    }
}
