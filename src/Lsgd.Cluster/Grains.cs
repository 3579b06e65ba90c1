using Lsgd.Data;
using Orleans.Runtime;

namespace Lsgd.Cluster;

/// <summary>Reads one shard (keyed "fit/shard/attempt") in the background and answers polls with its statistics.</summary>
internal interface IShardWorkerGrain : IGrainWithStringKey
{
    /// <summary>Starts reading on the first call; answers at once: still reading, the statistics, or the error.</summary>
    Task<ShardPoll> Poll(ShardJob job);

    /// <summary>As <see cref="Poll"/>, for the shard's piece of an exact solver's pass (<see cref="Solvers.ShardPass.Run"/>; keyed per pass).</summary>
    Task<ShardPoll> PollPass(ShardJob job, PassMessage pass);
}

/// <summary>Runs a fit's distributed pass (keyed by the fit's id); its state is persisted after every finished step.</summary>
internal interface IFitCoordinatorGrain : IGrainWithStringKey
{
    /// <summary>One round: polls the unfinished shards, records and persists those finished, reports progress (and the result when all are done).</summary>
    Task<RoundReport> Advance(FitPlan plan);

    /// <summary>
    /// One synchronous mini-batch step: asks every shard with rows in this step for its part at θ, sums the parts in
    /// shard order, persists the step and answers with the sum; a step already finished (a retried call) is answered
    /// from the persisted state. Answers without a gradient when the workers did not all answer within the round's
    /// budget (a worker reloading its shard after its silo died): the client asks again.
    /// </summary>
    Task<StepAnswer> Step(StepRequest request);

    /// <summary>Clears the persisted state once the client has the result.</summary>
    Task Forget();
}

/// <summary>Holds one shard's rows in memory (keyed "fit/rows/shard") and computes its part of each mini-batch step.</summary>
internal interface IShardRowsGrain : IGrainWithStringKey
{
    /// <summary>The shard's part at θ; starts loading the rows on the first call and answers "not yet" (no gradient) while they load, waiting at most <paramref name="wait"/>.</summary>
    Task<StepAnswer> Evaluate(PartRequest request, TimeSpan wait);

    /// <summary>Lets the activation go (the fit is over).</summary>
    Task Release();
}

[Orleans.Placement.ActivationCountBasedPlacement]
internal sealed class ShardRowsGrain : Grain, IShardRowsGrain
{
    private Task<ShardRows>? _rows;

    public async Task<StepAnswer> Evaluate(PartRequest request, TimeSpan wait)
    {
        _rows ??= Task.Run(() => ShardReader.ReadRows(request.Job, request.Means, request.Scales));
        try
        {
            await _rows.WaitAsync(wait);
        }
        catch (TimeoutException)
        {
            return new StepAnswer { Silo = RuntimeIdentity };
        }
        catch (Exception e)
        {
            return new StepAnswer { Error = e is LsgdException ? e.Message : $"shard {request.Job.Index + 1} ({request.Job.DisplayPath}): {e.GetType().Name}: {e.Message}", Silo = RuntimeIdentity };
        }
        var layout = new Lsgd.Models.ParameterLayout(request.Features, request.Outputs, request.FitIntercept);
        var gradient = new double[layout.Count];
        double sumOfSquares = _rows.Result.Evaluate(layout, request.Seed, request.Steps, request.Part, request.Theta, gradient);
        return new StepAnswer { Gradient = gradient, SumOfSquares = sumOfSquares, Silo = RuntimeIdentity };
    }

    public Task Release()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

[Orleans.Placement.ActivationCountBasedPlacement]
internal sealed class ShardWorkerGrain : Grain, IShardWorkerGrain
{
    private Task<SufficientStatistics>? _work;
    private Task<double[]>? _piece;

    public Task<ShardPoll> Poll(ShardJob job)
    {
        _work ??= Task.Run(() => ShardReader.Read(job));
        return Task.FromResult(Answer(job, _work, s => new ShardPoll { Statistics = StatisticsMessage.From(s), Silo = RuntimeIdentity }));
    }

    public Task<ShardPoll> PollPass(ShardJob job, PassMessage pass)
    {
        _piece ??= Task.Run(() => ShardReader.ReadPass(job, pass.ToPass()));
        return Task.FromResult(Answer(job, _piece, piece => new ShardPoll { Piece = piece, Silo = RuntimeIdentity }));
    }

