using System.Collections.Concurrent;
using System.Reflection;
using Lsgd.Internals;
using Lsgd.IO;

namespace Lsgd.Cli.Tests;

/// <summary>
/// The start-up warm-up of <c>lsgd fit</c> (<see cref="StartupWarmup"/>): it names kernels by reflection, so these tests
/// catch a kernel renamed or moved (the warm-up would otherwise only count a failure and stop compiling it), and check
/// that it starts only for <c>fit</c>, reads the shape from the .npy headers, and swallows its errors.
/// </summary>
public class StartupWarmupTest
{
    public static TheoryData<bool, int?, int?, bool> Shapes => new()
    {
        { false, 10, 1, false },     // tall: d + k + 1 = 12 columns of Z, one strip of three quads
        { false, 768, 20, false },   // the fine-tuning head: packed strips, several outputs
        { true, 768, 20, false },
        { true, 10, 1, true },
        { false, 100, 1, true },
        { false, 3, 1, false },      // one quad
        { false, 5, 2, false },      // two quads
        { false, 13, 2, false },     // 16 columns: four quads
        { false, null, null, false } // CSV or Parquet: the shape is not known before loading
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EveryKernelTheWarmUpNamesExistsAndCompilesAtEveryVectorWidth(bool singlePrecision, int? d, int? k, bool weighted)
    {
        var shape = new StartupWarmup.Shape(singlePrecision, d, k, weighted);
        foreach (int bits in new[] { 512, 256, 0 })
        {
            Assert.NotEmpty(StartupWarmup.Kernels(shape, bits));
            int before = StartupWarmup.FailuresSoFar().Count;
            StartupWarmup.Warm(shape, bits);
            Assert.Equal([], StartupWarmup.FailuresSoFar().Skip(before));
        }
    }

    [Fact]
    public void TheNarrowKernelsFollowTheColumnsOfThePanel()
    {
        static string[] Narrow(int d, int k) => [.. StartupWarmup.Kernels(new StartupWarmup.Shape(false, d, k, false), 512)
            .Where(m => m.Name == "Narrow512").Select(m => m.GetGenericArguments()[0].Name)];
        Assert.Equal(["Three"], Narrow(10, 1));   // 12 columns
        Assert.Equal(["One"], Narrow(2, 1));      // 4
        Assert.Equal(["Four"], Narrow(14, 1));    // 16
        Assert.Equal(["Four", "Two"], Narrow(768, 20));   // 789 columns: 49 strips of 16, then 5 columns (two quads)
        Assert.DoesNotContain(StartupWarmup.Kernels(new StartupWarmup.Shape(false, 10, 1, false), 256), m => m.Name.Contains("512", StringComparison.Ordinal));
    }

    /// <summary>
    /// The list against the dispatch: small real fits of the shape (<c>lsgd fit</c> in-process on .npy files: the default
    /// gradient descent, conjugate gradients and auto on narrow data, conjugate gradients on wider) record every kernel the core's selectors pick (the generic
    /// instantiations: narrow or wide statistics, quads, formed or given residuals, sweep widths; <see cref="EntryPoints.Record"/>),
    /// and each must be in the warm-up's list for that shape at this process's vector width. Run the tests with
    /// <c>DOTNET_EnableAVX512=0</c> (256 bits) and <c>DOTNET_EnableHWIntrinsic=0</c> (scalar) for the other widths.
    /// </summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void TheListHoldsEveryKernelTheDispatchPicksInARealFit(bool singlePrecision, int? d, int? k, bool weighted)
    {
        if (d is not { } features || k is not { } outputs) return;   // CSV or Parquet: no shape to fit here
        var shape = new StartupWarmup.Shape(singlePrecision, features, outputs, weighted);
        var list = StartupWarmup.Kernels(shape, StartupWarmup.VectorBits).ToHashSet();
        using var t = new TempFolder();
        bool narrow = features <= 16;
        int n = narrow ? 20_011 : features > 100 ? features + 37 : 3_001;   // narrow: several blocks and panels, and tails of each
        var random = new Random(features * 31 + outputs);
        var x = new double[n * features];
        var y = new double[n * outputs];
        for (int i = 0; i < x.Length; i++) x[i] = random.NextDouble() * 4 - 2;
        for (int i = 0; i < y.Length; i++) y[i] = x[i / outputs * features] + 0.5 * random.NextDouble();
        string xp = t.File("X.npy"), yp = t.File("Y.npy"), wp = t.File("w.npy");
        if (singlePrecision) NpyFile.Write(xp, Array.ConvertAll(x, v => (float)v), n, features);
        else NpyFile.Write(xp, x, n, features);
        NpyFile.Write(yp, y, n, outputs);
        NpyFile.Write(wp, Enumerable.Range(0, n).Select(i => 0.5 + i % 3).ToArray());
        string[] common = ["fit", "--features", xp, "--targets", yp, .. weighted ? ["--weights", wp] : Array.Empty<string>(), "--json"];
        var seen = new ConcurrentDictionary<MethodInfo, bool>();
        using (EntryPoints.Record(m => seen.TryAdd(m, true)))
        {
            // On wider data this small, auto and the exact reference solve by QR (seconds, and none of these kernels): there
            // conjugate gradients alone, with a small ridge, which skips the reference and leaves both passes as they are.
            string[][] methods = narrow ? [["--max-iterations", "10"], ["--method", "cg", "--max-iterations", "10"], ["--method", "auto"]] : [["--method", "cg", "--max-iterations", "10"]];
            foreach (string[] method in methods)
            {
                var result = CliRunner.Run([.. common, .. method, .. narrow ? Array.Empty<string>() : ["--l2", "0.001"]]);
                Assert.True(result.ExitCode == 0, result.Error);
            }
        }
        Assert.NotEmpty(seen.Keys);   // at least the goodness pass's sums
        Assert.Empty(seen.Keys.Where(m => !list.Contains(m)).Select(Describe));
    }

    private static string Describe(MethodInfo m) =>
        m.DeclaringType?.Name + "." + m.Name + (m.IsGenericMethod ? "<" + string.Join(", ", m.GetGenericArguments().Select(a => a.Name)) + ">" : "");

    [Fact]
    public void StartsOnlyForFitAndNotWhenSwitchedOff()
    {
        Assert.True(StartupWarmup.IsFit(["fit", "data.csv", "--target", "y"]));
        Assert.True(StartupWarmup.IsFit(["--verbose", "fit"]));
        Assert.False(StartupWarmup.IsFit(["demo"]));
        Assert.False(StartupWarmup.IsFit(["predict", "fit"]));
        Assert.False(StartupWarmup.IsFit([]));
        Assert.False(StartupWarmup.IsFit(["fit", "--help"]));
        Assert.Null(StartupWarmup.Start(["demo", "--json"], _ => null));
        Assert.Null(StartupWarmup.Start(["fit", "data.csv"], name => name == "LSGD_WARMUP" ? "0" : null));
    }

    [Fact]
    public void ReadsTheShapeFromTheNpyHeaders()
    {
        using var t = new TempFolder();
        string x = t.File("X.npy"), y = t.File("Y.npy");
        NpyFile.Write(x, new float[4 * 7], 4, 7);
        NpyFile.Write(y, new double[4 * 3], 4, 3);
        Assert.Equal(new StartupWarmup.Shape(true, 7, 3, false), StartupWarmup.ShapeOf(["fit", "--features", x, "--targets", y]));
        Assert.Equal(new StartupWarmup.Shape(true, 7, 3, true), StartupWarmup.ShapeOf(["fit", $"--features={x}", $"--targets:{y}", "--weights", "w.npy"]));
        Assert.Equal(new StartupWarmup.Shape(true, null, null, false), StartupWarmup.ShapeOf(["fit", "data.csv", "--target", "y", "--float32"]));
    }

    [Fact]
    public void SwallowsAndCountsItsErrorsAndSaysSoOnlyWhenAsked()
    {
        using var t = new TempFolder();
        int before = StartupWarmup.FailuresSoFar().Count;
        StartupWarmup.Run(["fit", "--features", t.File("missing.npy"), "--targets", t.File("missing-y.npy")]);   // no exception
        Assert.Single(StartupWarmup.FailuresSoFar().Skip(before));
        Assert.Null(StartupWarmup.DebugLine(_ => null));
        Assert.StartsWith("lsgd-warmup prepared=", StartupWarmup.DebugLine(name => name == "LSGD_WARMUP_DEBUG" ? "1" : null));
    }
}
