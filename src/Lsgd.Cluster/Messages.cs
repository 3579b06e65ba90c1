using Lsgd.Data;
using Lsgd.Solvers;

namespace Lsgd.Cluster;

/// <summary>What a worker reads: one shard's file, its columns and CSV format.</summary>
[GenerateSerializer, Immutable]
internal sealed class ShardJob
{
    /// <summary>0-based position in merge order.</summary>
    [Id(0)] public int Index { get; init; }

    /// <summary>Absolute path, the same on every silo (shared storage).</summary>
    [Id(1)] public string Path { get; init; } = "";

    /// <summary>The path as the user wrote it, for messages.</summary>
    [Id(2)] public string DisplayPath { get; init; } = "";

    [Id(3)] public string[] Targets { get; init; } = [];

    [Id(4)] public string[] Features { get; init; } = [];

    [Id(5)] public char? Separator { get; init; }

    [Id(6)] public bool DecimalComma { get; init; }

    [Id(7)] public int Missing { get; init; }

    /// <summary>The targets' .npy file when <see cref="Path"/> is a features .npy file (an .npy pair); null otherwise.</summary>
    [Id(8)] public string? TargetsPath { get; init; }

    /// <summary>First 65 536-row chunk of a block shard of a large Parquet or .npy file.</summary>
    [Id(9)] public int FirstChunk { get; init; }

    /// <summary>Chunks of the block (0: the whole file is the shard).</summary>
    [Id(10)] public int Chunks { get; init; }

    /// <summary>A block of a large CSV file: the first byte after its header row (ids from 20: CSV blocks).</summary>
    [Id(20)] public long CsvHeaderEnd { get; init; }

    /// <summary>A block of a large CSV file: the first byte of its first row.</summary>
    [Id(21)] public long CsvStart { get; init; }

    /// <summary>A block of a large CSV file: one past its last byte (0: the whole file is the shard).</summary>
    [Id(22)] public long CsvEnd { get; init; }

    /// <summary>The block of a CSV file this shard is, or null.</summary>
    public Lsgd.IO.CsvBlock? CsvBlock => CsvEnd > 0 ? new(CsvHeaderEnd, CsvStart, CsvEnd) : null;

    /// <summary>The column of row weights (CSV and Parquet shards), or null for unweighted rows.</summary>
    [Id(11)] public string? Weights { get; init; }
}

/// <summary><see cref="SufficientStatistics"/> on the wire: every double as it is, so a round trip is bit for bit.</summary>
[GenerateSerializer, Immutable]
internal sealed class StatisticsMessage
{
    [Id(0)] public long Count { get; init; }
    [Id(1)] public double[] FeatureMeans { get; init; } = [];
    [Id(2)] public double[] TargetMeans { get; init; } = [];
    [Id(3)] public double[] FeatureScatter { get; init; } = [];
    [Id(4)] public double[] CrossScatter { get; init; } = [];
    [Id(5)] public double[] TargetScatter { get; init; } = [];
    [Id(6)] public string[] FeatureNames { get; init; } = [];
    [Id(7)] public string[] TargetNames { get; init; } = [];
    [Id(8)] public bool IsWeighted { get; init; }
    [Id(9)] public double WeightSum { get; init; }
    [Id(10)] public double SumOfLogWeights { get; init; }

    /// <summary>Every row read, weight zero included (Count: rows of positive weight).</summary>
    [Id(11)] public long RowsRead { get; init; }

    public static StatisticsMessage From(SufficientStatistics s) => new()
    {
        Count = s.Count,
        IsWeighted = s.IsWeighted,
        WeightSum = s.WeightSum,
        SumOfLogWeights = s.SumOfLogWeights,
        RowsRead = s.RowsRead,
        FeatureMeans = [.. s.FeatureMeans],
        TargetMeans = [.. s.TargetMeans],
        FeatureScatter = [.. s.FeatureScatter],
        CrossScatter = [.. s.CrossScatter],
        TargetScatter = [.. s.TargetScatter],
        FeatureNames = [.. s.FeatureNames],
        TargetNames = [.. s.TargetNames],
    };

