using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Lsgd.Cli.Binding;
using Lsgd.Curves;
using Lsgd.IO;
using Lsgd.Training;
using Spectre.Console;

namespace Lsgd.Cli.Commands;

/// <summary>
/// <c>lsgd curve DATA.csv --x COLUMN --y COLUMN --model EXPR --init NAME=VALUE,…</c>: fit a curve — a typed
/// non-linear model, a polynomial, user basis functions or Gaussian peaks — and report standard errors.
/// </summary>
internal static class CurveCommand
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static Command Create(CliContext context, Action<int> setExit)
    {
        var data = new Argument<string>("DATA.csv") { Description = "CSV file with a header row." };
        var x = new Option<string>("--x")
        {
            HelpName = "COLUMN[,COLUMN…]",
            Description = "The column of x (with --histogram: the samples). Several columns, comma-separated, are the variables of --model by their names, e.g. --x x1,x2 --model \"b1-b2*x1*exp(-b3*x2)\".",
            Required = true,
        };
        var y = new Option<string?>("--y") { HelpName = "COLUMN", Description = "The column of y (not with --histogram)." };
        var model = new Option<string?>("--model")
        {
            HelpName = "EXPR|poly:N|gauss:K",
            Description = "The model: an expression in x such as \"a*exp(b*x)+c\" (every other name is a parameter; functions " + string.Join(", ", Expression.FunctionNames) + "; constants pi, e), " +
                "poly:N (a polynomial of degree N, solved exactly), or gauss:K (K Gaussian peaks a1*exp(-(x-m1)^2/(2*s1^2)) + …, starts from the data).",
        };
        var degree = new Option<int?>("--degree") { HelpName = "N", Description = "Same as --model poly:N." };
        var basis = new Option<string?>("--basis") { HelpName = "F1,F2,…", Description = "Linear least squares on these functions of x, comma-separated, e.g. \"1,x,sin(x),exp(-x)\" (solved exactly)." };
        var init = new Option<string[]>("--init")
        {
            HelpName = "NAME=VALUE,…",
            Description = "Initial values NAME=VALUE, comma-separated or repeated, e.g. a=1,b=-0.5,c=0. Required for expressions; optional for gauss:K (given values replace the automatic ones).",
        };
        var method = ApplicationBinders.Curve[nameof(CurveFitOptions.Method)].Create<string?>();
        var maxIterations = new Option<int?>("--max-iterations") { HelpName = "N", Description = "Most iterations (lm default: automatic, on while the fit makes progress, up to 100000; gd: 200000)." };
        var tolerance = new Option<double?>("--tolerance")
        {
            HelpName = "T",
            Description = "lm: stop when a step lowers SSE by less than this fraction of it (default 1e-12); gd: the article's rule |ΔJ| < tolerance (default 1e-12).",
        };
        var histogram = new Option<int?>("--histogram") { HelpName = "BINS", Description = "Count the --x column into this many bins and fit the density (for --model gauss:K: a Gaussian mixture)." };
        var plot = new Option<string?>("--plot") { HelpName = "FILE.png", Description = "Draw the data, the fitted curve and the residuals to this PNG file (atomically)." };
        var csvFlags = new CsvFlags();
        var json = new Option<bool>("--json") { Description = "Print one JSON document instead of text." };
        var output = new Option<string?>("--output") { HelpName = "MODEL.json", Description = "Save the fitted curve (a --model expression or gauss:K) for 'lsgd predict MODEL.json DATA.csv' (atomically)." };

        var command = new Command("curve", "Fit a curve y = f(x; θ): a model you type, a polynomial, basis functions or Gaussian peaks; with standard errors.") { data };
        foreach (Option option in new Option[] { x, y, model, degree, basis, init, method, maxIterations, tolerance, histogram, plot, json, output })
            command.Add(option);
        csvFlags.AddTo(command);
        command.SetAction(parse =>
        {
            var columns = XColumns(parse.GetValue(x)!);
            var choice = CurveModelChoice.Parse(parse.GetValue(model), parse.GetValue(degree), parse.GetValue(basis), columns);
            var initItems = FitCommand.SplitList(parse.GetValue(init));
            string? methodName = parse.GetValue(method);
            if (choice.IsLinear && methodName is not null)
                throw new LsgdException($"--method applies to non-linear models; {choice.Kind} fits are linear least squares, solved exactly. Drop --method.");
            if (choice.IsLinear && initItems.Length > 0)
                throw new LsgdException($"--init is for non-linear models; {choice.Kind} fits are linear least squares, solved exactly, and need no start. Drop --init.");
            string? plotPath = parse.GetValue(plot);
            if (columns.Length > 1 && plotPath is not null)
                throw new LsgdException($"--plot draws the curve against one x, but --x names {columns.Length} columns ({string.Join(", ", columns)}). Drop --plot.");
            string? outputPath = parse.GetValue(output);
            if (outputPath is not null)
            {
                if (choice.IsLinear)
                    throw new LsgdException($"--output saves a curve fitted with --model EXPR or gauss:K; {choice.Kind} fits are not saved yet. Drop --output.");
                if (parse.GetValue(histogram) is not null)
                    throw new LsgdException("--output saves a curve of y against x columns; a --histogram fit has no y column to predict. Drop --output.");
                AtomicFile.CheckOutput(outputPath, parse.GetValue(data), plotPath);
            }
            var input = CurveInput.Read(parse.GetValue(data)!, columns, parse.GetValue(y), parse.GetValue(histogram), csvFlags.Read(parse));
            var options = Options(methodName, parse.GetValue(maxIterations), parse.GetValue(tolerance), choice.IsLinear);

            double[]? initial = null;
            CurveFit fit;
            if (choice.Degree is { } n)
            {
                if (n >= input.X.Length)
                    throw new LsgdException($"A polynomial of degree {n} has {n + 1} coefficients, more than the {input.X.Length} points of {input.Path}: use a degree of at most {input.X.Length - 1}, or more data.");
                fit = CurveFitter.Polynomial(input.X, input.Y, n);
            }
            else if (choice.Basis is { } functions)
                fit = CurveFitter.Basis(input.X, input.Y, functions);
            else
            {
                var nonlinear = choice.Model!;
                double[]? automatic = nonlinear is GaussianPeaks peaks ? peaks.InitialValues(input.X, input.Y) : null;
                initial = InitialValues(initItems, nonlinear, automatic);
                fit = context.WithProgress("fitting the curve", null, _ => CurveFitter.Fit(nonlinear, input.X, input.Y, initial, options, context.Cancellation));
            }
            var mixture = fit.Model is GaussianPeaks ? GaussianMixture.Describe(fit) : null;

            if (outputPath is not null)
                CurveModelFile.Save(outputPath, fit, columns, input.YName);
            if (plotPath is not null)
                Plots.CurvePlots.SaveFitAndResiduals(plotPath, input.X, input.Y, fit.Predict, Title(fit, input), input.XName, input.YName);
            if (parse.GetValue(json))
                context.WriteJson(Summary(fit, input, choice, initial, mixture, plotPath));
            else
                WriteText(context, fit, input, initial, mixture, plotPath);
            setExit(Cli.Ok);
        });
        return command;
    }

    private static CurveFitOptions? Options(string? method, int? maxIterations, double? tolerance, bool linear)
    {
        if (linear)
        {
            if (maxIterations is not null || tolerance is not null)
                throw new LsgdException("--max-iterations and --tolerance apply to non-linear models; polynomial and basis fits are solved exactly. Drop them.");
            return null;
        }
        var options = new CurveFitOptions();
        if (method is not null && ApplicationBinders.CurveMethods.Parse(method) == CurveFitMethod.GradientDescent)
        {
            var gd = options.GradientDescent;
            if (maxIterations is { } m) gd = gd with { MaxIterations = m };
            if (tolerance is { } t) gd = gd with { Tolerance = t };
            return options with { Method = CurveFitMethod.GradientDescent, GradientDescent = gd };
        }
        if (maxIterations is { } mi) options = options with { MaxIterations = mi };
        if (tolerance is { } ti) options = options with { Tolerance = ti };
        return options;
    }

    /// <summary>The --x columns: one, or several comma-separated (each then a variable of the model, by its name).</summary>
    private static string[] XColumns(string text)
    {
        if (!text.Contains(',', StringComparison.Ordinal)) return [text];
        var columns = text.Split(',', StringSplitOptions.TrimEntries);
        if (columns.Any(c => c.Length == 0))
            throw new LsgdException($"--x \"{text}\" has an empty column name. Name the columns separated by commas, e.g. --x x1,x2.");
        if (columns.Distinct(StringComparer.Ordinal).Count() != columns.Length)
            throw new LsgdException($"--x \"{text}\" names a column twice; name each once.");
        return columns;
    }

    /// <summary>θ₀ from NAME=VALUE items: every parameter needs one, unless <paramref name="automatic"/> supplies the rest.</summary>
    internal static double[] InitialValues(IReadOnlyList<string> items, ICurveModel model, double[]? automatic)
    {
        var names = model.ParameterNames;
        if (names.Count == 0)
            throw new LsgdException($"The model {model.Formula} has no parameters, so there is nothing to fit. Name at least one parameter, e.g. a*exp(x) (every name other than x is a parameter).");
        var given = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string item in items)
        {
            int eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
                throw new LsgdException($"--init '{item}' is not NAME=VALUE. Write e.g. --init {Example(names)}.");
            string name = item[..eq].Trim(), text = item[(eq + 1)..].Trim();
            if (!double.TryParse(text, NumberStyles.Float, C, out double value) || !double.IsFinite(value))
                throw new LsgdException($"--init {name}='{text}' is not a number. Use digits with '.' as the decimal point, e.g. {name}=0.5.");
            if (model.VariableNames.Contains(name))
                throw new LsgdException($"--init names '{name}', a variable of {model.Formula}, which comes from the data; give starts for its parameters instead, e.g. --init {Example(names)}.");
            if (!names.Contains(name))
                throw new LsgdException($"--init names '{name}', which is not a parameter of {model.Formula}; its parameters are {List(names)}.");
            if (!given.TryAdd(name, value))
                throw new LsgdException($"--init gives {name} twice; give each parameter once.");
        }
        var theta = new double[names.Count];
        var missing = new List<string>();
        for (int j = 0; j < names.Count; j++)
        {
            if (given.TryGetValue(names[j], out double v)) theta[j] = v;
            else if (automatic is not null) theta[j] = automatic[j];
            else missing.Add(names[j]);
        }
        if (missing.Count > 0)
            throw new LsgdException(given.Count == 0
                ? $"The parameters of {model.Formula} need initial values: add --init {Example(names)} with values near what you expect."
                : $"--init gives no value for {List(missing)}; every parameter of {model.Formula} needs a start, e.g. --init {Example(names)}.");
        return theta;
    }

    private static string Example(IReadOnlyList<string> names) => string.Join(",", names.Select(n => n + "=…"));

    private static string List(IReadOnlyList<string> names) =>
        names.Count == 1 ? names[0] : string.Join(", ", names.Take(names.Count - 1)) + " and " + names[^1];

    private static string MethodName(CurveFitMethod method) => ApplicationBinders.CurveMethods.Format(method);

    private static string Title(CurveFit fit, CurveInput input)
    {
        string formula = fit.Model.Formula;
        string values = string.Join(", ", fit.ParameterNames.Select((name, j) => string.Create(C, $"{name} = {fit.Parameters[j]:G4}")));
        string title = $"{input.YName} ~ {formula}";
        return title.Length + values.Length < 110 ? $"{title}   ({values})" : title;
    }

    private static JsonObject Summary(CurveFit fit, CurveInput input, CurveModelChoice choice, double[]? initial, GaussianMixtureFit? mixture, string? plotPath)
    {
        JsonObject PerParameter(Func<int, JsonNode?> value)
        {
            var o = new JsonObject();
            for (int j = 0; j < fit.ParameterNames.Count; j++) o[fit.ParameterNames[j]] = value(j);
            return o;
        }
        return new JsonObject
        {
            ["data"] = input.Path,
            ["rows"] = fit.Rows,
            ["x"] = input.XName,
            ["variables"] = fit.Model.VariableNames.Count > 1 ? Json.Strings([.. fit.Model.VariableNames]) : null,
            ["y"] = input.Histogram is null ? input.YName : null,
            ["histogram"] = input.Histogram is { } h ? new JsonObject
            {
                ["samples"] = h.SampleCount,
                ["bins"] = h.Counts.Count,
                ["bin_width"] = h.BinWidth,
            } : null,
            ["model"] = fit.Model.Formula,
            ["kind"] = choice.JsonKind,
            ["method"] = MethodName(fit.Method),
            ["parameters"] = PerParameter(j => Json.Number(fit.Parameters[j])),
            ["standard_errors"] = PerParameter(j => Json.Number(fit.StandardErrors[j])),
            ["confidence_intervals_95"] = PerParameter(j =>
            {
                var (lo, hi) = fit.ConfidenceInterval(j);
                return double.IsFinite(lo) ? Json.Numbers([lo, hi]) : null;
            }),
            ["initial"] = initial is null ? null : PerParameter(j => Json.Number(initial[j])),
            ["iterations"] = fit.Iterations,
            ["stop_reason"] = fit.StopReason?.ToSnakeCase(),
            ["converged"] = fit.Converged,
            ["stationarity"] = Json.Number(fit.Stationarity),
            ["message"] = Binders.Rewrite(fit.Message),
            ["sse"] = Json.Number(fit.ResidualSumOfSquares),
            ["residual_sd"] = Json.Number(fit.ResidualStandardDeviation),
            ["r_squared"] = Json.Number(fit.RSquared),
            ["degrees_of_freedom"] = fit.DegreesOfFreedom,
            ["condition_number"] = Json.Number(fit.ConditionNumber),
            ["components"] = mixture is null ? null : new JsonArray([.. mixture.Components.Select(c => (JsonNode?)new JsonObject
            {
                ["weight"] = Json.Number(c.Weight),
                ["mean"] = Json.Number(c.Mean),
                ["sd"] = Json.Number(c.StandardDeviation),
                ["weight_se"] = Json.Number(c.WeightError),
                ["mean_se"] = Json.Number(c.MeanError),
                ["sd_se"] = Json.Number(c.StandardDeviationError),
            })]),
            ["plot"] = plotPath,
        };
    }

    private static void WriteText(CliContext context, CurveFit fit, CurveInput input, double[]? initial, GaussianMixtureFit? mixture, string? plotPath)
    {
        var console = context.Console;
        string how = fit.Method switch
        {
            CurveFitMethod.LevenbergMarquardt => "Levenberg–Marquardt",
            CurveFitMethod.GradientDescent => "gradient descent (Armijo line search, scaled parameters)",
            _ => "exact linear least squares",
        };
        console.WriteLine($"Fitted {input.YName} ~ {fit.Model.Formula}");
        console.WriteLine($"to {fit.Rows} points of {input.Description}");
        console.WriteLine(initial is null
            ? $"by {how}."
            : $"by {how} from " + string.Join(", ", fit.ParameterNames.Select((n, j) => string.Create(C, $"{n} = {initial[j]:G4}"))) + ".");
        if (fit.StopReason is { } reason)
            console.WriteLine(string.Format(C, "Stopped after {0} ({1}): {2}", Text.Plural(fit.Iterations, "iteration"), reason.ToSnakeCase(), Binders.Rewrite(fit.Message)));
        else
            console.WriteLine(Binders.Rewrite(fit.Message));
        console.WriteLine();
        var table = new Table().AddColumns("parameter", "estimate", "std. error", "95 % interval");
        for (int j = 0; j < fit.ParameterNames.Count; j++)
        {
            var (lo, hi) = fit.ConfidenceInterval(j);
            table.AddRow(Markup.Escape(fit.ParameterNames[j]), G(fit.Parameters[j]), G(fit.StandardErrors[j]), Markup.Escape($"[{G(lo)}, {G(hi)}]"));
        }
        console.Write(table);
        console.WriteLine(string.Format(C, "SSE = {0}, residual SD = {1} on {2} degrees of freedom, R² = {3}, condition number {4:G3}.",
            G(fit.ResidualSumOfSquares), G(fit.ResidualStandardDeviation), fit.DegreesOfFreedom, G(fit.RSquared), fit.ConditionNumber));
        if (mixture is not null)
        {
            console.WriteLine();
            console.WriteLine("As a mixture (weight = area under each peak; the mixture weights when y is a density):");
            var components = new Table().AddColumns("component", "weight", "mean", "sd");
            for (int k = 0; k < mixture.Components.Count; k++)
            {
                var c = mixture.Components[k];
                components.AddRow((k + 1).ToString(C), $"{G(c.Weight)} ± {G(c.WeightError)}", $"{G(c.Mean)} ± {G(c.MeanError)}", $"{G(c.StandardDeviation)} ± {G(c.StandardDeviationError)}");
            }
            console.Write(components);
            console.WriteLine($"Total weight {G(mixture.TotalWeight)}.");
        }
        if (plotPath is not null)
            console.WriteLine($"Plot written to {plotPath}.");
    }

    private static string G(double v) => double.IsFinite(v) ? v.ToString("G7", C) : "—";

    /// <summary>The model asked for by --model, --degree or --basis.</summary>
    private sealed record CurveModelChoice(ICurveModel? Model, int? Degree, IReadOnlyList<Expression>? Basis, string Kind, string JsonKind)
    {
        public bool IsLinear => Degree is not null || Basis is not null;

        public static CurveModelChoice Parse(string? model, int? degree, string? basis, string[] columns)
        {
            int given = (model is null ? 0 : 1) + (degree is null ? 0 : 1) + (basis is null ? 0 : 1);
            if (given == 0)
                throw new LsgdException("No model: give --model \"a*exp(b*x)+c\" with --init a=1,b=-0.5,c=0, --model poly:N, --model gauss:K, or --basis \"1,x,sin(x)\".");
            if (given > 1)
                throw new LsgdException("Give one of --model, --degree and --basis, not several.");
            string text = model?.Trim() ?? "";
            bool several = columns.Length > 1;
            if (several && (degree is not null || basis is not null || text.StartsWith("poly:", StringComparison.Ordinal) || text.StartsWith("gauss:", StringComparison.Ordinal)))
                throw new LsgdException($"--x names {columns.Length} columns ({string.Join(", ", columns)}): only a --model expression takes several variables; polynomials, peaks and basis functions are in one x. Name one --x column, or write the model as an expression in {string.Join(", ", columns)}.");
            if (degree is { } d)
                return Polynomial(d);
            if (basis is not null)
                return new CurveModelChoice(null, null, ParseBasis(basis), "--basis", "basis");
            if (text.StartsWith("poly:", StringComparison.Ordinal))
                return Polynomial(Count(text, "poly", "a polynomial degree", "poly:2"));
            if (text.StartsWith("gauss:", StringComparison.Ordinal))
                return new CurveModelChoice(new GaussianPeaks(Count(text, "gauss", "a number of peaks", "gauss:2")), null, null, "gauss", "gaussian_peaks");
            Expression expression;
            try
            {
                expression = several ? Expression.Parse(model!, columns) : Expression.Parse(model!);
            }
            catch (ExpressionParseException e)
            {
                throw new LsgdException($"--model \"{model}\": {e.Reason}.", e);
            }
            catch (ArgumentException e)
            {
                throw new LsgdException($"--x: {e.Message.Split(" (Parameter", 2)[0]} Rename the column, e.g. in the CSV header.", e);
            }
            if (!several && !expression.UsesVariable)
                throw new LsgdException($"--model \"{model}\" does not use x, the variable (the --x column); every other name is a parameter. Write the model in x, e.g. a*exp(b*x)+c.");
            if (several && expression.UnusedVariables.Count > 0)
                throw new LsgdException($"--model \"{model}\" does not use {string.Join(" and ", expression.UnusedVariables)}, named by --x; every --x column is a variable of the model. " +
                    "Use it in the model, or drop it from --x.");
            return new CurveModelChoice(expression, null, null, "expression", "expression");
        }

        private static CurveModelChoice Polynomial(int degree)
        {
            if (degree < 1)
                throw new InvalidOptionException("degree", degree, "an integer >= 1", "Use 1 for a straight line, 2 for a parabola.");
            if (degree > Lsgd.Data.FeatureSpec.MaxDegree)
                throw new InvalidOptionException("degree", degree, $"an integer <= {Lsgd.Data.FeatureSpec.MaxDegree}", "A polynomial needs more points than coefficients; try a degree below 20.");
            return new CurveModelChoice(null, degree, null, "polynomial", "polynomial");
        }

        private static int Count(string text, string prefix, string what, string example)
        {
            string digits = text[(prefix.Length + 1)..];
            if (int.TryParse(digits, NumberStyles.None, C, out int n) && n >= 1)
                return n;
            throw new LsgdException($"--model {text} is not allowed: after '{prefix}:' comes {what} >= 1. Try {example}.");
        }

        /// <summary>Splits at the commas outside parentheses (pow(x, 2) is one function) and parses each function.</summary>
        private static Expression[] ParseBasis(string text)
        {
            var items = new List<string>();
            int depth = 0, start = 0;
            for (int i = 0; i <= text.Length; i++)
            {
                if (i < text.Length && text[i] == '(') depth++;
                else if (i < text.Length && text[i] == ')') depth--;
                else if (i == text.Length || text[i] == ',' && depth == 0)
                {
                    items.Add(text[start..i].Trim());
                    start = i + 1;
                }
            }
            var functions = new Expression[items.Count];
            for (int k = 0; k < items.Count; k++)
            {
                if (items[k].Length == 0)
                    throw new LsgdException($"--basis \"{text}\": item {k + 1} is empty. List functions of x separated by commas, e.g. 1,x,sin(x).");
                try
                {
                    functions[k] = Expression.Parse(items[k]);
                }
                catch (ExpressionParseException e)
                {
                    throw new LsgdException($"--basis item {k + 1} \"{items[k]}\": {e.Reason}.", e);
                }
            }
            return functions;
        }
    }

    /// <summary>The points to fit: two columns of a CSV file, or one column counted into a histogram.</summary>
    private sealed record CurveInput(string Path, double[] X, double[] Y, string XName, string YName, Histogram? Histogram, string Description)
    {
        public static CurveInput Read(string path, string[] xs, string? y, int? bins, CsvFormat separator)
        {
            string x = xs[0];
            if (bins is { } b)
            {
                if (xs.Length > 1)
                    throw new LsgdException($"--histogram counts one column into bins, but --x names {xs.Length}; name one.");
                if (y is not null)
                    throw new LsgdException($"--histogram counts the --x column ('{x}') into bins and fits their density; drop --y.");
                if (b < 1)
                    throw new LsgdException($"--histogram {b} is not allowed: it must be a number of bins >= 1. Try 50.");
                var samples = CsvReader.ReadColumns(path, [x], separator).Column(x);
                var histogram = Histogram.Of(samples, b);
                return new CurveInput(path, [.. histogram.Centres], [.. histogram.Densities], x, "density", histogram,
                    $"{path} (density of '{x}': {samples.Length} samples, {b} bins)");
            }
            if (y is null)
                throw new LsgdException("No y column: name it with --y, or use --histogram BINS to fit the density of the --x column.");
            if (xs.Contains(y))
                throw new LsgdException($"--x and --y both name '{y}'; choose different columns.");
            var table = CsvReader.ReadColumns(path, [.. xs, y], separator);
            if (xs.Length == 1)
                return new CurveInput(path, table.Column(x), table.Column(y), x, y, null, path);
            // Several variables: the points row-major (point i's values at i·k …), in the order of --x.
            var columns = xs.Select(table.Column).ToArray();
            var points = new double[table.Rows * xs.Length];
            for (int i = 0; i < table.Rows; i++)
                for (int v = 0; v < xs.Length; v++)
                    points[i * xs.Length + v] = columns[v][i];
            return new CurveInput(path, points, table.Column(y), string.Join(",", xs), y, null, path);
        }
    }
}
