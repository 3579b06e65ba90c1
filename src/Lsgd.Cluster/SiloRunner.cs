using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;

namespace Lsgd.Cluster;

/// <summary>Runs one silo of a real cluster (<c>lsgd cluster silo</c>) until cancelled.</summary>
public static class SiloRunner
{
    /// <summary>
    /// Starts a silo, calls <paramref name="started"/> with its address, and runs until <paramref name="cancellationToken"/>
    /// is cancelled (Ctrl+C, SIGTERM); then leaves the cluster gracefully.
    /// </summary>
    /// <exception cref="LsgdException">The silo cannot start (Redis unreachable, port taken, bad certificate).</exception>
    public static async Task RunAsync(SiloSettings settings, Action<string>? started = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ClusterConnection.ParseRedis(settings.Redis);
        using var host = ClusterHosting.BuildRedisSilo(settings);
        using (var startTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            startTimeout.CancelAfter(settings.Timeouts.StallTimeout);
            try
            {
                await host.StartAsync(startTimeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                throw new LsgdException($"The silo could not start: {e.GetBaseException().Message.TrimEnd('.')}. Check that Redis runs at {settings.Redis} and that the address {settings.Address} is this machine's.");
            }
        }
        started?.Invoke(host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString());
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await host.StopAsync(stopTimeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
