using System.Globalization;
using System.Text;

namespace Lsgd.Cli.Tests;

public class CurveCommandTest
{
    private static readonly string Example = Path.Combine(CliRunner.RepositoryRoot(), "examples", "02-curve-fitting");

    /// <summary>y = 5·e^(−0.3x) + 1 + N(0, 0.1²) at 200 points of [0, 20], seeded, as CSV.</summary>
    private static string DecayCsv(TempFolder folder)
    {
        var rng = new Random(42);
        var text = new StringBuilder("x,y\n");
        for (int i = 0; i < 200; i++)
        {
            double x = 20.0 * i / 199;
            double noise = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            text.Append(string.Create(CultureInfo.InvariantCulture, $"{x:R},{5 * Math.Exp(-0.3 * x) + 1 + 0.1 * noise:R}\n"));
        }
        return folder.File("decay.csv", text.ToString());
    }

    [Fact]
    public void JsonHasTheFieldsTheIssueAsksForAndRecoversTheDecay()
    {
        using var t = new TempFolder();
        var r = CliRunner.Run("curve", DecayCsv(t), "--x", "x", "--y", "y", "--model", "a*exp(b*x)+c", "--init", "a=1,b=-0.5,c=0", "--json");
        Assert.Equal(0, r.ExitCode);
        var j = r.Json;
        foreach (var field in new[] { "parameters", "standard_errors", "method", "iterations", "stop_reason", "residual_sd", "r_squared", "sse" })
            Assert.True(j.TryGetProperty(field, out _), $"missing {field}");
        Assert.Equal("lm", j.GetProperty("method").GetString());
        Assert.Equal("loss_change_below_tolerance", j.GetProperty("stop_reason").GetString());
        var truth = new Dictionary<string, double> { ["a"] = 5, ["b"] = -0.3, ["c"] = 1 };
        foreach (var (name, value) in truth)
        {
            double estimate = j.GetProperty("parameters").GetProperty(name).GetDouble();
            double se = j.GetProperty("standard_errors").GetProperty(name).GetDouble();
            Assert.True(Math.Abs(estimate - value) <= 3 * se, $"{name} = {estimate} ± {se}");
        }
    }

    [Fact]
    public void GradientDescentIsAvailableForComparison()
    {
        using var t = new TempFolder();
        var j = CliRunner.Run("curve", DecayCsv(t), "--x", "x", "--y", "y", "--model", "a*exp(b*x)+c", "--init", "a=1,b=-0.5,c=0", "--method", "gd", "--json").Json;
        Assert.Equal("gd", j.GetProperty("method").GetString());
        Assert.True(j.GetProperty("converged").GetBoolean());
        Assert.Equal(-0.3, j.GetProperty("parameters").GetProperty("b").GetDouble(), 1);
    }

    [Fact]
    public void Misra1aMatchesNistThroughTheCommandLine()
    {
        // NIST StRD Misra1a from start 1; certified b1 = 2.3894212918E+02, b2 = 5.5015643181E-04.
        using var t = new TempFolder();
        string csv = t.File("misra1a.csv", "x,y\n77.6,10.07\n114.9,14.73\n141.1,17.94\n190.8,23.93\n239.9,29.61\n289.0,35.18\n332.8,40.02\n" +
            "378.4,44.82\n434.8,50.76\n477.3,55.05\n536.8,61.01\n593.1,66.40\n689.1,75.47\n760.0,81.78\n");
        var j = CliRunner.Run("curve", csv, "--x", "x", "--y", "y", "--model", "b1*(1-exp(-b2*x))", "--init", "b1=500,b2=1e-4", "--json").Json;
        Assert.Equal(2.3894212918E+02, j.GetProperty("parameters").GetProperty("b1").GetDouble(), 6);
        Assert.Equal(5.5015643181E-04, j.GetProperty("parameters").GetProperty("b2").GetDouble(), 12);
        Assert.Equal(1.2455138894E-01, j.GetProperty("sse").GetDouble(), 10);
    }

