using System.Globalization;
using System.Text;
using Lsgd.Curves;
using Xunit.Abstractions;

namespace Lsgd.Tests.Curves;

/// <summary>
/// NIST's whole StRD nonlinear regression suite (27 problems, both of NIST's starting points; certified by NIST,
/// https://www.itl.nist.gov/div898/strd/nls/nls_main.shtml) fitted by <see cref="CurveFitter.Fit"/> with its defaults:
/// correct digits (LRE) of every parameter, and whether the fit says converged. The table is written to the test
/// output (<c>dotnet test --filter NistNonlinearSuite --logger "console;verbosity=detailed"</c>).
/// </summary>
public class NistNonlinearSuiteTest(ITestOutputHelper output)
{
    internal sealed record Run(NistNonlinearSuite.Problem Problem, int Start, CurveFit Fit, double Digits)
    {
        /// <summary>The sum of squares is the certified one to 6 digits: the fit is at NIST's minimum.</summary>
        public bool AtMinimum => Math.Abs(Fit.ResidualSumOfSquares - Problem.CertifiedRss) <= 1e-6 * Problem.CertifiedRss;
    }

    private static readonly Lazy<Run[]> Runs = new(() =>
        [.. NistNonlinearSuite.Names.SelectMany(name => new[] { 1, 2 }.Select(start =>
        {
            var problem = NistNonlinearSuite.Load(name);
            var fit = CurveFitter.Fit(problem.Model, problem.X, problem.Y, problem.Start(start));
            return new Run(problem, start, fit, NistNonlinearSuite.Digits(problem, fit.Parameters));
        }))]);

    private void WriteTable(IEnumerable<Run> runs)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("problem    start  digits  converged  iterations  SSE/certified  stop");
        foreach (var r in runs)
            sb.AppendLine(string.Format(c, "{0,-10} {1,5}  {2,6:F1}  {3,-9}  {4,10}  {5,13:G6}  {6}",
                r.Problem.Name, r.Start, r.Digits, r.Fit.Converged, r.Fit.Iterations, r.Fit.ResidualSumOfSquares / r.Problem.CertifiedRss, r.Fit.StopReason));
        output.WriteLine(sb.ToString());
    }

    [Fact]
    public void DefaultsReachSixDigitsOfEveryParameterOnAtLeast52Of54Runs()
    {
        var runs = Runs.Value;
        WriteTable(runs);
        int good = runs.Count(r => r.Digits >= 6);
        output.WriteLine($"{good} of {runs.Length} runs with >= 6 correct digits in every parameter (issue 11's target: 52; measured 54)");
        Assert.True(good >= 52, $"{good} of {runs.Length}");
    }

    [Fact]
    public void NoRunSaysConvergedAwayFromNistsMinimum()
    {
        // Converged means stationary; on this suite every stationary point reached is NIST's certified minimum (BoxBOD's
        // first start stalls on a plateau and restarts from it). Lanczos1's residuals are at the data's rounding level
        // (certified SSE 1.4e-25): there the test of stationarity cannot pass, and the fit says not converged.
        var runs = Runs.Value;
        var wrong = runs.Where(r => r.Fit.Converged && !r.AtMinimum).Select(r => $"{r.Problem.Name} start {r.Start}: SSE/certified {r.Fit.ResidualSumOfSquares / r.Problem.CertifiedRss:G6}").ToArray();
        Assert.Empty(wrong);
        var notConverged = runs.Where(r => !r.Fit.Converged).Select(r => r.Problem.Name).Distinct().ToArray();
        Assert.Equal(["Lanczos1"], notConverged);
    }

    /// <summary>
    /// Correct digits (LRE) of the worst parameter from NIST's start 1 and start 2, pinned a little below what the
    /// defaults reach on every x64 vector path (measured with .NET 10 on an AVX-512 Xeon with AVX-512 on, with
    /// DOTNET_EnableAVX512=0 and with DOTNET_EnableAVX2=0: the paths round differently, and a path to the minimum that
    /// rounds differently can stop up to two digits apart; the table in the test output gives the exact figures).
    /// </summary>
    public static TheoryData<string, int, int> Pinned() => new()
    {
        { "Misra1a", 10, 8 },
        { "Chwirut2", 8, 9 },
        { "Chwirut1", 8, 8 },
        { "Lanczos3", 7, 7 },
        { "Gauss1", 10, 10 },
        { "Gauss2", 10, 9 },
        { "DanWood", 10, 10 },
        { "Misra1b", 9, 9 },
        { "Kirby2", 8, 8 },
        { "Hahn1", 6, 8 },
        { "Nelson", 7, 7 },
        { "MGH17", 8, 8 },
        { "Lanczos1", 10, 10 },
        { "Lanczos2", 8, 7 },
        { "Gauss3", 9, 10 },
        { "Misra1c", 10, 10 },
        { "Misra1d", 9, 11 },
        { "Roszman1", 8, 9 },
        { "ENSO", 6, 6 },
        { "MGH09", 7, 7 },
        { "Thurber", 8, 7 },
        { "BoxBOD", 9, 8 },
        { "Rat42", 10, 9 },
        { "MGH10", 9, 6 },
        { "Eckerle4", 9, 10 },
        { "Rat43", 7, 8 },
        { "Bennett5", 6, 8 },
    };

    [Theory]
    [MemberData(nameof(Pinned))]
    public void EachProblemKeepsItsDigitsFromBothStarts(string name, int start1, int start2)
    {
        var runs = Runs.Value.Where(r => r.Problem.Name == name).ToArray();
        Assert.True(runs[0].Digits >= start1, $"{name} start 1: {runs[0].Digits:F1} digits, {runs[0].Fit.Message}");
        Assert.True(runs[1].Digits >= start2, $"{name} start 2: {runs[1].Digits:F1} digits, {runs[1].Fit.Message}");
    }
}
