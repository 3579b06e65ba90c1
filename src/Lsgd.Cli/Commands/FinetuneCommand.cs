using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Lsgd.Cli.Binding;
using Lsgd.Embeddings;
using Lsgd.IO;
using Spectre.Console;

namespace Lsgd.Cli.Commands;

/// <summary>
/// <c>lsgd finetune DATA.csv --text COLUMN --target COLUMN</c>: re-fit the last layer of a pretrained sentence
/// encoder for a new task, and compare it with baselines (<see cref="PredictHead"/> serves <c>lsgd predict HEAD.json --text …</c>).
/// </summary>
internal static class FinetuneCommand
{
    public static Command Create(CliContext context, Action<int> setExit)
    {
        var data = new Argument<string>("DATA.csv") { Description = "CSV file (header row required; .tsv is read tab-separated) with a column of texts and a target column." };
        var text = new Option<string>("--text") { Description = "The column of texts to embed.", Required = true };
        var target = new Option<string>("--target", "-t") { Description = "The column to predict: numbers → regression; labels → classification (one-hot least squares, argmax).", Required = true };
        var task = ApplicationBinders.Finetune["task"].Create<string>();
        var groupBy = new Option<string?>("--group-by") { Description = "Keep rows with the same value of this column in the same set (e.g. a word stem, a user)." };
        var testFraction = ApplicationBinders.Split[nameof(SplitOptions.TestFraction)].Create<double>();
        var validationFraction = ApplicationBinders.Split[nameof(SplitOptions.ValidationFraction)].Create<double>();
        var seed = ApplicationBinders.Split[nameof(SplitOptions.Seed)].Create<int>();
        var l2 = ApplicationBinders.Head[nameof(HeadOptions.L2)].Create<string>();
        var maxIterations = ApplicationBinders.Head[nameof(HeadOptions.MaxIterations)].Create<int>();
        var embeddings = new Option<string?>("--embeddings") { Description = "Features of the texts from any other model (.npy, one row per CSV row, float32 or float64) instead of the built-in encoder." };
        var cache = new Option<string?>("--cache") { Description = $"Folder of cached embeddings (default {EmbeddingCache.DefaultDirectory})." };
        var noCache = new Option<bool>("--no-cache") { Description = "Neither read nor write cached embeddings." };
        var batchSize = ApplicationBinders.Embedding[nameof(EmbeddingOptions.BatchSize)].Create<int>();
        var threads = ApplicationBinders.Embedding[nameof(EmbeddingOptions.Threads)].Create<int?>();
        var output = new Option<string?>("--output", "-o") { Description = "Write the head to this JSON file (default: DATA.head.json next to DATA.csv)." };
        var onnx = new Option<string?>("--onnx") { Description = "Also write the head as an ONNX model (Gemm, plus ArgMax for a classifier)." };
        var noBaselines = new Option<bool>("--no-bag-of-words") { Description = "Skip the character n-gram baseline." };
        var csvFlags = new CsvFlags();
        var json = new Option<bool>("--json") { Description = "Print one JSON document instead of text." };

        var command = new Command("finetune", "Re-fit the last layer of a pretrained sentence encoder (all-MiniLM-L6-v2) by least-squares gradient descent, against baselines.") { data };
        foreach (Option option in new Option[] { text, target, task, groupBy, testFraction, validationFraction, seed, l2, maxIterations, embeddings, cache, noCache, batchSize, threads, output, onnx, noBaselines, json })
            command.Add(option);
        command.Add(csvFlags.Separator);   // texts are read as they are: no decimal comma or missing-value policy
        command.SetAction(parse =>
        {
            try
            {
                Execute(parse);
            }
            catch (OperationCanceledException e) when (e is not CommandCancelledException)
            {
                throw new CommandCancelledException("no head was written (embeddings cached before this run are kept).", e);
            }
            setExit(Cli.Ok);
        });
        return command;

        void Execute(ParseResult parse)
        {
            var clock = Stopwatch.StartNew();
            string path = parse.GetValue(data)!;
            string textColumn = parse.GetValue(text)!, targetColumn = parse.GetValue(target)!;
            string? groupColumn = parse.GetValue(groupBy);
            bool asJson = parse.GetValue(json);
            // Without --output the head goes next to the data (the text and the JSON say where); checked before the long embedding.
            string headPath = parse.GetValue(output) ?? DefaultHeadPath(path);
            AtomicFile.CheckOutput(headPath, path, parse.GetValue(embeddings));
            var options = new FinetuneOptions
            {
                Split = new SplitOptions { TestFraction = parse.GetValue(testFraction), ValidationFraction = parse.GetValue(validationFraction), Seed = parse.GetValue(seed) },
                Head = new HeadOptions { L2 = ParseL2(parse.GetValue(l2)!), MaxIterations = parse.GetValue(maxIterations), Threads = parse.GetValue(threads) },
                BagOfWords = parse.GetValue(noBaselines) ? null : new CharNgramOptions(),
            };
            var embedding = new EmbeddingOptions
            {
                BatchSize = parse.GetValue(batchSize),
                Threads = parse.GetValue(threads),
                Cache = parse.GetValue(noCache) ? null : new EmbeddingCache(parse.GetValue(cache) ?? EmbeddingCache.DefaultDirectory),
            };
            // A refused value reaches Cli.Run, which names its flag through the binder tables.
            HeadTask? headTask = parse.GetValue(task) is "auto" or null ? null : ApplicationBinders.HeadTasks.Parse(parse.GetValue(task)!);
            var input = FinetuneInput.Read(context, path, textColumn, targetColumn, headTask, groupColumn, new Lsgd.IO.CsvFormat { Separator = CsvFlags.ParseSeparator(parse.GetValue(csvFlags.Separator)) },
                parse.GetValue(embeddings), embedding);
            double embedSeconds = clock.Elapsed.TotalSeconds;

            var trainClock = Stopwatch.StartNew();
            var result = Train(context, options, input);
            double trainSeconds = trainClock.Elapsed.TotalSeconds;

            string? onnxPath = parse.GetValue(onnx);
            var summary = Summary(result, path, textColumn, groupColumn, options, input, embedding);
            summary["embed_seconds"] = embedSeconds;
            summary["train_seconds"] = trainSeconds;
            var headFile = HeadFile.FromFit(result.Head, targetColumn, input.Embedded?.ModelId, textColumn, summary);
            headFile.Save(headPath);
            if (onnxPath is not null)
                OnnxExport.Save(headFile, onnxPath, new Dictionary<string, string>
                {
                    ["lsgd.encoder"] = input.Embedded?.ModelId ?? $"features from {input.FeaturesFile}",
                    ["lsgd.text_column"] = textColumn,
                });
            summary["head_file"] = headPath;
            summary["onnx_file"] = onnxPath;
            summary["total_seconds"] = clock.Elapsed.TotalSeconds;
            if (asJson)
                context.WriteJson(summary);
            else
                WriteText(context, result, summary, input, headPath, onnxPath, embedding);
        }
    }

