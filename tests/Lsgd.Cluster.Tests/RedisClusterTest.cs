using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Lsgd.Cluster.Tests;

/// <summary>Runs only with a Redis: the port in LSGD_TEST_REDIS_PORT (set by .ci/run), or a redis-server on PATH started here.</summary>
public sealed class RedisFactAttribute : FactAttribute
{
    public RedisFactAttribute()
    {
        if (RedisServer.Port is null && RedisServer.Executable() is null)
            Skip = "No Redis: set LSGD_TEST_REDIS_PORT to a Redis on 127.0.0.1 (as .ci/run does) or put redis-server on PATH (apt-get install redis-server).";
    }
}

/// <summary>The Redis the multi-process test uses.</summary>
internal static class RedisServer
{
    public static int? Port => int.TryParse(Environment.GetEnvironmentVariable("LSGD_TEST_REDIS_PORT"), out int port) ? port : null;

    public static string? Executable() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "redis-server")).FirstOrDefault(File.Exists);

    /// <summary>The port of a running Redis, and a process to stop afterwards when this started one.</summary>
    public static (int Port, Process? Started) Ensure()
    {
        if (Port is { } port)
            return (port, null);
        int free = ClusterHosting.FreePort(IPAddress.Loopback);
        var process = Process.Start(new ProcessStartInfo(Executable()!, ["--port", free.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                client.Connect(IPAddress.Loopback, free);
                return (free, process);
            }
            catch (System.Net.Sockets.SocketException)
            {
                Thread.Sleep(100);
            }
        }
        process.Kill();
        throw new InvalidOperationException($"redis-server did not listen on port {free}.");
    }
}

/// <summary>
/// <c>lsgd cluster silo</c> processes on a real Redis, each watched through its output: the test waits on what they
/// print (joined, reading a shard, a coordinator's step), never on a clock. Every child process gets long Orleans
/// timeouts (<see cref="Environment"/>), so a machine at load 50–70 does not time calls out.
/// </summary>
internal sealed class SiloProcesses : IDisposable
{
    private readonly List<Process> _silos = [];
    private readonly Process? _redis;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _log = new();

    public SiloProcesses()
    {
        (int port, _redis) = RedisServer.Ensure();
        Address = $"127.0.0.1:{port}";
    }

    public string Address { get; }

    public string ClusterId { get; } = "test-" + Guid.NewGuid().ToString("N")[..8];

    public string Cluster => $"redis://{Address}/{ClusterId}";

    /// <summary>Response timeout 10 s and stall timeout 180 s in every child process (the defaults, 3 s and 60 s, are for machines that are not shared by a test suite).</summary>
    public static Dictionary<string, string> Environment(Dictionary<string, string>? more = null)
    {
        var environment = new Dictionary<string, string>
        {
            [ClusterTimeouts.ResponseTimeoutVariable] = "10",
            [ClusterTimeouts.StallTimeoutVariable] = "180",
        };
        foreach (var (key, value) in more ?? [])
            environment[key] = value;
        return environment;
    }

    /// <summary>Every line the silos printed, for a failure's message.</summary>
    public string Log => string.Join('\n', _log);

    public Process this[int index] => _silos[index];

    /// <summary>Starts <paramref name="count"/> silos one at a time (a silo still joining on a loaded machine may be declared dead by one joining beside it), each once it has said it joined; <paramref name="onError"/> sees each silo's stderr lines.</summary>
    public async Task StartAsync(int count, Dictionary<string, string> environment, Action<int, string> onError)
    {
        for (int i = 0; i < count; i++)
        {
            var silo = RedisClusterTest.Start(["cluster", "silo", "--redis", Address, "--cluster-id", ClusterId], environment);
            _silos.Add(silo);
            var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            int index = i;
            silo.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                _log.Enqueue($"silo {index}: {e.Data}");
                if (e.Data.Contains("joined cluster", StringComparison.Ordinal)) up.TrySetResult();
            };
            silo.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                _log.Enqueue($"silo {index} (stderr): {e.Data}");
                onError(index, e.Data);
            };
            silo.Exited += (_, _) => up.TrySetException(new InvalidOperationException($"Silo {index} exited before joining."));
            silo.EnableRaisingEvents = true;
            silo.BeginOutputReadLine();
            silo.BeginErrorReadLine();
            try
            {
                await up.Task.WaitAsync(TimeSpan.FromSeconds(120));
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException)
            {
                Assert.Fail($"Silo {i} did not join within 120 s ({e.Message}):\n" + Log);
            }
        }
    }

    public void Dispose()
    {
        foreach (var silo in _silos)
        {
            try
            {
                if (!silo.HasExited) silo.Kill();
            }
            catch (InvalidOperationException)
            {
            }
            silo.Dispose();
        }
        if (_redis is not null)
        {
            _redis.Kill();
            _redis.Dispose();
        }
    }
}

