namespace Lsgd.Embeddings.Tests;

/// <summary>Where the embeddings cache lives: LSGD_CACHE_DIR, else the platform's cache folder (XDG on Linux).</summary>
public class CacheLocationTest
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void LsgdCacheDirMovesTheCacheWhateverTheXdgFolder()
    {
        string own = Path.Combine(Path.GetTempPath(), "lsgd-own-cache");
        Assert.Equal(own, EmbeddingCache.CacheRoot(Environment(("LSGD_CACHE_DIR", own), ("XDG_CACHE_HOME", "/xdg"), ("HOME", "/home/u"))));
    }

    [Fact]
    public void LinuxUsesXdgCacheHomeElseDotCacheInHome()
    {
        if (!OperatingSystem.IsLinux()) return;   // the platform's own rule; Windows and macOS differ (docs/CLI.md)
        Assert.Equal("/xdg/lsgd", EmbeddingCache.CacheRoot(Environment(("XDG_CACHE_HOME", "/xdg"), ("HOME", "/home/u"))));
        Assert.Equal("/home/u/.cache/lsgd", EmbeddingCache.CacheRoot(Environment(("HOME", "/home/u"))));
        // The XDG spec: a relative XDG_CACHE_HOME is invalid and ignored; an empty variable counts as unset.
        Assert.Equal("/home/u/.cache/lsgd", EmbeddingCache.CacheRoot(Environment(("XDG_CACHE_HOME", "relative"), ("HOME", "/home/u"))));
        Assert.Equal("/home/u/.cache/lsgd", EmbeddingCache.CacheRoot(Environment(("LSGD_CACHE_DIR", ""), ("HOME", "/home/u"))));
    }

    [Fact]
    public void TheTestRunCachesInItsOwnTemporaryFolder()
    {
        Assert.Equal(TestCache.Directory, System.Environment.GetEnvironmentVariable("LSGD_CACHE_DIR"));
        Assert.Equal(Path.Combine(TestCache.Directory, "embeddings"), EmbeddingCache.DefaultDirectory);
        Assert.StartsWith(Path.GetTempPath(), EmbeddingCache.DefaultDirectory, StringComparison.Ordinal);
    }
}