    private static FinetuneResult Train(CliContext context, FinetuneOptions options, FinetuneInput input) =>
        context.WithProgress("training heads by least-squares gradient descent", null, _ =>
            new Finetuner(options).Run(input.Texts, input.Features, input.Dimension, input.Target, input.Groups, null, context.Cancellation));

    private static JsonObject Summary(FinetuneResult r, string path, string textColumn, string? groupColumn, FinetuneOptions options,
        FinetuneInput input, EmbeddingOptions embedding)
    {
        var (embedded, featuresFile, dimension) = (input.Embedded, input.FeaturesFile, input.Dimension);
        bool classifier = r.Task == HeadTask.Classification;
        var fit = r.Head.Regression;
        var baselines = new JsonObject
        {
            [r.ConstantBaselineName] = Metrics(r.ConstantBaseline, ("prediction", r.ConstantPrediction)),
            ["bag_of_words"] = r.BagOfWords is null || r.BagOfWordsFeatures is not { } bag || r.BagOfWordsFit is not { } bagFit ? null : Metrics(r.BagOfWords,
                ("features", bag.Dimension),
                ("ngrams", $"{bag.Options.MinLength}-{bag.Options.MaxLength}"),
                ("l2", bagFit.L2)),
        };
        return new JsonObject
        {
            ["task"] = classifier ? "classification" : "regression",
            ["data"] = path,
            ["rows"] = r.Target.Rows,
            ["text_column"] = textColumn,
            ["target"] = r.Target.Name,
            ["classes"] = classifier ? Json.Strings(r.Target.Classes) : null,
            ["test"] = Metrics(r.Test),
            ["validation"] = r.Validation is null ? null : Metrics(r.Validation),
            ["train"] = Metrics(r.Train),
            ["baselines"] = baselines,
            ["split"] = new JsonObject
            {
                ["train"] = r.Split.Train.Count,
                ["validation"] = r.Split.Validation.Count,
                ["test"] = r.Split.Test.Count,
                ["group_by"] = groupColumn,
                ["groups"] = r.Split.Groups,
                ["seed"] = options.Split.Seed,
            },
            ["l2"] = r.Head.L2,
            ["l2_trials"] = r.Head.Trials.Count == 0 ? null : new JsonArray([.. r.Head.Trials.Select(t => (JsonNode?)new JsonObject
            {
                ["l2"] = t.L2,
                ["validation_loss"] = Json.Number(t.ValidationLoss),
            })]),
            ["optimizer"] = fit.Training?.Optimizer,
            ["iterations"] = fit.Training?.Iterations ?? 0,
            ["stop_reason"] = fit.StopReasonName,
            ["relative_objective_gap"] = fit.Optimality is { } o ? Json.Number(o.RelativeObjectiveGap) : null,
            ["encoder"] = embedded?.ModelId,
            ["features_file"] = featuresFile,
            ["dimension"] = dimension,
            ["texts_per_second"] = embedded is null ? null : Json.Number(embedded.TextsPerSecond),
            ["embedded"] = embedded?.Encoded,
            ["from_cache"] = embedded?.FromCache,
            ["cache"] = embedded is null ? null : embedding.Cache?.Directory,
            ["threads"] = embedding.Threads ?? Environment.ProcessorCount,
            ["batch_size"] = embedding.BatchSize,
        };
    }

