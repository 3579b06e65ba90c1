using System.Reflection;

namespace Lsgd.Internals;

/// <summary>
/// The kernels' entry points as methods, for code that compiles them ahead of their first call (the CLI's start-up
/// warm-up: <c>Lsgd.Estimators.FitEntryPoints</c>). Each kernel family names its own, from the same selectors its
/// dispatch calls (the choice of a generic instantiation for a shape and vector width is made in one place), with
/// <c>nameof</c> and delegates, so that a renamed kernel is a compile error and a changed dispatch rule changes the list.
/// </summary>
/// <remarks>
/// Selectors pass their choice through <see cref="Chosen{T}"/>, which tells a recorder (a test hook, set per logical
/// flow with <see cref="Record"/>) which instantiation the dispatch picked, so that tests can compare a real fit's
/// choices with the list. Without a recorder it costs one read of a static field per selector call (once per block).
/// </remarks>
internal static class EntryPoints
{
    private static readonly AsyncLocal<Action<MethodInfo>?> Recorder = new();
    private static volatile bool _recording;

    /// <summary>Reports every kernel the selectors choose in this logical flow (threads and tasks it starts included) to <paramref name="recorder"/> until disposed.</summary>
    internal static IDisposable Record(Action<MethodInfo> recorder)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        _recording = true;
        Recorder.Value = recorder;
        return new Stop();
    }

    private sealed class Stop : IDisposable
    {
        public void Dispose() => Recorder.Value = null;
    }

    /// <summary>A selector's choice: <paramref name="kernel"/>, reported to the recorder of this flow if there is one.</summary>
    internal static T Chosen<T>(T kernel) where T : Delegate
    {
        if (_recording && Recorder.Value is { } recorder) recorder(kernel.Method);
        return kernel;
    }

    /// <summary>The method <paramref name="name"/> (public or not, static or not, declared by <paramref name="type"/>), instantiated with <paramref name="typeArguments"/> when generic.</summary>
    /// <exception cref="MissingMethodException">No such method, or more than one (overloads are told apart with <see cref="Overload"/>).</exception>
    internal static MethodInfo Method(Type type, string name, params Type[] typeArguments)
    {
        var found = type.GetMethods(All).Where(m => m.Name == name && m.GetGenericArguments().Length == typeArguments.Length).ToArray();
        if (found.Length != 1) throw new MissingMethodException(type.FullName, name);
        return typeArguments.Length == 0 ? found[0] : found[0].MakeGenericMethod(typeArguments);
    }

    /// <summary>The non-generic overload of <paramref name="name"/> in <paramref name="type"/> taking <paramref name="parameters"/>.</summary>
    internal static MethodInfo Overload(Type type, string name, params Type[] parameters) =>
        type.GetMethod(name, All, parameters) ?? throw new MissingMethodException(type.FullName, name);

    private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
}
