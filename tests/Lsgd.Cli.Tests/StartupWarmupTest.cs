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
            .Where(m => m.Method == "Narrow512").Select(m => m.TypeArguments![0][(m.TypeArguments[0].IndexOf('+') + 1)..])];
        Assert.Equal(["Three"], Narrow(10, 1));   // 12 columns
        Assert.Equal(["One"], Narrow(2, 1));      // 4
        Assert.Equal(["Four"], Narrow(14, 1));    // 16
        Assert.Equal(["Four", "Two"], Narrow(768, 20));   // 789 columns: 49 strips of 16, then 5 columns (two quads)
        Assert.DoesNotContain(StartupWarmup.Kernels(new StartupWarmup.Shape(false, 10, 1, false), 256), m => m.Method.Contains("512", StringComparison.Ordinal));
    }

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
