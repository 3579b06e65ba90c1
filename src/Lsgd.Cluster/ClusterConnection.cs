using System.Diagnostics;
using System.Globalization;
using Lsgd.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;

namespace Lsgd.Cluster;

/// <summary>What a cluster pass did, for the fit's report (JSON <c>"cluster"</c>).</summary>
/// <param name="Statistics">The merged statistics of all shards, in shard order.</param>
/// <param name="Silos">Silos alive when the pass started.</param>
/// <param name="Shards">Shards read.</param>
/// <param name="Retries">Calls that failed or timed out and were retried (worker polls, coordinator rounds, reads tried again).</param>
/// <param name="LostSilos">Silos alive at the start and gone at the end.</param>
public sealed record ClusterRun(SufficientStatistics Statistics, int Silos, int Shards, int Retries, int LostSilos)
{
    /// <summary>Rows of each shard, in shard order (for the steps of a mini-batch fit).</summary>
    public IReadOnlyList<long> ShardRows { get; init; } = [];

    /// <summary>Synchronous mini-batch steps run on the cluster (0 for a fit from the statistics alone).</summary>
    public long Steps { get; init; }

    /// <summary>The exact solver's distributed passes after the statistics pass (the tall-skinny QR factor, then one per refinement step).</summary>
    public int Passes { get; init; }
}

/// <summary>A live silo, as <c>lsgd cluster status</c> lists it.</summary>
/// <param name="Address">Its address (host:port@generation).</param>
/// <param name="Status">Orleans' status (Active, ShuttingDown, …).</param>
/// <param name="Shards">The shard workers active on it ("fit/shard/attempt").</param>
public sealed record SiloInfo(string Address, string Status, IReadOnlyList<string> Shards);

