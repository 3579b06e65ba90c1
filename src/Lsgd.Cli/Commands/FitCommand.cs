using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Lsgd.Cli.Binding;
using Lsgd.Data;
using Lsgd.Estimators;
using Lsgd.Formulas;
using Lsgd.IO;
using Lsgd.Models;
using Lsgd.Training;
using Spectre.Console;

namespace Lsgd.Cli.Commands;

/// <summary><c>lsgd fit DATA.csv --target COLUMN</c>: fit a linear (or polynomial) least-squares model.</summary>
internal static class FitCommand
{
    public static Command Create(CliContext context, Action<int> setExit)
    {
        var data = new Argument<string[]>("DATA.csv")
        {
            Description = "CSV (header row required) or Parquet file. Omit it with --features X.npy --targets Y.npy. Several files, or a quoted glob, are shards (see --cluster).",
            Arity = System.CommandLine.ArgumentArity.ZeroOrMore,
        };
        var target = new Option<string[]>("--target", "-t", "--targets")
        {
            Description = "Column(s) to predict (repeat or separate with commas for several outputs), or Y.npy (n or n × k). Required unless --formula is given.",
            AllowMultipleArgumentsPerToken = false,
        };
        var features = new Option<string[]>("--features", "-f")
        {
            Description = "Feature columns (comma-separated or repeated; default: every other numeric column), or X.npy (n × d, float32 or float64).",
        };
        var formula = new Option<string?>("--formula")
        {
            Description = "A model formula instead of --target/--features, as in R and patsy: \"y ~ x1 * x2 + C(region) + I(x3^2) + log(x4) + poly(x5, 2)\" (text columns are categories; - 1 drops the intercept).",
        };
        var regressor = LinearRegressorBinder.Table;
        var engine = regressor[nameof(LinearRegressorOptions.Engine)].Create<string>();
        var memory = new Option<string>("--memory") { Description = "Data files larger than this are streamed instead of loaded (e.g. 512MB, 2GB).", DefaultValueFactory = _ => "2GB" };
        var float32 = new Option<bool>("--float32") { Description = "Keep features in single precision (half the memory and bandwidth; sums stay double)." };
        var degree = ApplicationBinders.FeatureSpec[nameof(FeatureSpec.Degree)].Create<int>();
        var method = regressor[nameof(LinearRegressorOptions.Method)].Create<string>();
        var gd = new GradientDescentFlags();
        var penalty = new CrossValidationFlags();
        var validationFraction = regressor[nameof(LinearRegressorOptions.ValidationFraction)].Create<double>();
        var noStandardize = regressor[nameof(LinearRegressorOptions.Standardize)].Create<bool>();
        var noIntercept = regressor[nameof(LinearRegressorOptions.FitIntercept)].Create<bool>();
        var output = new Option<string?>("--output", "-o") { Description = "Write the fitted model to this JSON file (atomically)." };
        var csvFlags = new CsvFlags();
        var threads = regressor[nameof(LinearRegressorOptions.MaxThreads)].Create<int?>();
        var json = new Option<bool>("--json") { Description = "Print one JSON document instead of text." };
        var repeat = ApplicationBinders.Fit["repeat"].Create<int>();
        var influence = new Option<string?>("--influence") { Description = "Write each row's leverage, studentized residuals, Cook's distance and DFFITS to this CSV file (statsmodels' OLSInfluence)." };
        var test = new Option<string?>("--test") { Description = "Wald F test of linear restrictions on the coefficients, e.g. \"x1 = x2, x3 = 0\" (statsmodels' f_test)." };
        var cluster = ShardedFit.ClusterOption();
        var tls = TlsFlags.Certificate();
        var tlsPassword = TlsFlags.Password();
        var covType = regressor[nameof(LinearRegressorOptions.Covariance)].Create<string>();
        var weights = ApplicationBinders.Fit["weights"].Create<string?>();

        var command = new Command("fit", "Fit a least-squares model to a CSV file by gradient descent (or exactly).") { data };
        command.Add(target);
        command.Add(features);
        command.Add(formula);
        command.Add(weights);
        command.Add(degree);
        command.Add(method);
        gd.AddTo(command);
        penalty.AddTo(command);
        command.Add(validationFraction);
        command.Add(noStandardize);
        command.Add(noIntercept);
        command.Add(output);
        csvFlags.AddTo(command);
        command.Add(engine);
        command.Add(memory);
        command.Add(float32);
        command.Add(threads);
        command.Add(json);
        command.Add(repeat);
        command.Add(influence);
        command.Add(test);
        command.Add(cluster);
        command.Add(tls);
        command.Add(tlsPassword);
        command.Add(covType);
        command.Validators.Add(result =>
        {
            if (result.GetResult(target) is null && result.GetResult(formula) is null)
                result.AddError("Option '--target' is required.");
        });
        command.SetAction(parse =>
        {
            string[] paths = parse.GetValue(data) ?? [];
            // DATA takes several files, so a mistyped flag would otherwise be read as one more file (a shard).
            if (paths.FirstOrDefault(p => p.StartsWith('-') && !File.Exists(p)) is { } unknown)
                throw new LsgdException($"'{unknown}' is not an option of lsgd fit (nor a file). See `lsgd fit --help` for the options.");
            var targets = SplitList(parse.GetValue(target));
            var featureList = SplitList(parse.GetValue(features));
            int deg = parse.GetValue(degree);
            if (deg < 1)
                throw new InvalidOptionException("degree", deg, "an integer >= 1", "Use 1 for a straight line, 2 for a parabola.");
            string? weightColumn = parse.GetValue(weights);
            // Several files, a glob or --cluster: shards, read here or on a cluster (ClusterCommand.cs).
            var sharded = ShardedFit.Resolve(paths, parse.GetValue(cluster), parse.GetValue(tls), parse.GetValue(tlsPassword), targets, featureList, deg, csvFlags.Read(parse), weightColumn);
            string? path = sharded is null ? paths.FirstOrDefault() : null;
            var engineKind = LinearRegressorBinder.Engine.Parse(parse.GetValue(engine)!);
            if (parse.GetValue(output) is { } outputPath)
                AtomicFile.CheckOutput(outputPath, [.. paths, .. targets, .. featureList, weightColumn]);   // before a long fit, not after
            if (parse.GetValue(influence) is { } influencePath)
                AtomicFile.CheckOutput(influencePath, [.. paths, .. targets, .. featureList, parse.GetValue(output)]);
            var loadClock = System.Diagnostics.Stopwatch.StartNew();
            var (covarianceKind, clusterColumn) = CovarianceFlag.Parse(parse.GetValue(covType)!);
            var csvFormat = csvFlags.Read(parse);
            if (clusterColumn is not null && featureList.Length == 0 && path is not null && !path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) && File.Exists(path))
                // The cluster column labels rows; it is not a default feature.
                featureList = [.. CsvReader.NumericColumns(path, csvFormat).Where(c => c != clusterColumn && c != weightColumn && !targets.Contains(c))];
            var model = parse.GetValue(formula) is { } formulaText ? Formula.Parse(formulaText) : null;
            if (model is not null && parse.GetResult(noIntercept) is { Implicit: false })
                throw new LsgdException("--no-intercept does not combine with --formula: write \"- 1\" in the formula (y ~ x - 1) to drop the intercept.");
            if (model is not null && sharded is not null)
                throw new LsgdException("--formula reads one CSV file in memory; several files, a glob or --cluster give shards of numeric columns. Fit one file with --formula, or name --target and --features for the shards.");
            var input = sharded is not null ? new FitInput(null, null, new FeatureSpec([], 1), sharded.Description) : FitInput.Resolve(path, targets, featureList, deg, csvFormat, parse.GetValue(float32),
                FitInput.ParseMemory(parse.GetValue(memory)!), engineKind, model, weightColumn);
            var covariance = CovarianceFlag.Resolve(covarianceKind, clusterColumn, path, input, csvFormat);
            double loadSeconds = loadClock.Elapsed.TotalSeconds;
            var spec = input.Spec;
            FitDiagnostics.CheckRestrictions(parse.GetValue(test), spec.FeatureNames, input.Encoding?.HasIntercept ?? !parse.GetValue(noIntercept));
            // Without --method, a flag of the gradient-descent family (the article's |ΔJ| rule --tolerance, an optimizer,
            // mini-batches, a learning rate, a schedule or the line search) asks for gradient descent, as before.
            bool articleRule = parse.GetResult(method) is null or { Implicit: true } && gd.AskedForGradientDescent(parse);
            var (fixedPenalty, crossValidation) = penalty.Read(parse);
            if (crossValidation is not null && sharded is not null)
                throw new LsgdException("Cross-validation (cv) needs the rows of each fold in memory; shards give their statistics only. Fit one file, or give the penalty as a number.");
            if (crossValidation is not null && input.Data is null)
                throw new LsgdException($"Cross-validation (cv) needs the rows in memory, and {input.Description} is streamed (larger than --memory {parse.GetValue(memory)}). Raise --memory, or give the penalty as a number.");
            var options = new LinearRegressorOptions
            {
                Method = articleRule ? SolverMethod.GradientDescent : LinearRegressorBinder.Method.Parse(parse.GetValue(method)!),
                Penalty = fixedPenalty,
                ValidationFraction = parse.GetValue(validationFraction),
                FitIntercept = input.Encoding?.HasIntercept ?? !parse.GetValue(noIntercept),
                Standardize = !parse.GetValue(noStandardize),
                GradientDescent = gd.Read(parse, rows: input.Data?.Rows ?? input.Source?.RowCount),
                MaxThreads = parse.GetValue(threads),
                Engine = engineKind,
                Covariance = covariance,
            };
            string? modelPath = parse.GetValue(output);
            int repeats = parse.GetValue(repeat);
            if (repeats < 1)
                throw new InvalidOptionException("repeat", repeats, "an integer >= 1", "Use 1 for a single fit, or 3–5 to time repeated fits.");
            var runSeconds = new double[repeats];
            LinearFit fit = null!;
            CrossValidationPath? cvPath = null;
            for (int r = 0; r < repeats; r++)
            {
                var fitClock = System.Diagnostics.Stopwatch.StartNew();
                if (sharded is not null)
                    fit = sharded.Fit(context, options);
                else if (crossValidation is not null)
                    (fit, cvPath) = context.WithProgress("cross-validating", null, _ => RunCrossValidation(context, options, crossValidation, input));
                else
                    fit = Run(context, options, input);
                runSeconds[r] = fitClock.Elapsed.TotalSeconds;
                StageTimes.Mark($"fit-{r + 1}-end");   // LSGD_STAGES: the rest of this fit, and where one fit ends
            }
            double fitSeconds = Median(runSeconds);
            if (sharded is not null)
                spec = ShardedFit.Spec(fit);
            var summary = Summary(fit, spec, input.Description, weightColumn);
            StageTimes.Mark("summary");
            if (cvPath is not null) summary["cv"] = CrossValidationFlags.ToJson(cvPath);
            var diagnostics = context.WithProgress("computing the statistics", null, _ => FitDiagnostics.Compute(fit, input, parse.GetValue(test), parse.GetValue(influence),
                csvFormat.Separator is { } given && !(csvFormat.DecimalComma && given == ',') ? given : csvFormat.DecimalComma ? ';' : ',', modelPath is not null));
            diagnostics.AddTo(summary, fit.Model.Outputs > 1);
            StageTimes.Mark("diagnostics");
            summary["influence_file"] = parse.GetValue(influence);
            if (input.Encoding is { } encoding)
                summary["formula"] = encoding.Formula.Text;
            summary["text_columns_left_out"] = Json.Strings(input.LeftOut);
            if (modelPath is not null)
            {
                var training = Summary(fit, spec, input.Description, weightColumn, written: false);
                if (cvPath is not null) training["cv"] = CrossValidationFlags.ToJson(cvPath);
                new ModelFile(fit.Model, spec, fit.Standardization, training) { Converged = fit.Converged, Covariance = diagnostics.Covariance, Formula = input.Encoding }.Save(modelPath);
            }
            sharded?.AddTo(summary);
            summary["model_file"] = modelPath;
            summary["load_seconds"] = loadSeconds;
            summary["fit_seconds"] = fitSeconds;
            if (repeats > 1)
                summary["fit_seconds_runs"] = new JsonArray([.. runSeconds.Select(v => (JsonNode)v)]);
            if (parse.GetValue(json))
                context.WriteJson(summary);
            else
            {
                if (input.LeftOut.Count > 0)
                    context.Error.WriteLine($"lsgd: warning: {path}: {string.Join(", ", input.LeftOut.Select(c => $"'{c}'"))} {(input.LeftOut.Count == 1 ? "is a text column" : "are text columns")} (no number in the first {CsvReader.RowsToInspect} rows), " +
                        $"left out of the default features. To use {(input.LeftOut.Count == 1 ? "it" : "them")} as categories, fit with --formula \"{FormulaName(targets[0])} ~ {string.Join(" + ", input.Spec.Inputs.Concat(input.LeftOut).Select(FormulaName))}\"; " +
                        "to silence this, name the features with --features.");
                WarnIfAliased(context, fit);
                WriteText(context, fit, input.Description, modelPath, weightColumn);
                if (cvPath is not null) CrossValidationFlags.WriteText(context, cvPath);
                diagnostics.WriteText(context, fit);
                if (sharded?.TextLine() is { } clusterLine)
                    context.Console.WriteLine(clusterLine);
            }
            StageTimes.Mark("output");
            StageTimes.WriteTo(context.Error);   // LSGD_STAGES (a development hook): each stage's wall and CPU seconds; nothing otherwise
            setExit(Cli.Ok);
        });
        return command;
    }

    /// <summary>A column as a formula names it: as is when it is a plain name, else Q("name").</summary>
    private static string FormulaName(string column) =>
        column.Length > 0 && (char.IsLetter(column[0]) || column[0] == '_') && column.All(c => char.IsLetterOrDigit(c) || c is '_' or '.') ? column : $"Q(\"{column}\")";

    /// <summary>On a rank-deficient design, names the coefficients that are not estimable (stderr; with --json the summary's rank and aliased say it).</summary>
    private static void WarnIfAliased(CliContext context, LinearFit fit)
    {
        if (fit.Exact is not { Aliased.Count: > 0 } exact) return;
        context.Error.WriteLine($"lsgd: warning: the columns are linearly dependent (rank {exact.Rank} of {fit.Model.Layout.BlockSize} parameters): " +
            $"{string.Join(", ", exact.Aliased.Select(a => $"'{a}'"))} are aliased, so their coefficients are the minimum-norm ones and have no standard error. " +
            "Drop a column of each dependent group (a constant, a duplicate, a dummy for every category) to estimate the others.");
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        int h = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[h] : 0.5 * (sorted[h - 1] + sorted[h]);
    }

    /// <summary>"a,b" and repeated flags both give [a, b].</summary>
    internal static string[] SplitList(string[]? values) =>
        values is null ? [] : [.. values.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))];

    /// <summary>λ by cross-validation (<c>--l1 cv</c>, <c>--l2 cv</c>), then the fit on all rows at it.</summary>
    private static (LinearFit, CrossValidationPath) RunCrossValidation(CliContext context, LinearRegressorOptions options, CrossValidationOptions crossValidation, FitInput input)
    {
        var result = new CrossValidatedRegressor(options, crossValidation).Fit(input.Data!, null, context.Cancellation);
        return (result.Fit, result.Path);
    }

    private static LinearFit Run(CliContext context, LinearRegressorOptions options, FitInput input)
    {
        var regressor = new LinearRegressor(options);
        LinearFit Fit(IProgress<TrainingProgress>? progress) => input.Data is { } data
            ? regressor.Fit(data, progress, context.Cancellation)
            : regressor.Fit(input.Source!, progress, context.Cancellation);
        // Iterative methods: a bar of iterations; the exact solver and the statistics pass: a spinner with the time spent.
        bool iterative = options.Method != SolverMethod.Exact;
        return context.WithProgress(iterative ? "fitting" : $"fitting exactly ({input.Description})", iterative ? options.GradientDescent.MaxIterations : null,
            line => Fit(line.As<TrainingProgress>((l, p) => l.Report(p.Iteration, description: string.Format(CultureInfo.InvariantCulture, "fitting  J = {0:G6}", p.Loss)))));
    }

    /// <summary>
    /// The fit as JSON: for standard output, long arrays as text written once on every core (<see cref="Json.NumberArray"/>);
    /// with <paramref name="written"/> false, plain nodes throughout (a model file's training summary, written with its own options).
    /// </summary>
    private static JsonObject Summary(LinearFit fit, FeatureSpec spec, string path, string? weights, bool written = true)
    {
        var m = fit.Model;
        bool multi = m.Outputs > 1;
        JsonNode? PerOutput(Func<int, JsonNode?> f) =>
            multi ? new JsonArray([.. Enumerable.Range(0, m.Outputs).Select(f)]) : f(0);
        JsonNode? Arrays(Func<int, double[]> values) =>
            written ? Json.PerOutput(m.Outputs, multi, i => Json.NumberArray(values(i))) : PerOutput(i => Json.Numbers(values(i)));
        var exact = fit.Exact;
        var report = fit.Report;
        var opt = fit.Optimality;
        var o = fit.Options;
        return new JsonObject
        {
            ["data"] = path,
            ["rows"] = fit.Rows,
            ["weights"] = weights,
            ["observations"] = report is null ? null : report[0].Observations,
            ["method"] = MethodName(fit.Method),
            ["method_choice"] = fit.MethodChoice,
            ["optimizer"] = fit.Training?.Optimizer,
            ["targets"] = Json.Strings(m.TargetNames),
            ["features"] = Json.Strings(m.FeatureNames),
            ["degree"] = spec.Degree,
            ["fit_intercept"] = m.HasIntercept,
            ["intercept"] = PerOutput(i => m.HasIntercept ? Json.Number(m.Intercept(i)) : null),
            ["coefficients"] = Arrays(i => m.Coefficients(i).ToArray()),
            ["iterations"] = fit.Training?.Iterations ?? 0,
            ["steps"] = fit.Training?.Steps ?? 0,
            ["loss"] = Json.Number(fit.Loss),
            ["loss_scaling"] = GradientDescentBinder.Loss.Format(o.GradientDescent.LossScaling),
            ["r_squared"] = PerOutput(i => Json.Number(fit.Statistics[i].RSquared)),
            ["rmse"] = PerOutput(i => Json.Number(fit.Statistics[i].RootMeanSquaredError)),
            ["mae"] = PerOutput(i => Json.Number(fit.Statistics[i].MeanAbsoluteError)),
            ["residual_sd"] = PerOutput(i => Json.Number(fit.Statistics[i].ResidualStandardDeviation)),
            ["stop_reason"] = fit.StopReasonName,
            ["converged"] = fit.Converged,
            ["not_converged_reason"] = fit.NotConvergedReason is { } why ? Binders.Rewrite(why) : null,
            ["message"] = fit.Training?.Message is { } message ? Binders.Rewrite(message) : null,
            ["learning_rate"] = fit.Training is { } tr && double.IsFinite(tr.LearningRate) ? tr.LearningRate : null,
            ["learning_rate_source"] = fit.Training?.LearningRateSource,
            ["recoveries"] = fit.Training?.Recoveries,
            ["data_passes"] = Json.Number(Math.Round(fit.DataPasses, 3)),
            ["validation_loss"] = fit.Training?.ValidationLoss is { } vl ? Json.Number(vl) : null,
            ["l1"] = o.Penalty.L1,
            ["l2"] = o.Penalty.L2,
            ["standardized"] = fit.Standardization is not null,
            ["gradient_norm"] = fit.Training is { } t ? Json.Number(t.GradientNorm) : null,
            ["cov_type"] = o.Covariance.ToString(),
            ["standard_errors"] = report is not null ? Arrays(i => [.. report[i].Coefficients.Select(c => c.StandardError)])
                : exact is null ? null : Arrays(i => exact.StandardErrors[i]),
            ["intercept_standard_error"] = exact is null || !m.HasIntercept ? null
                : PerOutput(i => Json.Number(report is not null ? report[i].Intercept!.StandardError : exact.InterceptStandardErrors[i])),
            ["t"] = report is null ? null : Arrays(i => [.. report[i].Coefficients.Select(c => c.T)]),
            ["p"] = report is null ? null : Arrays(i => [.. report[i].Coefficients.Select(c => c.P)]),
            ["confidence_intervals_95"] = report is null ? null : written
                ? Json.PerOutput(m.Outputs, multi, i => Json.PairArray([.. report[i].Coefficients.Select(c => c.Lower95)], [.. report[i].Coefficients.Select(c => c.Upper95)]))
                : PerOutput(i => new JsonArray([.. report[i].Coefficients.Select(c => (JsonNode?)Json.Numbers([c.Lower95, c.Upper95]))])),
            ["intercept_t"] = report is null || !m.HasIntercept ? null : PerOutput(i => Json.Number(report[i].Intercept!.T)),
            ["intercept_p"] = report is null || !m.HasIntercept ? null : PerOutput(i => Json.Number(report[i].Intercept!.P)),
            ["intercept_confidence_interval_95"] = report is null || !m.HasIntercept ? null : PerOutput(i => Json.Numbers([report[i].Intercept!.Lower95, report[i].Intercept!.Upper95])),
            ["adjusted_r_squared"] = report is null ? null : PerOutput(i => Json.Number(report[i].AdjustedRSquared)),
            ["f_statistic"] = report is null ? null : PerOutput(i => Json.Number(report[i].FStatistic)),
            ["f_p_value"] = report is null ? null : PerOutput(i => Json.Number(report[i].FPValue)),
            ["degrees_of_freedom"] = report is null ? null : report[0].DegreesOfFreedom,
            ["coefficient_test"] = report is null ? null : report[0].NormalInference ? "normal" : "t",
            ["inference_degrees_of_freedom"] = report is null ? null : report[0].InferenceDegreesOfFreedom,
            ["clusters"] = report?[0].Clusters,
            // Beyond MaxJsonCovariance parameters the matrices are left out (a 769-parameter head with 20 outputs would
            // write 262 MB of JSON); --output keeps the classical one in the model file.
            ["covariance"] = report is null || m.Features + (m.HasIntercept ? 1 : 0) > MaxJsonCovariance ? null : PerOutput(i => report[i].Covariance is { } cv ? new JsonObject
            {
                ["names"] = Json.Strings(cv.Names),
                ["matrix"] = new JsonArray([.. cv.Matrix.Select(row => (JsonNode?)Json.Numbers(row))]),
            } : null),
            ["log_likelihood"] = report is null ? null : PerOutput(i => Json.Number(report[i].LogLikelihood)),
            ["aic"] = report is null ? null : PerOutput(i => Json.Number(report[i].Aic)),
            ["bic"] = report is null ? null : PerOutput(i => Json.Number(report[i].Bic)),
            ["durbin_watson"] = report is null ? null : PerOutput(i => Json.Number(report[i].DurbinWatson)),
            ["omnibus"] = report is null ? null : PerOutput(i => Json.Number(report[i].Omnibus)),
            ["omnibus_p"] = report is null ? null : PerOutput(i => Json.Number(report[i].OmnibusP)),
            ["jarque_bera"] = report is null ? null : PerOutput(i => Json.Number(report[i].JarqueBera)),
            ["jarque_bera_p"] = report is null ? null : PerOutput(i => Json.Number(report[i].JarqueBeraP)),
            ["skew"] = report is null ? null : PerOutput(i => Json.Number(report[i].Skew)),
            ["kurtosis"] = report is null ? null : PerOutput(i => Json.Number(report[i].Kurtosis)),
            ["engine"] = fit.Engine.ToString().ToLowerInvariant(),
            ["optimality"] = opt is null ? null : new JsonObject
            {
                ["certified"] = opt.Certified,
                ["relative_gap_tolerance"] = Json.Number(opt.Tolerance),
                ["certificate"] = opt.CertificateSource,
                ["optimal_loss"] = Json.Number(opt.OptimalLoss),
                ["objective_gap"] = Json.Number(opt.ObjectiveGap),
                ["relative_objective_gap"] = Json.Number(opt.RelativeObjectiveGap),
                ["coefficient_distance"] = Json.Number(opt.CoefficientDistance),
                ["relative_coefficient_distance"] = Json.Number(opt.RelativeCoefficientDistance),
            },
            ["exact_check_skipped"] = fit.ExactCheckSkipped,
            ["condition_number"] = exact is null ? null : Json.Number(exact.ConditionNumber),
            ["condition_number_kind"] = exact is null ? null : "centred_scaled",
            ["condition_number_uncentred_unscaled"] = exact is null ? null : Json.Number(exact.UncentredConditionNumber),
            ["rank"] = exact?.Rank,
            ["aliased"] = exact is null ? null : Json.Strings(exact.Aliased),
        };
    }

    private static void WriteText(CliContext context, LinearFit fit, string path, string? modelPath, string? weights)
    {
        var c = CultureInfo.InvariantCulture;
        var console = context.Console;
        var m = fit.Model;
        var o = fit.Options;
        string penalty = o.Penalty.IsNone ? "" : string.Format(c, ", penalty λ₁ = {0}, λ₂ = {1}", o.Penalty.L1, o.Penalty.L2);
        string how = fit.Method switch
        {
            SolverMethod.Exact => fit.Engine == EngineKind.Statistics
                ? "the exact least-squares solution (normal equations of one pass, Cholesky)"
                : "the exact least-squares solution (Householder QR with iterative refinement)",
            SolverMethod.ConjugateGradient => string.Format(c, "conjugate gradient ({0} loss{1}{2})",
                GradientDescentBinder.Loss.Format(o.GradientDescent.LossScaling),
                fit.Standardization is null ? "" : ", standardised features", penalty),
            _ => string.Format(c, "{0} ({1} loss, α = {2:G6}, {3}{4}{5}{6})",
                fit.Training!.Optimizer == "gd" ? "gradient descent" : fit.Training.Optimizer,
                GradientDescentBinder.Loss.Format(o.GradientDescent.LossScaling), fit.Training.LearningRate, fit.Training.LearningRateSource,
                o.GradientDescent.BatchSize is { } bs ? $", mini-batches of {bs}" : "",
                fit.Standardization is null ? "" : ", standardised features", penalty),
        };
        if (!fit.Converged)
            console.WriteLine($"NOT CONVERGED: {Binders.Rewrite(fit.NotConvergedReason ?? "")}. The coefficients below are not the optimum; t, p and intervals are not shown.");
        console.WriteLine($"Fitted {LongLists.Line(m.TargetNames, ", ", "target")} ~ {LongLists.Line(m.FeatureNames, " + ", "feature")}{(m.HasIntercept ? "" : " (no intercept)")} on {fit.Rows} rows of {path}" +
            (weights is null ? "" : $", weighted by {weights} (weighted least squares)"));
        console.WriteLine($"by {how}.");
        if (fit.MethodChoice is { } choice)
            console.WriteLine(choice);
        if (fit.Training is { } run)
            console.WriteLine(string.Format(c, "Stopped after {0} ({1}): {2}", Text.Plural(run.Iterations, "iteration"), run.StopReason.ToSnakeCase(), Binders.Rewrite(run.Message)));
        for (int output = 0; output < m.Outputs; output++)
        {
            console.WriteLine();
            if (m.Outputs > 1) console.WriteLine($"Output '{m.TargetNames[output]}':");
            var table = new Table().AddColumns("term", "coefficient");
            var report = fit.Report?[output];
            bool showExact = fit.Exact is not null && fit.Method != SolverMethod.Exact;
            if (showExact) table.AddColumn("exact");
            if (report is not null) table.AddColumns("std. error", report.NormalInference ? "z" : "t", "p", "95 % interval");
            void Row(string name, double value, double exact, CoefficientInference? inference)
            {
                var cells = new List<string> { Markup.Escape(name), G(value) };
                if (showExact) cells.Add(G(exact));
                if (inference is not null)
                {
                    cells.Add(G(inference.StandardError));
                    cells.Add(double.IsFinite(inference.T) ? inference.T.ToString("G4", c) : "—");
                    cells.Add(P(inference.P));
                    cells.Add(Markup.Escape($"[{G(inference.Lower95)}, {G(inference.Upper95)}]"));
                }
                table.AddRow([.. cells]);
            }
            var star = fit.Exact?.Model;
            if (m.HasIntercept)
                Row("(intercept)", m.Intercept(output), star?.Intercept(output) ?? double.NaN, report?.Intercept);
            // A wide fit shows its first terms and says where the rest are (LongLists: 769-row tables were half of the run).
            for (int j = 0; j < LongLists.TableRows(m.Features); j++)
                Row(m.FeatureNames[j], m.Coefficients(output)[j], star?.Coefficients(output)[j] ?? double.NaN, report?.Coefficients[j]);
            console.Write(table);
            if (LongLists.NotShown(m.FeatureNames, modelPath) is { } notShown)
                console.WriteLine(notShown);
            var s = fit.Statistics[output];
            console.WriteLine(string.Format(c, "R² = {0}{1}{2}, RMSE = {3}, MAE = {4}, residual SD = {5}{6}",
                G(s.RSquared), m.HasIntercept ? "" : " (uncentred)", report is null ? "" : $", adjusted R² = {G(report.AdjustedRSquared)}",
                G(s.RootMeanSquaredError), G(s.MeanAbsoluteError), G(s.ResidualStandardDeviation),
                report is null ? "" : string.Format(c, " on {0} degrees of freedom, F = {1} ({2})", report.DegreesOfFreedom, G(report.FStatistic), report.FPValue < 1e-16 ? "p < 1e-16" : "p = " + P(report.FPValue))));
            if (report is not null)
            {
                console.WriteLine(string.Format(c, "Log-likelihood = {0}, AIC = {1}, BIC = {2}; Durbin–Watson = {3}; omnibus = {4} (p = {5}), Jarque–Bera = {6} (p = {7}), skew = {8}, kurtosis = {9}.",
                    G(report.LogLikelihood), G(report.Aic), G(report.Bic), G(report.DurbinWatson), G(report.Omnibus), P(report.OmnibusP),
                    G(report.JarqueBera), P(report.JarqueBeraP), G(report.Skew), G(report.Kurtosis)));
                if (report.CovarianceType.IsRobust)
                    console.WriteLine(string.Format(c, "Covariance: {0} ({1}); z, p and intervals from the normal distribution, F from the Wald test on {2} denominator degrees of freedom, as statsmodels.",
                        report.CovarianceType, CovarianceFlag.Describe(report.CovarianceType, report.Clusters), report.InferenceDegreesOfFreedom));
            }
        }
        if (fit.Exact is { } ex && double.IsFinite(ex.ConditionNumber))
            // With aliased columns the design is singular: the figure is that of the columns kept, and says so.
            console.WriteLine(string.Format(c, "Condition number of the centred, scaled features{0}: {1:G3}{2}{3}.",
                ex.Aliased.Count > 0 ? " (of those kept: with the aliased ones the design is singular)" : "", ex.ConditionNumber,
                double.IsFinite(ex.UncentredConditionNumber) ? string.Format(c, " (statsmodels' uncentred, unscaled one, with the constant: {0:G3})", ex.UncentredConditionNumber) : "",
                fit.Method == SolverMethod.Exact || o.Covariance.IsRobust ? "" : "; std. errors are those of the exact least-squares coefficients"));
        if (fit.Optimality is { } opt)
        {
            if (double.IsFinite(opt.CoefficientDistance))
                console.WriteLine(string.Format(c, "Distance to the exact least-squares solution: ‖θ − θ*‖ = {0:G3} (relative {1:G3}).",
                    opt.CoefficientDistance, opt.RelativeCoefficientDistance));
            console.WriteLine(string.Format(c, "Certified relative objective gap ≤ {0:G3} ({1} the tolerance {2:G3}), by {3}.",
                opt.RelativeObjectiveGap, opt.Certified ? "within" : "ABOVE", opt.Tolerance, opt.CertificateSource));
        }
        else if (fit.ExactCheckSkipped is { } why && fit.Method != SolverMethod.Exact)
            console.WriteLine($"Not compared with the exact solution: {Binders.Rewrite(why)}.");
        if (modelPath is not null)
            console.WriteLine($"Model written to {modelPath}.");
    }

    /// <summary>The most parameters whose covariance matrices <c>--json</c> writes (d + 1 ≤ 300: 90 000 numbers per output).</summary>
    internal const int MaxJsonCovariance = 300;

    internal static string MethodName(SolverMethod method) => LinearRegressorBinder.Method.Format(method);

    private static string P(double p) => !double.IsFinite(p) ? "—" : p < 1e-16 ? "< 1e-16" : p.ToString("G3", CultureInfo.InvariantCulture);

    private static string G(double v) => double.IsFinite(v) ? (v == 0 ? 0.0 : v).ToString("G10", CultureInfo.InvariantCulture) : "—";
}
