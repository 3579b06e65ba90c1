using Lsgd.Data;
using Orleans.Runtime;

namespace Lsgd.Cluster;

/// <summary>Reads one shard (keyed "fit/shard/attempt") in the background and answers polls with its statistics.</summary>
internal interface IShardWorkerGrain : IGrainWithStringKey
{
    /// <summary>Starts reading on the first call; answers at once: still reading, the statistics, or the error.</summary>
    Task<ShardPoll> Poll(ShardJob job);
}

/// <summary>Runs a fit's distributed pass (keyed by the fit's id); its state is persisted after every finished step.</summary>
internal interface IFitCoordinatorGrain : IGrainWithStringKey
{
    /// <summary>One round: polls the unfinished shards, records and persists those finished, reports progress (and the result when all are done).</summary>
    Task<RoundReport> Advance(FitPlan plan);

    /// <summary>Clears the persisted state once the client has the result.</summary>
    Task Forget();
}

[Orleans.Placement.ActivationCountBasedPlacement]
internal sealed class ShardWorkerGrain : Grain, IShardWorkerGrain
{
    private Task<SufficientStatistics>? _work;

    public Task<ShardPoll> Poll(ShardJob job)
    {
        _work ??= Task.Run(() => ShardReader.Read(job));
        if (!_work.IsCompleted)
            return Task.FromResult(new ShardPoll { Silo = RuntimeIdentity });
        if (_work.Exception is { } failed)
        {
            var e = failed.GetBaseException();
            return Task.FromResult(new ShardPoll { Error = e is LsgdException ? e.Message : $"shard {job.Index + 1} ({job.DisplayPath}): {e.GetType().Name}: {e.Message}", Silo = RuntimeIdentity });
        }
        return Task.FromResult(new ShardPoll { Statistics = StatisticsMessage.From(_work.Result), Silo = RuntimeIdentity });
    }
}

internal sealed class FitCoordinatorGrain([PersistentState("fit", ClusterHosting.StorageName)] IPersistentState<CoordinatorState> state)
    : Grain, IFitCoordinatorGrain
{
    public async Task<RoundReport> Advance(FitPlan plan)
    {
        var s = state.State;
        int total = plan.Shards.Length;
        if (s.Error is null && s.Done.Count < total)
        {
            string fit = this.GetPrimaryKeyString();
            var pending = plan.Shards.Where(j => !s.Done.ContainsKey(j.Index)).ToArray();
            var polls = pending.Select(j => PollAsync(fit, j, s.Attempts.GetValueOrDefault(j.Index), plan.RoundBudget)).ToArray();
            var answers = await Task.WhenAll(polls);
            bool changed = false;
            for (int i = 0; i < pending.Length; i++)
            {
                var job = pending[i];
                var answer = answers[i];
                if (answer is null)
                {
                    s.Retries++;
                    continue;
                }
                if (answer.Statistics is { } statistics)
                {
                    s.Done[job.Index] = statistics;
                    s.ReadBy[job.Index] = answer.Silo;
                    changed = true;
                }
                else if (answer.Error is { } error)
                {
                    int attempts = s.Attempts.GetValueOrDefault(job.Index) + 1;
                    s.Attempts[job.Index] = attempts;
                    if (attempts >= plan.MaxAttempts)
                        s.Error = attempts == 1 ? error : $"{error} (tried {attempts} times)";
                    else
                        s.Retries++;
                    changed = true;
                }
            }
            if (changed)
            {
                s.Step++;
                await state.WriteStateAsync();
            }
        }
        return new RoundReport
        {
            Done = s.Done.Count,
            Total = total,
            Error = s.Error,
            Silo = RuntimeIdentity,
            Retries = s.Retries,
            Step = s.Step,
            Result = s.Error is null && s.Done.Count == total ? [.. Enumerable.Range(0, total).Select(i => s.Done[i])] : null,
            ReadBy = [.. Enumerable.Range(0, total).Select(i => s.ReadBy.GetValueOrDefault(i) ?? "")],
        };
    }

    public Task Forget() => state.ClearStateAsync();

    /// <summary>The worker's answer, or null when the call failed or did not answer within the round's budget (the silo may be gone).</summary>
    private async Task<ShardPoll?> PollAsync(string fit, ShardJob job, int attempt, TimeSpan budget)
    {
        try
        {
            var worker = GrainFactory.GetGrain<IShardWorkerGrain>($"{fit}/{job.Index}/{attempt}");
            return await worker.Poll(job).WaitAsync(budget);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException or OperationCanceledException or InvalidOperationException)
        {
            return null;
        }
    }
}