    /// <summary>Still working, the result, or the error naming the shard's file.</summary>
    private ShardPoll Answer<T>(ShardJob job, Task<T> work, Func<T, ShardPoll> done)
    {
        if (!work.IsCompleted)
            return new ShardPoll { Silo = RuntimeIdentity };
        if (work.Exception is { } failed)
        {
            var e = failed.GetBaseException();
            return new ShardPoll { Error = e is LsgdException ? e.Message : $"shard {job.Index + 1} ({job.DisplayPath}): {e.GetType().Name}: {e.Message}", Silo = RuntimeIdentity };
        }
        return done(work.Result);
    }
}

internal sealed class FitCoordinatorGrain([PersistentState("fit", ClusterHosting.StorageName)] IPersistentState<CoordinatorState> state)
    : Grain, IFitCoordinatorGrain
{
    public async Task<RoundReport> Advance(FitPlan plan)
    {
        var s = state.State;
        int total = plan.Shards.Length;
        // The statistics pass records statistics; an exact solver's pass (plan.Pass) records each shard's piece.
        bool piecePass = plan.Pass is not null;
        int Finished() => piecePass ? s.Pieces.Count : s.Done.Count;
        if (s.Error is null && Finished() < total)
        {
            string fit = this.GetPrimaryKeyString();
            var pending = plan.Shards.Where(j => !(piecePass ? s.Pieces.ContainsKey(j.Index) : s.Done.ContainsKey(j.Index))).ToArray();
            var polls = pending.Select(j => PollAsync(fit, j, plan.Pass, s.Attempts.GetValueOrDefault(j.Index), plan.RoundBudget)).ToArray();
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
                else if (answer.Piece is { } piece)
                {
                    s.Pieces[job.Index] = piece;
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
            Done = Finished(),
            Total = total,
            Error = s.Error,
            Silo = RuntimeIdentity,
            Retries = s.Retries,
            Step = s.Step,
            Result = !piecePass && s.Error is null && s.Done.Count == total ? [.. Enumerable.Range(0, total).Select(i => s.Done[i])] : null,
            Pieces = piecePass && s.Error is null && s.Pieces.Count == total ? [.. Enumerable.Range(0, total).Select(i => s.Pieces[i])] : null,
            ReadBy = [.. Enumerable.Range(0, total).Select(i => s.ReadBy.GetValueOrDefault(i) ?? "")],
        };
    }

    public Task Forget() => state.ClearStateAsync();

    public async Task<StepAnswer> Step(StepRequest request)
    {
        var s = state.State;
        await ShardReader.BeforeStepAsync(request.Step + 1, s.Step);
        if (s.Error is not null)
            return new StepAnswer { Error = s.Error, Silo = RuntimeIdentity, Retries = s.Retries };
        if (s.Step == request.Step + 1 && s.Gradient is { } done)
            return new StepAnswer { Gradient = done, SumOfSquares = s.SumOfSquares, Silo = RuntimeIdentity, Retries = s.Retries };
        var setup = request.Setup;
        string fit = this.GetPrimaryKeyString();
        int shards = setup.Shards.Length;
        var answers = new StepAnswer?[shards];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var pending = Enumerable.Range(0, shards)
                .Where(i => answers[i] is null && ShardSums.Part(setup.ShardRows[i], request.Steps, request.Part).Count > 0).ToArray();
            if (pending.Length == 0)
                break;
            var budget = setup.RoundBudget - clock.Elapsed;
            if (budget <= TimeSpan.Zero)
                return new StepAnswer { Silo = RuntimeIdentity, Retries = s.Retries };
            var calls = pending.Select(i => PartAsync(fit, setup, i, request, budget)).ToArray();
            var got = await Task.WhenAll(calls);
            for (int j = 0; j < pending.Length; j++)
            {
                if (got[j] is not { } answer)
                    s.Retries++;
                else if (answer.Error is { } error)
                {
                    s.Error = error;
                    await state.WriteStateAsync();
                    return new StepAnswer { Error = error, Silo = RuntimeIdentity, Retries = s.Retries };
                }
                else if (answer.Gradient is not null)
                    answers[pending[j]] = answer;
            }
        }
        var gradient = new double[request.Theta.Length];
        double sumOfSquares = 0;
        for (int i = 0; i < shards; i++)
            if (answers[i] is { Gradient: { } part } answer)
                ShardSums.Add(gradient, part, ref sumOfSquares, answer.SumOfSquares);
        s.Step = request.Step + 1;
        s.Parameters = request.Theta;
        s.Gradient = gradient;
        s.SumOfSquares = sumOfSquares;
        await state.WriteStateAsync();
        return new StepAnswer { Gradient = gradient, SumOfSquares = sumOfSquares, Silo = RuntimeIdentity, Retries = s.Retries };
    }

    /// <summary>A worker's part, or null when the call failed or did not answer within the budget (its silo may be gone).</summary>
    private async Task<StepAnswer?> PartAsync(string fit, BatchSetup setup, int shard, StepRequest request, TimeSpan budget)
    {
        try
        {
            var worker = GrainFactory.GetGrain<IShardRowsGrain>($"{fit}/rows/{shard}");
            var part = new PartRequest
            {
                Job = setup.Shards[shard], Means = setup.Means, Scales = setup.Scales, Features = setup.Features, Outputs = setup.Outputs,
                FitIntercept = setup.FitIntercept, Seed = request.Seed, Steps = request.Steps, Part = request.Part, Theta = request.Theta,
            };
            return await worker.Evaluate(part, budget / 2).WaitAsync(budget);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException or OperationCanceledException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The worker's answer, or null when the call failed or did not answer within the round's budget (the silo may be gone).</summary>
    private async Task<ShardPoll?> PollAsync(string fit, ShardJob job, PassMessage? pass, int attempt, TimeSpan budget)
    {
        try
        {
            var worker = GrainFactory.GetGrain<IShardWorkerGrain>($"{fit}/{job.Index}/{attempt}");
            return await (pass is null ? worker.Poll(job) : worker.PollPass(job, pass)).WaitAsync(budget);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException or OperationCanceledException or InvalidOperationException)
        {
            return null;
        }
    }
}
