using System.Globalization;

namespace Lsgd.Benchmarks;

/// <summary>The command-line options the ratio harnesses share: <c>--name value</c>, the first given.</summary>
internal static class BenchArgs
{
    /// <summary>The integer after <paramref name="name"/>, else <paramref name="fallback"/>.</summary>
    public static int Option(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>The comma-separated integers after <paramref name="name"/> (<c>--prefetch 0,4096</c>), else <paramref name="fallback"/>.</summary>
    public static int[] List(string[] args, string name, int[] fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? [.. args[i + 1].Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture))] : fallback;
    }
}
