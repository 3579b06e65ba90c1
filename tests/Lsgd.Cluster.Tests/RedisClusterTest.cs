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

/// <summary>Three <c>lsgd cluster silo</c> processes on a real Redis, one <c>lsgd fit --cluster</c>, and <c>kill -9</c> of a silo mid-fit.</summary>
public class RedisClusterTest
{
    private static string LsgdDll()
    {
        string here = Path.Combine(AppContext.BaseDirectory, "Lsgd.Cli.dll");
        if (File.Exists(Path.Combine(AppContext.BaseDirectory, "Lsgd.Cli.runtimeconfig.json")))
            return here;
        throw new InvalidOperationException($"Lsgd.Cli.runtimeconfig.json is not beside {here}.");
    }

    private static Process Start(string[] args, Dictionary<string, string>? environment = null)
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

    [RedisFact]
    public async Task ASiloKilledWithSignal9MidFitLeavesTheResultBitIdentical()
    {
        var (port, redis) = RedisServer.Ensure();
        string clusterId = "test-" + Guid.NewGuid().ToString("N")[..8];
        string address = $"127.0.0.1:{port}";
        var silos = new List<Process>();
        var reading = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        try
        {
            using var shards = new ShardFiles(9, rowsPerShard: 300);
            var local = CliClusterTest.Lsgd(["fit", .. shards.Files, "--target", "y", "--method", "exact", "--json"]);
            Assert.True(local.Code == 0, local.Error);

            var joined = new List<Task>();
            for (int i = 0; i < 3; i++)
            {
                var silo = Start(["cluster", "silo", "--redis", address, "--cluster-id", clusterId], new() { ["LSGD_TEST_SHARD_DELAY_MS"] = "1500" });
                silos.Add(silo);
                var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                int index = i;
                silo.OutputDataReceived += (_, e) =>
                {
                    if (e.Data is null) return;
                    log.Enqueue($"silo {index}: {e.Data}");
                    if (e.Data.Contains("joined cluster", StringComparison.Ordinal)) up.TrySetResult();
                };
                silo.ErrorDataReceived += (_, e) =>
                {
                    if (e.Data is null) return;
                    log.Enqueue($"silo {index} (stderr): {e.Data}");
                    if (e.Data.Contains("lsgd: test: reading shard", StringComparison.Ordinal)) reading.TrySetResult(index);
                };
                silo.BeginOutputReadLine();
                silo.BeginErrorReadLine();
                joined.Add(up.Task);
                // One at a time: a silo still joining on a loaded machine may be declared dead by one joining beside it.
                try
                {
                    await up.Task.WaitAsync(TimeSpan.FromSeconds(120));
                }
                catch (TimeoutException)
                {
                    Assert.Fail($"Silo {i} did not join within 120 s:\n" + string.Join('\n', log));
                }
            }

            var status = CliClusterTest.Lsgd("cluster", "status", "--redis", address, "--cluster-id", clusterId, "--json");
            Assert.True(status.Code == 0, status.Error);
            Assert.Equal(3, JsonDocument.Parse(status.Output).RootElement.GetProperty("silos").GetArrayLength());

            var fit = Start(["fit", .. shards.Files, "--target", "y", "--method", "exact", "--json", "--cluster", $"redis://{address}/{clusterId}"]);
            var output = fit.StandardOutput.ReadToEndAsync();
            var error = fit.StandardError.ReadToEndAsync();
            int victim = await reading.Task.WaitAsync(TimeSpan.FromSeconds(120));
            silos[victim].Kill();   // SIGKILL: no goodbye to the cluster
            await fit.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(180));
            Assert.True(fit.ExitCode == 0, await error);
            string json = await output;
            Assert.Equal(CliClusterTest.Comparable(local.Output), CliClusterTest.Comparable(json));
            var figures = JsonDocument.Parse(json).RootElement.GetProperty("cluster");
            Assert.Equal(3, figures.GetProperty("silos").GetInt32());
            Assert.Equal(9, figures.GetProperty("shards").GetInt32());
            Assert.Equal(1, figures.GetProperty("lost_silos").GetInt32());
        }
        finally
        {
            foreach (var silo in silos)
            {
                if (!silo.HasExited) silo.Kill();
                silo.Dispose();
            }
            if (redis is not null)
            {
                redis.Kill();
                redis.Dispose();
            }
        }
    }
}