/// <summary>Three <c>lsgd cluster silo</c> processes on a real Redis, one <c>lsgd fit --cluster</c>, and <c>kill -9</c> of a silo mid-fit.</summary>
public class RedisClusterTest(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(240);

    private static string LsgdDll()
    {
        string here = Path.Combine(AppContext.BaseDirectory, "Lsgd.Cli.dll");
        if (File.Exists(Path.Combine(AppContext.BaseDirectory, "Lsgd.Cli.runtimeconfig.json")))
            return here;
        throw new InvalidOperationException($"Lsgd.Cli.runtimeconfig.json is not beside {here}.");
    }

    internal static Process Start(string[] args, Dictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet", [LsgdDll(), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in environment ?? [])
            info.Environment[key] = value;
        return Process.Start(info)!;
    }

    /// <summary>Runs <c>lsgd fit ARGS --cluster</c> in its own process; returns its exit code, stdout and stderr.</summary>
    private static async Task<(int Code, string Output, string Error)> FitAsync(string[] args, Func<Task> whileRunning, SiloProcesses silos)
    {
        using var fit = Start(args, SiloProcesses.Environment());
        var output = fit.StandardOutput.ReadToEndAsync();
        var error = fit.StandardError.ReadToEndAsync();
        try
        {
            await whileRunning();
            await fit.WaitForExitAsync().WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            fit.Kill();
            Assert.Fail($"The fit did not end within {Patience.TotalSeconds:0} s. Silos:\n{silos.Log}\nFit's stderr:\n{await error}");
        }
        return (fit.ExitCode, await output, await error);
    }

    [RedisFact]
    public async Task ASiloKilledWithSignal9MidFitLeavesTheResultBitIdentical()
    {
        using var shards = new ShardFiles(9, rowsPerShard: 300);
        var local = CliClusterTest.Lsgd(["fit", .. shards.Files, "--target", "y", "--method", "exact", "--json"]);
        Assert.True(local.Code == 0, local.Error);

        using var silos = new SiloProcesses();
        var reading = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await silos.StartAsync(3, SiloProcesses.Environment(new() { ["LSGD_TEST_SHARD_DELAY_MS"] = "1500" }), (index, line) =>
        {
            if (line.Contains("lsgd: test: reading shard", StringComparison.Ordinal)) reading.TrySetResult(index);
        });

        var status = CliClusterTest.Lsgd("cluster", "status", "--redis", silos.Address, "--cluster-id", silos.ClusterId, "--json");
        Assert.True(status.Code == 0, status.Error);
        Assert.Equal(3, JsonDocument.Parse(status.Output).RootElement.GetProperty("silos").GetArrayLength());

        int victim = -1;
        var fit = await FitAsync(["fit", .. shards.Files, "--target", "y", "--method", "exact", "--json", "--cluster", silos.Cluster], async () =>
        {
            victim = await reading.Task.WaitAsync(Patience);
            silos[victim].Kill();   // SIGKILL: no goodbye to the cluster
        }, silos);
        Assert.True(fit.Code == 0, fit.Error + "\n" + silos.Log);
        Assert.Equal(CliClusterTest.Comparable(local.Output), CliClusterTest.Comparable(fit.Output));
        var figures = JsonDocument.Parse(fit.Output).RootElement.GetProperty("cluster");
        Assert.Equal(3, figures.GetProperty("silos").GetInt32());
        Assert.Equal(9, figures.GetProperty("shards").GetInt32());
        Assert.Equal(1, figures.GetProperty("lost_silos").GetInt32());
        output.WriteLine($"killed silo {victim} while it read a shard; cluster: {figures}");
    }

    /// <summary>A coordinator's trace line: <c>lsgd: test: coordinator step K (persisted steps P)</c>.</summary>
    private static readonly System.Text.RegularExpressions.Regex StepLine = new(@"lsgd: test: coordinator step (\d+) \(persisted steps (\d+)\)");

    [RedisFact]
    public async Task TheCoordinatorsSiloKilledWithSignal9MidStepsResumesFromThePersistedStep()
    {
        // 3 shards × 200 rows in batches of 20: 30 synchronous steps an epoch, 3 epochs = 90 steps; each slowed by 30 ms.
        using var shards = new ShardFiles(3, rowsPerShard: 200);
        string[] flags = ["--target", "y", "--batch-size", "20", "--optimizer", "adam", "--learning-rate", "0.05", "--max-iterations", "3", "--json"];
        var local = CliClusterTest.Lsgd(["fit", .. shards.Files, .. flags]);
        Assert.True(local.Code == 0, local.Error);

        using var silos = new SiloProcesses();
        var steps = new System.Collections.Concurrent.ConcurrentQueue<(int Silo, long Step, long Persisted, bool AfterKill)>();
        var killAt = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        int killed = 0;
        await silos.StartAsync(3, SiloProcesses.Environment(new() { ["LSGD_TEST_STEP_DELAY_MS"] = "30" }), (index, line) =>
        {
            var match = StepLine.Match(line);
            if (!match.Success) return;
            long step = long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            steps.Enqueue((index, step, long.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), Volatile.Read(ref killed) == 1));
            if (step >= 25) killAt.TrySetResult(index);
        });

        int victim = -1;
        long lastBefore = 0;
        var fit = await FitAsync(["fit", .. shards.Files, .. flags, "--cluster", silos.Cluster], async () =>
        {
            victim = await killAt.Task.WaitAsync(Patience);   // the silo that holds the coordinator, at step 25 or later
            lastBefore = steps.Max(s => s.Step);
            Volatile.Write(ref killed, 1);
            silos[victim].Kill();   // SIGKILL mid-steps: the coordinator and the workers on that silo are gone
        }, silos);
        Assert.True(fit.Code == 0, fit.Error + "\n" + silos.Log);
        Assert.Equal(CliClusterTest.Comparable(local.Output), CliClusterTest.Comparable(fit.Output));
        var figures = JsonDocument.Parse(fit.Output).RootElement.GetProperty("cluster");
        Assert.Equal(1, figures.GetProperty("lost_silos").GetInt32());
        Assert.True(figures.GetProperty("retries").GetInt32() >= 1, fit.Output);
        int iterations = JsonDocument.Parse(fit.Output).RootElement.GetProperty("iterations").GetInt32();

        // Resumed, not restarted: the new coordinator (on another silo) read the persisted state, at least the steps
        // finished before the kill but the one in flight, and no step before them was asked for again.
        var after = steps.Where(s => s.Silo != victim && s.AfterKill).ToArray();
        Assert.NotEmpty(after);
        var first = after[0];
        Assert.True(first.Persisted >= lastBefore - 1 && first.Step >= lastBefore, $"resumed at step {first.Step} with {first.Persisted} persisted, after step {lastBefore} before the kill:\n{silos.Log}");
        Assert.All(after, s => Assert.True(s.Step >= lastBefore));
        Assert.Equal(30 * iterations, steps.Max(s => s.Step));
        output.WriteLine($"killed silo {victim} (the coordinator's) after step {lastBefore} was asked for; the new coordinator resumed at step {first.Step} " +
            $"with {first.Persisted} steps persisted; {30 * iterations} steps in all; cluster: {figures}");
    }
}
