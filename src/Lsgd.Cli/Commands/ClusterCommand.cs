using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Lsgd.Cluster;
using Lsgd.Data;
using Lsgd.Estimators;
using Lsgd.IO;
using Lsgd.Training;
using Spectre.Console;

namespace Lsgd.Cli.Commands;

/// <summary>
/// <c>lsgd cluster silo --redis HOST:PORT</c> (one silo, in the foreground until Ctrl+C or SIGTERM) and
/// <c>lsgd cluster status --redis HOST:PORT</c> (the live silos and their shards). See docs/CLUSTER.md.
/// </summary>
internal static class ClusterCommand
{
    public static Command Create(CliContext context, Action<int> setExit)
    {
        var command = new Command("cluster", "Run or inspect an Orleans cluster that fits data too large for one machine (see `lsgd fit --cluster`).");
        command.Add(Silo(context, setExit));
        command.Add(Status(context, setExit));
        return command;
    }

    private static Option<string> Redis() => new("--redis") { Description = "HOST:PORT of the Redis that holds the cluster's membership and the fits' state.", Required = true };

    private static Option<string> ClusterId() => new("--cluster-id") { Description = "Separates clusters that share one Redis.", DefaultValueFactory = _ => "lsgd" };

    private static Command Silo(CliContext context, Action<int> setExit)
    {
        var redis = Redis();
        var clusterId = ClusterId();
        var address = new Option<string>("--address") { Description = "Address to bind and advertise (default loopback: only this machine can join). Give this machine's address to serve other machines.", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int?>("--port") { Description = "Silo-to-silo port (default: a free one)." };
        var gatewayPort = new Option<int?>("--gateway-port") { Description = "Port clients (lsgd fit --cluster) connect to (default: a free one)." };
        var tls = TlsFlags.Certificate();
        var tlsPassword = TlsFlags.Password();
        var command = new Command("silo", "Run one silo of a cluster in the foreground until Ctrl+C or SIGTERM.") { redis, clusterId, address, port, gatewayPort, tls, tlsPassword };
        command.SetAction(parse =>
        {
            string text = parse.GetValue(address)!;
            if (!IPAddress.TryParse(text, out var ip))
                throw new LsgdException($"--address '{text}' is not an IP address. Give this machine's address, e.g. 127.0.0.1 or 10.0.0.5.");
            var settings = new SiloSettings(parse.GetValue(redis)!)
            {
                ClusterId = parse.GetValue(clusterId)!,
                Address = ip,
                SiloPort = CheckPort(parse.GetValue(port), "--port"),
                GatewayPort = CheckPort(parse.GetValue(gatewayPort), "--gateway-port"),
                TlsCertificate = parse.GetValue(tls),
                TlsPassword = parse.GetValue(tlsPassword),
            };
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.Cancellation);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => { signal.Cancel = true; stop.Cancel(); });
            SiloRunner.RunAsync(settings, silo =>
            {
                if (context.Json)   // one JSON document per line: the silo runs until stopped
                    context.WriteJson(new System.Text.Json.Nodes.JsonObject { ["event"] = "joined", ["silo"] = silo.ToString(), ["cluster_id"] = settings.ClusterId, ["redis"] = settings.Redis, ["tls"] = settings.TlsCertificate is not null });
                else
                    context.Output.WriteLine($"lsgd silo {silo} joined cluster '{settings.ClusterId}' (Redis {settings.Redis}){(settings.TlsCertificate is null ? "" : ", TLS")}. Ctrl+C to leave.");
                context.Output.Flush();
            }, stop.Token).GetAwaiter().GetResult();
            if (context.Json) context.WriteJson(new System.Text.Json.Nodes.JsonObject { ["event"] = "stopped" });
            else context.Output.WriteLine("lsgd silo stopped.");
            setExit(Cli.Ok);
        });
        return command;
    }

    private static int? CheckPort(int? port, string flag) =>
        port is null or (>= 1 and <= 65535) ? port : throw new LsgdException($"{flag} {port} is not a port: give 1–65535, or leave it out for a free one.");

    private static Command Status(CliContext context, Action<int> setExit)
    {
        var redis = Redis();
        var clusterId = ClusterId();
        var tls = TlsFlags.Certificate();
        var tlsPassword = TlsFlags.Password();
        var json = new Option<bool>("--json") { Description = "Print one JSON document instead of text." };
        var command = new Command("status", "List the live silos of a cluster and the shards they are reading.") { redis, clusterId, tls, tlsPassword, json };
        command.SetAction(parse =>
        {
            string address = $"redis://{parse.GetValue(redis)}/{parse.GetValue(clusterId)}";
            var silos = Task.Run(async () =>
            {
                await using var cluster = await ClusterConnection.ConnectAsync(address, null, parse.GetValue(tls), parse.GetValue(tlsPassword), context.Cancellation);
                return await cluster.StatusAsync();
            }).GetAwaiter().GetResult();
            if (parse.GetValue(json))
                context.WriteJson(new JsonObject
                {
                    ["cluster_id"] = parse.GetValue(clusterId),
                    ["silos"] = new JsonArray([.. silos.Select(s => (JsonNode)new JsonObject
                    {
                        ["address"] = s.Address,
                        ["status"] = s.Status,
                        ["shards"] = Json.Strings(s.Shards),
                    })]),
                });
            else
            {
                context.Output.WriteLine($"Cluster '{parse.GetValue(clusterId)}': {Text.Plural(silos.Count, "live silo")}.");
                foreach (var s in silos)
                    context.Output.WriteLine($"  {s.Address}  {s.Status}  {(s.Shards.Count == 0 ? "no shard" : Text.Plural(s.Shards.Count, "shard") + ": " + string.Join(", ", s.Shards))}");
            }
            setExit(Cli.Ok);
        });
        return command;
    }
}