    private static JsonObject Metrics(HeadMetrics m, params (string Key, JsonNode? Value)[] extra)
    {
        var o = new JsonObject();
        if (m.Accuracy is { } a) o["accuracy"] = Json.Number(a);
        if (m.RSquared is { } r2) o["r_squared"] = Json.Number(r2);
        if (m.RootMeanSquaredError is { } rmse) o["rmse"] = Json.Number(rmse);
        if (m.MeanAbsoluteError is { } mae) o["mae"] = Json.Number(mae);
        if (m.SignAccuracy is { } sign) o["sign_accuracy"] = Json.Number(sign);
        o["rows"] = m.Rows;
        foreach (var (key, value) in extra) o[key] = value;
        return o;
    }

    private static void WriteText(CliContext context, FinetuneResult r, JsonObject summary, FinetuneInput input,
        string headPath, string? onnxPath, EmbeddingOptions embedding)
    {
        var (embedded, featuresFile, dimension) = (input.Embedded, input.FeaturesFile, input.Dimension);
        var c = CultureInfo.InvariantCulture;
        var console = context.Console;
        bool classifier = r.Task == HeadTask.Classification;
        string source = embedded is null ? $"features from {featuresFile} ({dimension}-d)" : $"all-MiniLM-L6-v2 embeddings ({dimension}-d)";
        console.WriteLine($"Fine-tuned a least-squares head on {source} of '{summary["text_column"]}' to predict '{r.Target.Name}' " +
            (classifier ? $"({r.Target.Classes.Count} classes, one-hot outputs, argmax)." : "(regression)."));
        if (embedded is not null)
            console.WriteLine(string.Format(c, "Embedded {0} texts: {1} by the encoder{2}, {3} from the cache{4}.", r.Target.Rows, embedded.Encoded,
                embedded.Encoded > 0 ? string.Format(c, " at {0:F0} texts/s ({1} threads, batches of {2})", embedded.TextsPerSecond, embedding.Threads ?? Environment.ProcessorCount, embedding.BatchSize) : "",
                embedded.FromCache, embedding.Cache is null ? " (off)" : $" in {embedding.Cache.Directory}"));
        var split = r.Split;
        console.WriteLine($"Split {r.Target.Rows} rows{(summary["split"]!["group_by"] is JsonNode g ? $" ({split.Groups} groups by '{g}')" : "")} into " +
            $"{split.Train.Count} training, {split.Validation.Count} validation and {split.Test.Count} test rows (seed {summary["split"]!["seed"]}).");
        var fit = r.Head.Regression;
        string l2 = r.Head.Trials.Count > 0
            ? $"ridge λ = {G(r.Head.L2)} chosen on the validation set (of {string.Join(", ", r.Head.Trials.Select(t => G(t.L2)))})"
            : r.Head.L2 > 0 ? $"ridge λ = {G(r.Head.L2)}" : "no penalty";
        console.WriteLine($"Head: {fit.Training?.Optimizer ?? "?"} gradient descent on standardised features, {l2}; " +
            $"{fit.Training?.Iterations} iterations ({fit.StopReasonName}).");
        console.WriteLine();

        var table = new Table().AddColumn($"test set ({r.Test.Rows} rows)");
        if (classifier) table.AddColumn("accuracy");
        else table.AddColumns("R²", "RMSE", "MAE", "sign accuracy");
        void Row(string name, HeadMetrics m)
        {
            if (classifier) table.AddRow(Markup.Escape(name), F(m.Accuracy));
            else table.AddRow(Markup.Escape(name), F(m.RSquared), F(m.RootMeanSquaredError), F(m.MeanAbsoluteError), F(m.SignAccuracy));
        }
        Row(embedded is null ? "head on the given features" : "head on all-MiniLM-L6-v2", r.Test);
        if (r.BagOfWords is { } bow && r.BagOfWordsFeatures is { } bag)
            Row($"head on {bag.Dimension} character n-grams", bow);
        Row(classifier ? $"majority class ('{r.ConstantPrediction}')" : $"training mean ({G(double.Parse(r.ConstantPrediction, CultureInfo.InvariantCulture))})", r.ConstantBaseline);
        console.Write(table);
        if (r.Validation is { } v)
            console.WriteLine(classifier
                ? $"Validation accuracy {F(v.Accuracy)}, training accuracy {F(r.Train.Accuracy)}."
                : $"Validation R² {F(v.RSquared)}, training R² {F(r.Train.RSquared)}.");
        console.WriteLine($"Head written to {headPath}{(onnxPath is null ? "" : $" and {onnxPath} (ONNX)")}; predict with: lsgd predict {headPath} --text \"…\"");
    }

    /// <summary>Where a head goes without --output: DATA.head.json in the data's folder.</summary>
    internal static string DefaultHeadPath(string dataPath) =>
        Path.Join(Path.GetDirectoryName(dataPath), Path.GetFileNameWithoutExtension(dataPath) + ".head.json");

    private static double? ParseL2(string value) =>
        value.Equals("auto", StringComparison.OrdinalIgnoreCase) ? null
        : double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double l2) ? l2
        : throw new LsgdException($"--l2 {value} is not allowed: it must be a number >= 0 or 'auto'. Try --l2 0.1, or auto to choose on the validation set.");

    private static string G(double v) => v.ToString("G4", CultureInfo.InvariantCulture);

    private static string F(double? v) => v is { } x && double.IsFinite(x) ? x.ToString("F3", CultureInfo.InvariantCulture) : "—";
}
