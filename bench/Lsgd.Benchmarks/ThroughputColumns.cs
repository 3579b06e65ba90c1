using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Lsgd.Benchmarks;

/// <summary>
/// Extra summary columns computed from the <b>median</b> time: "GB/s", the bytes a case reads per operation
/// divided by its median time, and "vs REFERENCE", that GB/s over the GB/s of a reference case (the STREAM
/// triad, or a read-only stream) with the same parameters in the same run.
/// </summary>
/// <param name="bytesPerOperation">Bytes one operation of a case moves, or null where it has no meaning.</param>
/// <param name="referenceMethod">The benchmark method whose GB/s is the reference (same parameters).</param>
/// <param name="relative">false: the GB/s column; true: the ratio-to-reference column.</param>
/// <param name="referenceName">How the reference is named in the column header ("triad", "read-only").</param>
public sealed class ThroughputColumn(Func<BenchmarkCase, double?> bytesPerOperation, string referenceMethod, bool relative, string referenceName = "triad") : IColumn
{
    public string Id => relative ? "Lsgd.Vs." + referenceMethod : "Lsgd.GBps";

    public string ColumnName => relative ? "vs " + referenceName : "GB/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => relative ? (referenceName == "triad" ? 1 : 2) : 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => relative
        ? $"GB/s of this case over GB/s of the {referenceName} case with the same parameters (same run, medians)"
        : "Bytes of data read per operation / median time (triad: 3 arrays × 8 bytes per element, as STREAM counts)";

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(benchmarkCase);
        double? gbs = GigabytesPerSecond(summary, benchmarkCase);
        if (gbs is null) return "-";
        if (!relative) return gbs.Value.ToString("F2", CultureInfo.InvariantCulture);
        var reference = summary.BenchmarksCases.FirstOrDefault(c =>
            c.Descriptor.WorkloadMethod.Name == referenceMethod &&
            c.Parameters.DisplayInfo == benchmarkCase.Parameters.DisplayInfo);
        double? refGbs = reference is null ? null : GigabytesPerSecond(summary, reference);
        return refGbs is > 0 ? (gbs.Value / refGbs.Value).ToString("F2", CultureInfo.InvariantCulture) : "-";
    }

    private double? GigabytesPerSecond(Summary summary, BenchmarkCase benchmarkCase)
    {
        double? bytes = bytesPerOperation(benchmarkCase);
        double? medianNs = summary[benchmarkCase]?.ResultStatistics?.Median;
        if (bytes is null || medianNs is not > 0) return null;
        return bytes.Value / medianNs.Value;   // bytes per nanosecond = GB/s
    }

    public override string ToString() => ColumnName;
}

/// <summary>
/// "Ratio of medians": this case's median time over its group baseline's median time, both from the same run.
/// BenchmarkDotNet's own Ratio column is the mean of per-iteration ratios; on a noisy shared machine the ratio of
/// medians is the steadier figure, and the one the results READMEs quote.
/// </summary>
public sealed class MedianRatioColumn : IColumn
{
    public string Id => "Lsgd.MedianRatio";

    public string ColumnName => "Ratio of medians";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => -1;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Median time of this case / median time of the baseline of its group (same run)";

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(benchmarkCase);
        var baseline = summary.GetBaseline(summary.GetLogicalGroupKey(benchmarkCase));
        double? mine = summary[benchmarkCase]?.ResultStatistics?.Median;
        double? theirs = baseline is null ? null : summary[baseline]?.ResultStatistics?.Median;
        return mine is > 0 && theirs is > 0
            ? (mine.Value / theirs.Value).ToString("G3", CultureInfo.InvariantCulture)
            : "-";
    }

    public override string ToString() => ColumnName;
}
