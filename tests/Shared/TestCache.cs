using System.Runtime.CompilerServices;

namespace Lsgd.Testing;

/// <summary>
/// Keeps the test run out of the user's cache and home: before any test runs, <c>LSGD_CACHE_DIR</c> points at a
/// temporary folder of this process (deleted when it exits), so whatever a test caches (embeddings) lands there.
/// Linked into every test project that runs the embeddings or the CLI; <c>CacheLocationTest</c> proves it.
/// </summary>
internal static class TestCache
{
    /// <summary>The temporary cache folder of this test process.</summary>
    public static string Directory { get; } = Path.Combine(Path.GetTempPath(), $"lsgd-test-cache-{Environment.ProcessId}");

#pragma warning disable CA2255 // a test assembly sets its environment before any test, as an application would
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize()
    {
        Environment.SetEnvironmentVariable("LSGD_CACHE_DIR", Directory);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                // Another process still holds a file; the folder is in the temporary folder anyway.
            }
        };
    }
}
