namespace Lsgd.Cli;

/// <summary>An <see cref="IProgress{T}"/> that runs its handler on the reporting thread (progress bars of fit and finetune).</summary>
internal sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