/// <summary>
/// A connection to an Lsgd cluster: <c>local:N</c> (N silos started in this process, membership and state kept in
/// the process, no Redis) or <c>redis://HOST:PORT[/CLUSTER-ID]</c> (silos started with <c>lsgd cluster silo</c>).
/// </summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    private readonly IHost _client;
    private readonly List<IHost?> _silos;
    private readonly ClusterTimeouts _timeouts;

    private ClusterConnection(IHost client, List<IHost?> silos, ClusterTimeouts timeouts)
    {
        _client = client;
        _silos = silos;
        _timeouts = timeouts;
    }

    private IClusterClient Client => _client.Services.GetRequiredService<IClusterClient>();

    /// <summary>Silos started by this connection (<c>local:N</c>); a stopped one is null.</summary>
    internal IReadOnlyList<IHost?> LocalSilos => _silos;

    /// <summary>The cluster's id (its coordinators' persisted states are kept apart from other clusters' sharing a Redis).</summary>
    internal string ClusterId { get; init; } = "";

    /// <summary>Workers tried per shard before a read error fails the fit.</summary>
    internal int MaxAttempts { get; init; } = 3;

    /// <summary>The silo that answered the last round (tests kill it).</summary>
    internal string LastCoordinatorSilo { get; private set; } = "";

    /// <summary>How often the client asks the coordinator for a round.</summary>
    internal TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Starts or joins the cluster named by <paramref name="address"/>: <c>local:N</c> or <c>redis://HOST:PORT</c>
    /// (optionally <c>/CLUSTER-ID</c>, default "lsgd").
    /// </summary>
    /// <exception cref="LsgdException">The address is not understood, or no silo answers.</exception>
    public static async Task<ClusterConnection> ConnectAsync(string address, ClusterTimeouts? timeouts = null, string? tlsCertificate = null,
        string? tlsPassword = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        timeouts ??= ClusterTimeouts.Default;
        if (address.StartsWith("local:", StringComparison.OrdinalIgnoreCase))
        {
            if (!int.TryParse(address.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1 || n > 16)
                throw new LsgdException($"--cluster '{address}' is not allowed: local:N starts N silos in this process, N from 1 to 16. Try local:3.");
            if (tlsCertificate is not null)
                throw new LsgdException("--tls-certificate protects traffic between machines; local:N runs in one process. Drop it, or use --cluster redis://HOST:PORT.");
            return await StartLocalAsync(n, timeouts, cancellationToken).ConfigureAwait(false);
        }
        var (redis, clusterId) = ParseRedis(address);
        var certificate = tlsCertificate is null ? null : ClusterHosting.LoadCertificate(tlsCertificate, tlsPassword);
        var client = ClusterHosting.BuildRedisClient(redis, clusterId, timeouts, certificate);
        await StartClientAsync(client, $"no silo of cluster '{clusterId}' answers through Redis at {redis}. Start silos with `lsgd cluster silo --redis {redis}`" +
            (clusterId == "lsgd" ? "" : $" --cluster-id {clusterId}") + ", and check that Redis runs.", timeouts, cancellationToken).ConfigureAwait(false);
        return new ClusterConnection(client, [], timeouts) { ClusterId = clusterId };
    }

    /// <summary>redis://HOST:PORT[/CLUSTER-ID] (or HOST:PORT) → (HOST:PORT, cluster id).</summary>
    internal static (string Redis, string ClusterId) ParseRedis(string address)
    {
        string rest = address.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) ? address[8..] : address;
        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        string hostPort = slash < 0 ? rest : rest[..slash];
        string clusterId = slash < 0 || slash == rest.Length - 1 ? "lsgd" : rest[(slash + 1)..];
        int colon = hostPort.LastIndexOf(':');
        if (hostPort.Length == 0 || colon <= 0 || !int.TryParse(hostPort.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            throw new LsgdException($"--cluster '{address}' is not allowed: give local:N or redis://HOST:PORT (optionally /CLUSTER-ID). Try redis://127.0.0.1:6379.");
        return (hostPort, clusterId);
    }

    /// <summary>
    /// <c>local:N</c>; tests give the silos <paramref name="siloCertificate"/> and the client <paramref name="clientCertificate"/>
    /// to check TLS in one process.
    /// </summary>
    internal static async Task<ClusterConnection> StartLocalAsync(int n, ClusterTimeouts timeouts, CancellationToken cancellationToken,
        System.Security.Cryptography.X509Certificates.X509Certificate2? siloCertificate = null,
        System.Security.Cryptography.X509Certificates.X509Certificate2? clientCertificate = null)
    {
        var table = new InProcessMembershipTable();
        var storage = new InProcessGrainStorage();
        string clusterId = "local-" + Guid.NewGuid().ToString("N")[..8];
        var silos = new List<IHost?>();
        try
        {
            for (int i = 0; i < n; i++)
            {
                var silo = ClusterHosting.BuildLocalSilo(clusterId, table, storage, timeouts, siloCertificate);
                silos.Add(silo);
                await silo.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            var client = ClusterHosting.BuildLocalClient(clusterId, table, timeouts, clientCertificate);
            await StartClientAsync(client, "the local silos did not answer.", timeouts, cancellationToken).ConfigureAwait(false);
            return new ClusterConnection(client, silos, timeouts) { ClusterId = clusterId };
        }
        catch
        {
            foreach (var silo in silos)
                if (silo is not null) await StopAsync(silo, graceful: false).ConfigureAwait(false);
            throw;
        }
    }

    private static async Task StartClientAsync(IHost client, string failure, ClusterTimeouts timeouts, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(timeouts.StallTimeout);
        try
        {
            await client.StartAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            client.Dispose();
            throw new LsgdException("Cannot reach the cluster: " + failure + $" ({e.GetBaseException().Message.TrimEnd('.')})");
        }
    }

    /// <summary>Stops silo <paramref name="index"/> of <c>local:N</c>: gracefully, or abruptly as a crash would (tests).</summary>
    internal async Task StopSiloAsync(int index, bool graceful)
    {
        var silo = _silos[index] ?? throw new InvalidOperationException($"Silo {index} is already stopped.");
        _silos[index] = null;
        await StopAsync(silo, graceful).ConfigureAwait(false);
    }

    /// <summary>The silo address of <c>local:N</c> silo <paramref name="index"/>.</summary>
    internal string SiloAddress(int index) => _silos[index]!.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString();

    private static async Task StopAsync(IHost host, bool graceful)
    {
        try
        {
            await host.StopAsync(graceful ? CancellationToken.None : new CancellationToken(true)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or OrleansException or ObjectDisposedException)
        {
        }
        host.Dispose();
    }

    /// <summary>Live silos and the shard workers active on each.</summary>
    public async Task<IReadOnlyList<SiloInfo>> StatusAsync()
    {
        // A busy silo may miss the response timeout: ask again (as every other call does) until StallTimeout.
        var management = Client.GetGrain<IManagementGrain>(0);
        var hosts = await RetryAsync(() => management.GetHosts(onlyActive: true), "the list of live silos", CancellationToken.None).ConfigureAwait(false);
        var workers = await RetryAsync(() => management.GetDetailedGrainStatistics(), "the list of shard workers", CancellationToken.None).ConfigureAwait(false);
        return [.. hosts.OrderBy(h => h.Key.ToString(), StringComparer.Ordinal).Select(h => new SiloInfo(h.Key.ToString(), h.Value.ToString(),
            [.. workers.Where(w => w.SiloAddress.Equals(h.Key) && w.GrainType.Contains(nameof(ShardWorkerGrain), StringComparison.Ordinal))
                .Select(w => w.GrainId.Key.ToString() ?? "").Order(StringComparer.Ordinal)]))];
    }

    private async Task<HashSet<string>> ActiveSilosAsync()
    {
        var hosts = await Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).ConfigureAwait(false);
        return [.. hosts.Keys.Select(k => k.ToString())];
    }

    /// <summary>
    /// One distributed pass: every shard's statistics, read by whichever silo holds its worker, merged in shard order —
    /// bit for bit what <see cref="ShardedData.ComputeLocally"/> gives. A silo lost mid-pass costs only the shards it
    /// had not finished (the coordinator's persisted state keeps the finished ones); they are read again elsewhere.
    /// </summary>
    /// <param name="data">The shards.</param>
    /// <param name="progress">Shards done so far.</param>
    /// <param name="cancellationToken">Stops waiting (the workers finish their current shard).</param>
    /// <exception cref="LsgdException">A shard cannot be read on any try (the message names the file), or the cluster makes no progress for <see cref="ClusterTimeouts.StallTimeout"/>.</exception>
    public async Task<ClusterRun> ComputeStatisticsAsync(ShardedData data, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var plan = new FitPlan
        {
            Shards = [.. data.Jobs],
            MaxAttempts = MaxAttempts,
            RoundBudget = RoundBudget,
        };
        var startSilos = await RetryAsync(ActiveSilosAsync, "the list of live silos before the pass", cancellationToken).ConfigureAwait(false);
        // Named by what it reads, so that a rerun after the client died (or was stopped) finds the coordinator's persisted
        // state and reads only the shards not finished yet; the state is cleared when the pass ends, done or failed.
        var coordinator = Client.GetGrain<IFitCoordinatorGrain>(PassId(ClusterId, data));
        var (report, clientRetries) = await RunPassAsync(coordinator, data, plan, "statistics pass", progress, cancellationToken).ConfigureAwait(false);
        var result = report.Result!;
        var statistics = ShardReader.MergeInOrder([.. result.Select(m => m.ToStatistics())], data.ShardNames);
        var endSilos = await RetryAsync(ActiveSilosAsync, "the list of live silos after the pass", cancellationToken).ConfigureAwait(false);
        await ForgetAsync(coordinator).ConfigureAwait(false);
        return new ClusterRun(statistics, startSilos.Count, data.ShardCount, report.Retries + clientRetries, startSilos.Count(s => !endSilos.Contains(s)))
        {
            ShardRows = [.. result.Select(m => m.Count)],
        };
    }

    /// <summary>
    /// Runs one distributed pass (<paramref name="plan"/>: the statistics, or an exact solver's pass, named
    /// <paramref name="pass"/> in messages) through <paramref name="coordinator"/> to its end: rounds every
    /// <see cref="PollInterval"/> until every shard has answered; returns the last report and the client's own retries.
    /// </summary>
    internal async Task<(RoundReport Report, int Retries)> RunPassAsync(IFitCoordinatorGrain coordinator, ShardedData data, FitPlan plan, string pass,
        IProgress<int>? progress, CancellationToken cancellationToken)
    {
        int clientRetries = 0, lastDone = -1;
        var sinceProgress = Stopwatch.StartNew();
        RoundReport report;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                report = await coordinator.Advance(plan).WaitAsync(_timeouts.ResponseTimeout * 2, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is TimeoutException or OrleansException or InvalidOperationException)
            {
                clientRetries++;
                if (sinceProgress.Elapsed > _timeouts.StallTimeout)
                    throw Stalled($"coordinator of the {pass} did not answer", sinceProgress.Elapsed,
                        $"{Math.Max(lastDone, 0)} of {data.ShardCount} shards read; {clientRetries} calls failed, the last: {LastError(e)}");
                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
                continue;
            }
            LastCoordinatorSilo = report.Silo;
            if (report.Error is { } error)
            {
                await ForgetAsync(coordinator).ConfigureAwait(false);   // a rerun tries the shard again
                throw new LsgdException(error.TrimEnd('.') + ". Fix or remove that file, and check that every silo can read it.");
            }
            if (report.Done != lastDone)
            {
                lastDone = report.Done;
                sinceProgress.Restart();
                progress?.Report(report.Done);
            }
            else if (sinceProgress.Elapsed > _timeouts.StallTimeout)
                throw Stalled("finished no shard", sinceProgress.Elapsed, $"{report.Done} of {report.Total} {(plan.Pass is null ? "read" : "done in the " + pass)}; waiting for {Waiting(data, report)}");
            if (report.Result is not null || report.Pieces is not null)
                return (report, clientRetries);
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Clears a pass's persisted state, if the cluster answers.</summary>
    internal static async Task ForgetAsync(IFitCoordinatorGrain coordinator)
    {
        try
        {
            await coordinator.Forget().ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            // The result (or the error) is in hand; a state left behind is only a few kilobytes in the store.
        }
    }

    /// <summary>
    /// The id of the statistics pass over <paramref name="data"/>: a hash of every shard's job (paths, blocks, columns,
    /// format) and its files' sizes and times of last change, so the same command on the same files finds the same
    /// coordinator, and a changed file starts afresh.
    /// </summary>
    internal static string PassId(string clusterId, ShardedData data)
    {
        var text = new System.Text.StringBuilder($"lsgd statistics pass 1|{clusterId}\n");
        foreach (var job in data.Jobs)
        {
            text.Append(CultureInfo.InvariantCulture, $"{job.Index}|{job.Path}|{job.TargetsPath}|{job.FirstChunk}|{job.Chunks}|{job.CsvHeaderEnd}|{job.CsvStart}|{job.CsvEnd}|");
            text.Append(CultureInfo.InvariantCulture, $"{string.Join(',', job.Targets)}|{string.Join(',', job.Features)}|{(int?)job.Separator}|{job.DecimalComma}|{job.Missing}|{job.Weights}|");
            foreach (string? path in new[] { job.Path, job.TargetsPath })
            {
                var file = path is null ? null : new FileInfo(path);
                if (file is { Exists: true })
                    text.Append(CultureInfo.InvariantCulture, $"{file.Length}@{file.LastWriteTimeUtc.Ticks}|");
                else
                    text.Append("-|");
            }
            text.Append('\n');
        }
        return "pass-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString())))[..32];
    }

    /// <summary>The shards a pass still waits for, by name (the first three) and the silo that last answered.</summary>
    private static string Waiting(ShardedData data, RoundReport report)
    {
        var names = data.ShardNames;
        var pending = Enumerable.Range(0, report.Total).Where(i => i >= report.ReadBy.Length || report.ReadBy[i].Length == 0).ToArray();
        string list = string.Join(", ", pending.Take(3).Select(i => $"shard {i + 1} ({names[i]})")) + (pending.Length > 3 ? $" and {pending.Length - 3} more" : "");
        return $"{list}; coordinator on silo {report.Silo}";
    }

    /// <summary>
    /// Mini-batches of <paramref name="data"/>'s shards held by the cluster's workers, for
    /// <see cref="Estimators.LinearRegressor.Fit(SufficientStatistics, Engines.IMiniBatchSource, IProgress{Training.TrainingProgress}?, CancellationToken)"/>:
    /// each step is one synchronous round (θ out to the shards with rows in the batch, their partial gradients back,
    /// summed in shard order), persisted by the coordinator — bit for bit the batches of <see cref="ShardedData.LocalMiniBatches"/>.
    /// </summary>
    /// <param name="data">The shards.</param>
    /// <param name="run">The statistics pass over them (its shard sizes).</param>
    /// <param name="cancellationToken">Stops waiting for a step.</param>
    public ClusterMiniBatches MiniBatches(ShardedData data, ClusterRun run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(run);
        return new ClusterMiniBatches(this, data, run, cancellationToken);
    }

    /// <summary>
    /// The exact solver's passes over <paramref name="data"/>'s shards on the cluster, for
    /// <see cref="Estimators.LinearRegressor.Fit(SufficientStatistics, Solvers.IShardedRows, IProgress{Training.TrainingProgress}?, CancellationToken)"/>:
    /// each pass is a distributed pass like the statistics one (each shard's piece computed by whichever silo holds
    /// its worker, persisted by the coordinator as it finishes), the pieces merged in shard order by the solver —
    /// bit for bit the pieces of <see cref="ShardedData.LocalPasses"/>.
    /// </summary>
    /// <param name="data">The shards.</param>
    /// <param name="run">The statistics pass over them.</param>
    /// <param name="cancellationToken">Stops waiting for a pass.</param>
    public ClusterShardPasses ExactPasses(ShardedData data, ClusterRun run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(run);
        return new ClusterShardPasses(this, data, run, cancellationToken);
    }

    /// <summary>How long a coordinator waits for its workers within one call (a third of the response timeout).</summary>
    internal TimeSpan RoundBudget => _timeouts.ResponseTimeout / 3;

    /// <summary>Test hook, called on the client after each finished mini-batch step (its 0-based index).</summary>
    internal Action<long>? AfterStep { get; set; }

    /// <summary>Silos alive now (addresses).</summary>
    internal Task<HashSet<string>> LiveSilosAsync(CancellationToken cancellationToken) => RetryAsync(ActiveSilosAsync, "the list of live silos", cancellationToken);

    /// <summary>The coordinator of a mini-batch fit.</summary>
    internal IFitCoordinatorGrain Coordinator(string fit) => Client.GetGrain<IFitCoordinatorGrain>(fit);

    /// <summary>The rows worker of shard <paramref name="shard"/> of a mini-batch fit.</summary>
    internal IShardRowsGrain RowsWorker(string fit, int shard) => Client.GetGrain<IShardRowsGrain>($"{fit}/rows/{shard}");

    /// <summary>
    /// Runs one step to its end: asks the coordinator until it answers with the sum (a call that fails, times out or
    /// finds workers still loading is asked again), or fails the fit with a read error or after
    /// <see cref="ClusterTimeouts.StallTimeout"/> without an answer. Returns the answer and the client's retries.
    /// </summary>
    internal async Task<(StepAnswer Answer, int Retries)> StepAsync(IFitCoordinatorGrain coordinator, StepRequest request, CancellationToken cancellationToken)
    {
        int retries = 0;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string? last = null;
            try
            {
                var answer = await coordinator.Step(request).WaitAsync(_timeouts.ResponseTimeout * 2, cancellationToken).ConfigureAwait(false);
                LastCoordinatorSilo = answer.Silo;
                if (answer.Error is { } error)
                    throw new LsgdException(error.TrimEnd('.') + ". Fix or remove that file, and check that every silo can read it.");
                if (answer.Gradient is not null)
                {
                    AfterStep?.Invoke(request.Step);
                    return (answer, retries);
                }
                last = $"the coordinator on silo {answer.Silo} still waited for shards' workers (loading their rows, or on a lost silo)";
            }
            catch (Exception e) when (e is TimeoutException or OrleansException or InvalidOperationException)
            {
                retries++;
                last = LastError(e);
            }
            if (clock.Elapsed > _timeouts.StallTimeout)
                throw Stalled($"did not finish mini-batch step {request.Step + 1} (epoch step {request.Part + 1} of {request.Steps})", clock.Elapsed,
                    $"{retries} calls to its coordinator failed; the last answer: {last}");
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Measures synchronous rounds (docs/CLUSTER.md): after one pass over <paramref name="data"/>, the client asks every
    /// shard's worker for its finished statistics and waits for all, <paramref name="rounds"/> times; returns the median
    /// milliseconds of one round.
    /// </summary>
    internal async Task<double> MeasureRoundAsync(ShardedData data, int rounds)
    {
        var jobs = data.Jobs.ToArray();
        string fit = Guid.NewGuid().ToString("N");
        var workers = jobs.Select(j => Client.GetGrain<IShardWorkerGrain>($"{fit}/{j.Index}/0")).ToArray();
        while ((await Task.WhenAll(workers.Select((w, i) => w.Poll(jobs[i]))).ConfigureAwait(false)).Any(p => p.Statistics is null))
            await Task.Delay(PollInterval).ConfigureAwait(false);
        var times = new double[rounds];
        for (int r = 0; r < rounds; r++)
        {
            long start = Stopwatch.GetTimestamp();
            await Task.WhenAll(workers.Select((w, i) => w.Poll(jobs[i]))).ConfigureAwait(false);
            times[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(times);
        return times[rounds / 2];
    }

    /// <summary>
    /// Calls <paramref name="call"/> until it answers: a call that fails or times out (a busy or lost silo) is made
    /// again, until <see cref="ClusterTimeouts.StallTimeout"/> has passed without an answer; then the wait ends in
    /// <see cref="Stalled"/>'s error, saying what was asked, for how long, and what to do.
    /// </summary>
    /// <param name="call">The call.</param>
    /// <param name="what">What is asked, for the message ("the list of live silos").</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    private async Task<T> RetryAsync<T>(Func<Task<T>> call, string what, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        for (int tries = 1; ; tries++)
        {
            try
            {
                return await call().WaitAsync(_timeouts.ResponseTimeout * 2, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is TimeoutException or OrleansException)
            {
                if (clock.Elapsed >= _timeouts.StallTimeout)
                    throw Stalled($"did not answer {what}", clock.Elapsed, $"{tries} calls, the last: {LastError(e)}");
                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>An Orleans failure as a short clause (its message, without Orleans' own advice or a stack).</summary>
    private static string LastError(Exception e)
    {
        var inner = e.GetBaseException();
        string message = inner.Message.Split('\n')[0].Trim().TrimEnd('.');
        return inner is TimeoutException && message.Length == 0 ? "timed out" : $"{inner.GetType().Name}: {message}";
    }

    /// <summary>
    /// The error that ends a wait with no progress: <paramref name="what"/> happened (e.g. "did not answer the list of
    /// live silos") for <paramref name="waited"/>, with <paramref name="detail"/> — one line, and what to do.
    /// </summary>
    internal LsgdException Stalled(string what, TimeSpan waited, string detail) =>
        new($"The cluster {what} for {waited.TotalSeconds:0} s ({detail}). Check that its silos are running and can read the data " +
            "(`lsgd cluster status --redis HOST:PORT`); on a loaded machine or a slow disk, allow longer waits with " +
            $"{ClusterTimeouts.StallTimeoutVariable}=SECONDS (now {_timeouts.StallTimeout.TotalSeconds:0}) and " +
            $"{ClusterTimeouts.ResponseTimeoutVariable}=SECONDS (now {_timeouts.ResponseTimeout.TotalSeconds:0.#}), then run the command again.");

    /// <summary>Stops the client and, for <c>local:N</c>, the silos.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _client.StopAsync(new CancellationToken(true)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or OrleansException)
        {
        }
        _client.Dispose();
        await Task.WhenAll(_silos.Where(s => s is not null).Select(s => StopAsync(s!, graceful: false))).ConfigureAwait(false);
        _silos.Clear();
    }
}