/// <summary>The TLS flags of the cluster commands and of <c>fit --cluster</c>.</summary>
internal static class TlsFlags
{
    public static Option<string?> Certificate() => new("--tls-certificate")
    {
        Description = "Certificate with its private key (.pfx/.p12, or PEM holding both) for mutual TLS: every silo and client presents it and accepts only peers presenting the same one.",
    };

    public static Option<string?> Password() => new("--tls-password") { Description = "Password of the --tls-certificate file." };
}

/// <summary>
/// <c>lsgd fit</c> on several files, or a glob, as shards: their statistics read on this machine, or on a cluster
/// with <c>--cluster local:N|redis://HOST:PORT[/CLUSTER-ID]</c>, merged in shard order, then fitted here — the same
/// arithmetic either way, so the results are bit-identical.
/// </summary>
internal sealed class ShardedFit
{
    private readonly ShardedData _data;
    private readonly string? _cluster;
    private readonly string? _tls, _tlsPassword;
    private ClusterRun? _run;

    private ShardedFit(ShardedData data, string? cluster, string? tls, string? tlsPassword, string description)
    {
        _data = data;
        _cluster = cluster;
        _tls = tls;
        _tlsPassword = tlsPassword;
        Description = description;
    }

    public static Option<string?> ClusterOption() => new("--cluster")
    {
        Description = "Read the data's shards (files, or a quoted glob) on a cluster: local:N (N silos in this process) or redis://HOST:PORT[/CLUSTER-ID] (silos started with `lsgd cluster silo`).",
    };

    /// <summary>What the data argument(s) say: several files or a glob are shards; null for one plain file without --cluster.</summary>
    public static ShardedFit? Resolve(string[] paths, string? cluster, string? tls, string? tlsPassword, IReadOnlyList<string> targets,
        IReadOnlyList<string> features, int degree, CsvFormat format, string? weights = null)
    {
        bool npy = features.Any(f => f.EndsWith(".npy", StringComparison.OrdinalIgnoreCase)) || targets.Any(t => t.EndsWith(".npy", StringComparison.OrdinalIgnoreCase));
        bool npyGlob = npy && features.Concat(targets).Any(ShardedData.IsGlob);
        if (cluster is null && paths.Length <= 1 && !(paths.Length == 1 && ShardedData.IsGlob(paths[0])) && !npyGlob)
        {
            if (tls is not null)
                throw new LsgdException("--tls-certificate protects a cluster's traffic: give it with --cluster redis://HOST:PORT.");
            return null;
        }
        if (degree != 1)
            throw new LsgdException("--degree is not available on shards (each shard gives the statistics of its columns as they are). Add the powers as columns, or fit one file.");
        if (npy)
        {
            if (paths.Length > 0 || features.Count != 1 || targets.Count != 1)
                throw new LsgdException(".npy shards are pairs: give --features 'X-*.npy' --targets 'Y-*.npy' (one path or quoted glob each, no DATA files).");
            if (weights is not null)
                throw new LsgdException("--weights names a column, and .npy shards have none: write the shards as CSV or Parquet with a weight column, or fit without --weights.");
            var xs = ShardedData.Expand(features);
            var pairs = ShardedData.NpyPairs(xs, ShardedData.Expand(targets));
            return new ShardedFit(pairs, cluster, tls, tlsPassword, $"{features[0]} + {targets[0]} ({Text.Plural(pairs.ShardCount, "shard")})");
        }
        if (paths.Length == 0)
            throw new LsgdException("No data: give the shards' files or a quoted glob (lsgd fit 'data/part-*.csv' --target y --cluster local:3).");
        var files = ShardedData.Expand(paths);
        var data = new ShardedData(files, targets, features, format) { Weights = weights };
        string description = paths.Length == 1 ? $"{paths[0]} ({Text.Plural(data.ShardCount, "shard")})" : $"{Text.Plural(data.ShardCount, "shard")} ({string.Join(", ", paths.Take(3))}{(paths.Length > 3 ? ", …" : "")})";
        return new ShardedFit(data, cluster, tls, tlsPassword, description);
    }

