using Lsgd.Estimators;

namespace Lsgd.Tests;

/// <summary>Library messages name options in back-quotes; a front end rewrites each reference to its own spelling.</summary>
public class OptionTextTest
{
    [Fact]
    public void NameAndSetWriteBackQuotedOptionNames()
    {
        Assert.Equal("`Penalty.L2`", OptionText.Name("Penalty.L2"));
        Assert.Equal("`Method = ConjugateGradient`", OptionText.Set("Method", SolverMethod.ConjugateGradient));
        Assert.Equal("`LearningRate = 0.25`", OptionText.Set("LearningRate", 0.25));
    }

    [Fact]
    public void RewriteGivesTheNameAndValueOfEachReference()
    {
        var seen = new List<(string, string?)>();
        string text = OptionText.Rewrite("Use `Method = Exact`, or lower `Penalty.L2`.", (name, value) =>
        {
            seen.Add((name, value));
            return name == "Method" ? $"--method {value!.ToLowerInvariant()}" : null;
        });
        Assert.Equal("Use --method exact, or lower `Penalty.L2`.", text);
        Assert.Equal([("Method", "Exact"), ("Penalty.L2", null)], seen);
        Assert.Equal(["Method", "Penalty.L2"], OptionText.References("Use `Method = Exact`, or lower `Penalty.L2`."));
    }

    [Fact]
    public void LibraryMessagesNameOptionsNotFlags()
    {
        var data = new Lsgd.Data.Dataset([1, 2, 3, 4], [1, 2, 3, 5], 4, 1);
        var options = new LinearRegressorOptions { Method = SolverMethod.Exact, Penalty = new Lsgd.Models.Penalty(0, 1) };
        var e = Assert.ThrowsAny<LsgdException>(() => { new LinearRegressor(options).Fit(data); });
        Assert.Equal(["Method", "Method"], OptionText.References(e.Message));
        Assert.DoesNotContain("--", e.Message);
    }
}