    [Fact]
    public void PolynomialIsSolvedExactlyAndReportedInMonomialCoefficients()
    {
        var j = CliRunner.Run("curve", CliRunner.Nist("Pontius"), "--x", "x", "--y", "y", "--model", "poly:2", "--json").Json;
        Assert.Equal("exact", j.GetProperty("method").GetString());
        Assert.Equal(0, j.GetProperty("iterations").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, j.GetProperty("stop_reason").ValueKind);
        // NIST certified B0, B1, B2 (tests/data/nist/Pontius.json), to 9 significant digits.
        double[] beta = [0.673565789473684E-03, 0.732059160401003E-06, -0.316081871345029E-14];
        for (int k = 0; k < 3; k++)
        {
            double c = j.GetProperty("parameters").GetProperty($"c{k}").GetDouble();
            Assert.True(Math.Abs(c - beta[k]) <= 1e-9 * Math.Abs(beta[k]), $"c{k} = {c:R}");
        }
        var same = CliRunner.Run("curve", CliRunner.Nist("Pontius"), "--x", "x", "--y", "y", "--degree", "2", "--json").Json;
        Assert.Equal(j.GetProperty("parameters").ToString(), same.GetProperty("parameters").ToString());
    }

    [Fact]
    public void BasisFunctionsNameTheirCoefficients()
    {
        using var t = new TempFolder();
        var lines = Enumerable.Range(0, 25).Select(i => i * 0.4).Select(x => string.Create(CultureInfo.InvariantCulture, $"{x:R},{2 + 3 * Math.Sin(x) - Math.Pow(x, 2) / 4:R}"));
        string csv = t.File("basis.csv", "x,y\n" + string.Join("\n", lines) + "\n");
        var j = CliRunner.Run("curve", csv, "--x", "x", "--y", "y", "--basis", "1, sin(x), pow(x, 2)", "--json").Json;
        var p = j.GetProperty("parameters");
        Assert.Equal(2, p.GetProperty("1").GetDouble(), 9);
        Assert.Equal(3, p.GetProperty("sin(x)").GetDouble(), 9);
        Assert.Equal(-0.25, p.GetProperty("pow(x, 2)").GetDouble(), 9);
    }

    [Fact]
    public void ShippedMixtureExampleRecoversItsComponentsFromAHistogram()
    {
        // examples/02-curve-fitting/mixture.csv: 3000 samples of 0.3·N(−2, 0.5²) + 0.7·N(1, 0.8²) (generate.cs).
        var j = CliRunner.Run("curve", Path.Combine(Example, "mixture.csv"), "--x", "value", "--histogram", "40", "--model", "gauss:2", "--json").Json;
        var components = j.GetProperty("components");
        double[] means = [-2, 1], sds = [0.5, 0.8], weights = [0.3, 0.7];
        for (int k = 0; k < 2; k++)
        {
            var c = components[k];
            Assert.True(Math.Abs(c.GetProperty("mean").GetDouble() - means[k]) <= 3 * c.GetProperty("mean_se").GetDouble(), c.ToString());
            Assert.True(Math.Abs(c.GetProperty("sd").GetDouble() - sds[k]) <= 3 * c.GetProperty("sd_se").GetDouble(), c.ToString());
            Assert.True(Math.Abs(c.GetProperty("weight").GetDouble() - weights[k]) <= 3 * c.GetProperty("weight_se").GetDouble(), c.ToString());
        }
        Assert.Equal(40, j.GetProperty("histogram").GetProperty("bins").GetInt32());
    }