    public SufficientStatistics ToStatistics() =>
        SufficientStatistics.FromParts(Count, FeatureMeans, TargetMeans, FeatureScatter, CrossScatter, TargetScatter, FeatureNames, TargetNames,
            IsWeighted, WeightSum, SumOfLogWeights, RowsRead);
}

/// <summary>A worker's answer to a poll: still reading, the statistics, or why the shard cannot be read.</summary>
[GenerateSerializer, Immutable]
internal sealed class ShardPoll
{
    [Id(0)] public StatisticsMessage? Statistics { get; init; }
    [Id(1)] public string? Error { get; init; }
    [Id(2)] public string Silo { get; init; } = "";

    /// <summary>The shard's piece of an exact solver's pass (<see cref="ShardPass.Run"/>), for a pass's poll.</summary>
    [Id(3)] public double[]? Piece { get; init; }
}

/// <summary>A <see cref="ShardPass"/> on the wire: every double as it is.</summary>
[GenerateSerializer, Immutable]
internal sealed class PassMessage
{
    /// <summary><see cref="ShardPassKind"/> as a number.</summary>
    [Id(0)] public int Kind { get; init; }
    [Id(1)] public bool FitIntercept { get; init; }
    [Id(2)] public double[] FeatureMeans { get; init; } = [];
    [Id(3)] public double[] TargetMeans { get; init; } = [];
    [Id(4)] public double WeightSum { get; init; }
    [Id(5)] public double[] Theta { get; init; } = [];

    public static PassMessage From(ShardPass pass) => new()
    {
        Kind = (int)pass.Kind,
        FitIntercept = pass.FitIntercept,
        FeatureMeans = [.. pass.FeatureMeans],
        TargetMeans = [.. pass.TargetMeans],
        WeightSum = pass.WeightSum,
        Theta = [.. pass.Theta],
    };

    public ShardPass ToPass() => (ShardPassKind)Kind == ShardPassKind.Factor
        ? ShardPass.Factor(FitIntercept, FeatureMeans, TargetMeans, WeightSum)
        : ShardPass.Residuals(FitIntercept, Theta);
}

/// <summary>A fit's plan, sent with every round (the coordinator keeps no plan of its own beyond its persisted state).</summary>
[GenerateSerializer, Immutable]
internal sealed class FitPlan
{
    [Id(0)] public ShardJob[] Shards { get; init; } = [];

    /// <summary>Workers tried per shard (each a new activation, placed anew) before a read error fails the fit.</summary>
    [Id(1)] public int MaxAttempts { get; init; } = 3;

    /// <summary>How long one round waits for the workers' answers before reporting progress (unanswered polls are retried next round).</summary>
    [Id(2)] public TimeSpan RoundBudget { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>An exact solver's pass over the shards instead of the statistics pass (null: the statistics).</summary>
    [Id(3)] public PassMessage? Pass { get; init; }
}

/// <summary>The coordinator's persisted state: after its silo dies, a new activation resumes from here.</summary>
[GenerateSerializer]
internal sealed class CoordinatorState
{
    /// <summary>Finished steps: rounds that recorded at least one finished shard; for a mini-batch fit, synchronous steps done.</summary>
    [Id(0)] public long Step { get; set; }

    /// <summary>A mini-batch fit's θ of the last finished step (unused by the statistics pass).</summary>
    [Id(1)] public double[]? Parameters { get; set; }

    /// <summary>Finished shards and their statistics.</summary>
    [Id(2)] public Dictionary<int, StatisticsMessage> Done { get; set; } = [];

    /// <summary>Failed attempts per shard.</summary>
    [Id(3)] public Dictionary<int, int> Attempts { get; set; } = [];

    /// <summary>Worker calls that failed or timed out and were retried.</summary>
    [Id(4)] public int Retries { get; set; }

    /// <summary>Why the fit failed, once it has.</summary>
    [Id(5)] public string? Error { get; set; }

    /// <summary>Silos that read each finished shard.</summary>
    [Id(6)] public Dictionary<int, string> ReadBy { get; set; } = [];

    /// <summary>A mini-batch fit's last finished step: its gradient sum (null before the first).</summary>
    [Id(7)] public double[]? Gradient { get; set; }