    public string Description { get; }

    /// <summary>
    /// The statistics of all shards (here or on the cluster), then the fit from them; with --batch-size, mini-batch
    /// steps over the shards (here, or one synchronous round on the cluster per step). On a terminal, without
    /// --json, a progress bar shows the shards read and the fit's iterations, as a local fit shows its iterations.
    /// </summary>
    public LinearFit Fit(CliContext context, LinearRegressorOptions options)
    {
        if (!context.ShowProgress)
            return Fit(context, options, null, null);
        string reading = _cluster is null ? "reading shards" : "reading shards on the cluster";
        return context.WithProgress(reading, _data.ShardCount, line =>
        {
            var shards = new SynchronousProgress<int>(done => line.Report(done, _data.ShardCount));
            var training = options.Method == SolverMethod.Exact ? null : new SynchronousProgress<TrainingProgress>(p =>
                line.Report(p.Iteration, options.GradientDescent.MaxIterations, string.Format(CultureInfo.InvariantCulture, "fitting  J = {0:G6}", p.Loss)));
            return Fit(context, options, shards, training);
        });
    }

    private LinearFit Fit(CliContext context, LinearRegressorOptions options, IProgress<int>? shards, IProgress<TrainingProgress>? training)
    {
        var regressor = new LinearRegressor(options);
        bool batches = _batches = options.GradientDescent.BatchSize is not null;
        if (batches && _data.Weights is not null)
            throw new LsgdException("--weights with --batch-size is not supported on shards yet (their mini-batch steps carry no row weights): drop --batch-size for a full-batch or exact weighted fit of the shards, or fit one file.");
        var cancel = context.Cancellation;
        if (_cluster is null)
        {
            var statistics = _data.ComputeLocally(shards, cancel);
            return batches ? regressor.Fit(statistics, _data.LocalMiniBatches(cancel), training, cancel) : regressor.Fit(statistics, _data.LocalPasses(), training, cancel);
        }
        return Task.Run(async () =>
        {
            await using var cluster = await ClusterConnection.ConnectAsync(_cluster, null, _tls, _tlsPassword, cancel);
            var run = await cluster.ComputeStatisticsAsync(_data, shards, cancel);
            if (!batches)
            {
                // The exact solver (asked for, or chosen by auto) factors the shards' rows on the cluster: TSQR, not normal equations.
                var passes = cluster.ExactPasses(_data, run, cancel);
                var exact = regressor.Fit(run.Statistics, passes, training, cancel);
                _run = await passes.FinishAsync();
                return exact;
            }
            var steps = cluster.MiniBatches(_data, run, cancel);
            var fit = regressor.Fit(run.Statistics, steps, training, cancel);
            _run = await steps.FinishAsync();
            return fit;
        }).GetAwaiter().GetResult();
    }

    /// <summary>The model's feature spec (the shards' columns as they are).</summary>
    public static FeatureSpec Spec(LinearFit fit) => new(fit.Model.FeatureNames, 1);

    /// <summary>
    /// What a sharded fit adds to the fit's JSON: the passes the fit itself cannot see in <c>data_passes</c> — the
    /// statistics pass over the shards and, for mini-batch steps, the load of the shards' rows — and
    /// <c>"cluster": {"silos", "shards", "retries", "lost_silos"}</c> with --cluster (null without).
    /// </summary>
    public void AddTo(JsonObject summary)
    {
        if (summary["data_passes"] is { } passes)
            summary["data_passes"] = Lsgd.Cli.Json.Number(Math.Round(passes.GetValue<double>() + 1 + (_batches ? 1 : 0), 3));
        summary["cluster"] = Json();
    }

    private bool _batches;

    /// <summary>JSON "cluster": {"silos", "shards", "retries", "lost_silos"} (null without --cluster).</summary>
    public JsonObject? Json() => _run is not { } run ? null : new JsonObject
    {
        ["silos"] = run.Silos,
        ["shards"] = run.Shards,
        ["retries"] = run.Retries,
        ["lost_silos"] = run.LostSilos,
    };

    /// <summary>A line for the text report.</summary>
    public string? TextLine() => _run is not { } run ? null : string.Format(CultureInfo.InvariantCulture,
        "Read on the cluster: {0} on {1}{4}, {2}, {3}.", Text.Plural(run.Shards, "shard"), Text.Plural(run.Silos, "silo"), Text.Plural(run.Retries, "retried call"), Text.Plural(run.LostSilos, "silo") + " lost",
        (run.Steps == 0 ? "" : ", " + Text.Plural(run.Steps, "synchronous mini-batch step")) + (run.Passes == 0 ? "" : string.Format(CultureInfo.InvariantCulture, ", {0} of the exact solver (tall-skinny QR)", run.Passes == 1 ? "1 pass" : $"{run.Passes} passes")));
}