    [Fact]
    public void PlotIsWrittenAsAPng()
    {
        using var t = new TempFolder();
        string png = t.File("fit.png");
        var r = CliRunner.Run("curve", Path.Combine(Example, "decay.csv"), "--x", "x", "--y", "y", "--model", "a*exp(b*x)+c", "--init", "a=1,b=-0.5,c=0", "--plot", png);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains($"Plot written to {png}.", r.Output, StringComparison.Ordinal);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(png)[..4]);
        Assert.Single(Directory.GetFiles(t.Path));   // no temporary file left behind
    }

    public static TheoryData<string[], string> Mistakes() => new()
    {
        { ["--model", "a*exp(b*x)+", "--init", "a=1,b=-0.5"], "--model \"a*exp(b*x)+\": expected a number, a name or '(' at column 12 (end of input)." },
        { ["--model", "a*exp(b*x)+c", "--init", "a=1,b=-0.5,d=0"], "--init names 'd', which is not a parameter of a*exp(b*x)+c; its parameters are a, b and c." },
        { ["--model", "a*exp(b*x)+c", "--init", "a=1,b=-0.5"], "--init gives no value for c; every parameter of a*exp(b*x)+c needs a start, e.g. --init a=…,b=…,c=…." },
        { ["--model", "a*exp(b*x)+c"], "The parameters of a*exp(b*x)+c need initial values: add --init a=…,b=…,c=… with values near what you expect." },
        { ["--model", "a*exp(b*x)+c", "--init", "a:1"], "--init 'a:1' is not NAME=VALUE. Write e.g. --init a=…,b=…,c=…." },
        { ["--model", "a*exp(b*x)+c", "--init", "a=one"], "--init a='one' is not a number. Use digits with '.' as the decimal point, e.g. a=0.5." },
        { ["--model", "a*exp(b*x)+c", "--init", "a=1,a=2"], "--init gives a twice; give each parameter once." },
        { ["--model", "a*ep(b*x)"], "--model \"a*ep(b*x)\": unknown function 'ep' at column 3 (the functions are exp, log, sqrt, sin, cos, tanh, abs, pow, atan, asin, acos, atan2, tan, sinh, cosh, erf and log10; did you mean exp?)." },
        { ["--model", "a*exp(b*t)"], "--model \"a*exp(b*t)\" does not use x, the variable (the --x column); every other name is a parameter. Write the model in x, e.g. a*exp(b*x)+c." },
        { [], "No model: give --model \"a*exp(b*x)+c\" with --init a=1,b=-0.5,c=0, --model poly:N, --model gauss:K, or --basis \"1,x,sin(x)\"." },
        { ["--model", "poly:2", "--basis", "1,x"], "Give one of --model, --degree and --basis, not several." },
        { ["--model", "poly:2", "--init", "c0=1"], "--init is for non-linear models; polynomial fits are linear least squares, solved exactly, and need no start. Drop --init." },
        { ["--model", "poly:2", "--method", "gd"], "--method applies to non-linear models; polynomial fits are linear least squares, solved exactly. Drop --method." },
        { ["--model", "gauss:0"], "--model gauss:0 is not allowed: after 'gauss:' comes a number of peaks >= 1. Try gauss:2." },
        { ["--degree", "0"], "--degree 0 is not allowed: it must be an integer >= 1. Use 1 for a straight line, 2 for a parabola." },
        { ["--basis", "1,,x"], "--basis \"1,,x\": item 2 is empty. List functions of x separated by commas, e.g. 1,x,sin(x)." },
        { ["--basis", "1,sin(x"], "--basis item 2 \"sin(x\": expected ')' at column 6 (end of input) to close the '(' at column 4." },
        { ["--model", "a*exp(b*x)+c", "--init", "a=1,b=-0.5,c=0", "--max-iterations", "0"], "--max-iterations 0 is not allowed: it must be an integer >= 1. Try 500, or leave it unset for the automatic budget." },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void MistakeGetsOneLineAndExitCodeTwo(string[] flags, string expected)
    {
        using var t = new TempFolder();
        string csv = t.File("d.csv", "x,y\n0,6\n1,4.7\n2,3.7\n3,3\n4,2.5\n5,2.1\n");
        var r = CliRunner.Run(["curve", csv, "--x", "x", "--y", "y", .. flags]);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("lsgd: error: " + expected, r.Error.TrimEnd());
        Assert.Equal("", r.Output);
    }

    [Fact]
    public void SeveralXColumnsAreTheVariablesOfTheModelAndFitNistsNelson()
    {
        // NIST StRD Nelson (tests/data/nist-nls/Nelson.dat): log y = b1 − b2·x1·exp(−b3·x2), from NIST's start 1;
        // certified b1 = 2.5906836021, b2 = 5.6177717026E-09, b3 = −5.7701013174E-02, RSS 3.7976833176.
        using var t = new TempFolder();
        var csv = new StringBuilder("logy,x1,x2\n");
        foreach (string line in File.ReadAllLines(Path.Combine(CliRunner.RepositoryRoot(), "tests", "data", "nist-nls", "Nelson.dat")).Skip(60))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 3)
                csv.Append(string.Create(CultureInfo.InvariantCulture, $"{Math.Log(double.Parse(f[0], CultureInfo.InvariantCulture)):R},{f[1]},{f[2]}\n"));
        }
        var r = CliRunner.Run("curve", t.File("nelson.csv", csv.ToString()), "--x", "x1,x2", "--y", "logy", "--model", "b1-b2*x1*exp(-b3*x2)",
            "--init", "b1=2,b2=0.0001,b3=-0.01", "--json");
        Assert.Equal(0, r.ExitCode);
        var j = r.Json;
        Assert.Equal(128, j.GetProperty("rows").GetInt32());
        Assert.Equal(["x1", "x2"], j.GetProperty("variables").EnumerateArray().Select(v => v.GetString()));
        Assert.True(j.GetProperty("converged").GetBoolean());
        double Digits(string name, double certified) => -Math.Log10(Math.Abs(j.GetProperty("parameters").GetProperty(name).GetDouble() / certified - 1));
        Assert.True(Digits("b1", 2.5906836021) >= 7);
        Assert.True(Digits("b2", 5.6177717026E-09) >= 7);
        Assert.True(Digits("b3", -5.7701013174E-02) >= 7);
        Assert.True(Math.Abs(j.GetProperty("sse").GetDouble() / 3.7976833176 - 1) < 1e-9);
    }

    [Fact]
    public void ASavedCurvePredictsFromItsXColumnsByName()
    {
        // Fitted on columns t and u as the variables x1 and x2; predict reads t and u (in any order, other columns ignored).
        using var t = new TempFolder();
        var csv = new StringBuilder("y,t,u\n");
        for (int i = 0; i < 30; i++)
        {
            double a = i % 6, b = i / 6;
            csv.Append(string.Create(CultureInfo.InvariantCulture, $"{2 + 0.5 * a * Math.Exp(-0.3 * b) + 0.01 * Math.Sin(7 * i):R},{a},{b}\n"));
        }
        string model = t.File("curve.json");
        var fit = CliRunner.Run("curve", t.File("d.csv", csv.ToString()), "--x", "t,u", "--y", "y", "--model", "c + k*t*exp(-r*u)", "--init", "c=1,k=1,r=0.1", "--output", model, "--json");
        Assert.Equal(0, fit.ExitCode);
        var p = fit.Json.GetProperty("parameters");
        double c = p.GetProperty("c").GetDouble(), k = p.GetProperty("k").GetDouble(), r = p.GetProperty("r").GetDouble();
        var predicted = CliRunner.Run("predict", model, t.File("new.csv", "u,other,t\n0,9,1\n2,9,4\n"));
        Assert.Equal(0, predicted.ExitCode);
        var lines = predicted.Output.Trim().Split('\n');
        Assert.Equal("predicted_y", lines[0]);
        Assert.Equal(c + k * 1 * Math.Exp(-r * 0), double.Parse(lines[1], CultureInfo.InvariantCulture), 14);
        Assert.Equal(c + k * 4 * Math.Exp(-r * 2), double.Parse(lines[2], CultureInfo.InvariantCulture), 14);
        var refused = CliRunner.Run("predict", model, t.File("new.csv"), "--intervals", "confidence");
        Assert.Equal(2, refused.ExitCode);
    }

    public static TheoryData<string[], string> SeveralXMistakes() => new()
    {
        { ["--model", "b1-b2*x1", "--init", "b1=1,b2=1"], "--model \"b1-b2*x1\" does not use x2, named by --x; every --x column is a variable of the model. Use it in the model, or drop it from --x." },
        { ["--model", "poly:2"], "--x names 2 columns (x1, x2): only a --model expression takes several variables; polynomials, peaks and basis functions are in one x. Name one --x column, or write the model as an expression in x1, x2." },
        { ["--model", "a*x1+b*x2", "--init", "a=1,b=1", "--plot", "p.png"], "--plot draws the curve against one x, but --x names 2 columns (x1, x2). Drop --plot." },
        { ["--model", "a*x1+b*x2", "--init", "a=1,x1=2,b=1"], "--init names 'x1', a variable of a*x1+b*x2, which comes from the data; give starts for its parameters instead, e.g. --init a=…,b=…." },
    };

    [Theory]
    [MemberData(nameof(SeveralXMistakes))]
    public void SeveralXMistakeGetsOneLineAndExitCodeTwo(string[] flags, string expected)
    {
        using var t = new TempFolder();
        string csv = t.File("d.csv", "x1,x2,y\n0,1,6\n1,0,4.7\n2,2,3.7\n3,1,3\n4,0,2.5\n5,3,2.1\n");
        var r = CliRunner.Run(["curve", csv, "--x", "x1,x2", "--y", "y", .. flags]);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("lsgd: error: " + expected, r.Error.TrimEnd());
    }

    [Fact]
    public void HistogramWithAYColumnIsRefused()
    {
        var r = CliRunner.Run("curve", Path.Combine(Example, "mixture.csv"), "--x", "value", "--y", "value", "--histogram", "30", "--model", "gauss:2");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("lsgd: error: --histogram counts the --x column ('value') into bins and fits their density; drop --y.", r.Error.TrimEnd());
    }
}