    /// <summary>A mini-batch fit's last finished step: its Σ‖r‖².</summary>
    [Id(8)] public double SumOfSquares { get; set; }

    /// <summary>An exact solver's pass: finished shards and their pieces.</summary>
    [Id(9)] public Dictionary<int, double[]> Pieces { get; set; } = [];
}

/// <summary>The coordinator's answer to a round.</summary>
[GenerateSerializer, Immutable]
internal sealed class RoundReport
{
    [Id(0)] public int Done { get; init; }
    [Id(1)] public int Total { get; init; }
    [Id(2)] public StatisticsMessage[]? Result { get; init; }
    [Id(3)] public string? Error { get; init; }
    [Id(4)] public string Silo { get; init; } = "";
    [Id(5)] public int Retries { get; init; }
    [Id(6)] public long Step { get; init; }
    [Id(7)] public string[] ReadBy { get; init; } = [];

    /// <summary>An exact solver's pass, once every shard has answered: their pieces in shard order.</summary>
    [Id(8)] public double[][]? Pieces { get; init; }
}

/// <summary>What a mini-batch fit's workers need besides θ: their shards, how to standardise, the parameter layout.</summary>
[GenerateSerializer, Immutable]
internal sealed class BatchSetup
{
    [Id(0)] public ShardJob[] Shards { get; init; } = [];

    /// <summary>Rows of each shard (from the statistics pass).</summary>
    [Id(1)] public long[] ShardRows { get; init; } = [];

    /// <summary>Standardiser means and scales (null: rows as they are).</summary>
    [Id(2)] public double[]? Means { get; init; }

    [Id(3)] public double[]? Scales { get; init; }

    [Id(4)] public int Features { get; init; }

    [Id(5)] public int Outputs { get; init; }

    [Id(6)] public bool FitIntercept { get; init; }

    /// <summary>How long the coordinator waits for the workers within one call before answering "not yet".</summary>
    [Id(7)] public TimeSpan RoundBudget { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>One synchronous mini-batch step: θ, and which part of which epoch.</summary>
[GenerateSerializer, Immutable]
internal sealed class StepRequest
{
    /// <summary>0-based index of the step in the whole fit (the coordinator's persisted state counts finished ones).</summary>
    [Id(0)] public long Step { get; init; }

    [Id(1)] public int Seed { get; init; }

    /// <summary>Steps in this epoch.</summary>
    [Id(2)] public long Steps { get; init; }

    /// <summary>This step's position in the epoch.</summary>
    [Id(3)] public long Part { get; init; }

    [Id(4)] public double[] Theta { get; init; } = [];

    [Id(5)] public BatchSetup Setup { get; init; } = new();
}

/// <summary>What a worker computes for one step: its shard's part of the batch at θ.</summary>
[GenerateSerializer, Immutable]
internal sealed class PartRequest
{
    [Id(0)] public ShardJob Job { get; init; } = new();
    [Id(1)] public double[]? Means { get; init; }
    [Id(2)] public double[]? Scales { get; init; }
    [Id(3)] public int Features { get; init; }
    [Id(4)] public int Outputs { get; init; }
    [Id(5)] public bool FitIntercept { get; init; }
    [Id(6)] public int Seed { get; init; }
    [Id(7)] public long Steps { get; init; }
    [Id(8)] public long Part { get; init; }
    [Id(9)] public double[] Theta { get; init; } = [];
}

/// <summary>A worker's (or the coordinator's) answer to a step: still loading, the sums, or why the shard cannot be read.</summary>
[GenerateSerializer, Immutable]
internal sealed class StepAnswer
{
    /// <summary>Gradient sum (sum form, −Σ r·[x, 1]); null while the rows are still loading.</summary>
    [Id(0)] public double[]? Gradient { get; init; }

    /// <summary>Σ‖r‖² over the rows.</summary>
    [Id(1)] public double SumOfSquares { get; init; }

    [Id(2)] public string? Error { get; init; }

    [Id(3)] public string Silo { get; init; } = "";

    /// <summary>Calls retried so far (coordinator's answers).</summary>
    [Id(4)] public int Retries { get; init; }
}
