using System.Globalization;

namespace Lsgd.Embeddings;

/// <summary>Settings of <see cref="DataSplit.Create"/>: the shares of rows held out, and the seed.</summary>
public sealed record SplitOptions
{
    /// <summary>Share of rows for the test set, in (0, 1). Default 0.2.</summary>
    public double TestFraction
    {
        get;
        init => field = value is > 0 and < 1 ? value : throw new InvalidOptionException(nameof(TestFraction), value, "a number in (0, 1)", "Try 0.2.");
    } = 0.2;

    /// <summary>Share of rows for the validation set, in [0, 1). Default 0.1.</summary>
    public double ValidationFraction
    {
        get;
        init => field = value is >= 0 and < 1 ? value : throw new InvalidOptionException(nameof(ValidationFraction), value, "a number in [0, 1)", "Try 0.1, or 0 for no validation set.");
    } = 0.1;

    /// <summary>Seed of the shuffle: the same seed, data and groups give the same split. Default 0.</summary>
    public int Seed { get; init; }
}

/// <summary>
/// Rows divided into training, validation and test sets by a seeded shuffle, optionally of groups: rows with the
/// same group key always fall in the same set (e.g. a word and its inflections, or one user's messages).
/// </summary>
public sealed class DataSplit
{
    private DataSplit(int[] train, int[] validation, int[] test, int groups)
    {
        Train = train;
        Validation = validation;
        Test = test;
        Groups = groups;
    }

    /// <summary>Row indices (0-based, ascending) of the training set.</summary>
    public IReadOnlyList<int> Train { get; }

    /// <summary>Row indices of the validation set (empty when its fraction is 0).</summary>
    public IReadOnlyList<int> Validation { get; }

    /// <summary>Row indices of the test set.</summary>
    public IReadOnlyList<int> Test { get; }

    /// <summary>The number of groups shuffled (the number of rows when no groups were given).</summary>
    public int Groups { get; }

    /// <summary>Splits <paramref name="rows"/> rows.</summary>
    /// <param name="rows">n.</param>
    /// <param name="options">Fractions and seed (defaults when null).</param>
    /// <param name="groups">Optional group key per row: groups are shuffled and assigned whole, test first, until each set has its share of rows.</param>
    /// <exception cref="LsgdException">The fractions leave no training rows, or too few rows or groups for every set.</exception>
    public static DataSplit Create(int rows, SplitOptions? options = null, IReadOnlyList<string>? groups = null)
    {
        var o = options ?? new SplitOptions();
        if (o.TestFraction + o.ValidationFraction >= 1)
            throw new InvalidOptionException(nameof(o.ValidationFraction), o.ValidationFraction,
                $"less than 1 − the test fraction {o.TestFraction.ToString(CultureInfo.InvariantCulture)}, so that rows are left for training", "Try 0.1 with a test fraction of 0.2.");
        if (groups is not null && groups.Count != rows)
            throw new ArgumentException($"groups has {groups.Count} keys but there are {rows} rows.", nameof(groups));

        // Members of each group, groups in order of first appearance; then a seeded shuffle of the groups.
        var members = new List<List<int>>();
        if (groups is null)
        {
            for (int i = 0; i < rows; i++) members.Add([i]);
        }
        else
        {
            var byKey = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < rows; i++)
            {
                if (!byKey.TryGetValue(groups[i] ?? "", out int g))
                {
                    byKey.Add(groups[i] ?? "", g = members.Count);
                    members.Add([]);
                }
                members[g].Add(i);
            }
        }
        var order = members.ToArray();
        new Random(o.Seed).Shuffle(order);

        int testTarget = (int)Math.Round(o.TestFraction * rows);
        int validationTarget = (int)Math.Round(o.ValidationFraction * rows);
        List<int> test = [], validation = [], train = [];
        foreach (var group in order)
        {
            if (test.Count < testTarget) test.AddRange(group);
            else if (validation.Count < validationTarget) validation.AddRange(group);
            else train.AddRange(group);
        }
        string what = groups is null ? Plural(rows, "row") : $"{Plural(rows, "row")} in {Plural(order.Length, "group")}";
        if (test.Count == 0 || train.Count == 0 || (validationTarget > 0 && validation.Count == 0))
            throw new LsgdException($"{what} are too few to split into training, {(o.ValidationFraction > 0 ? "validation and " : "")}test sets " +
                $"with fractions {o.TestFraction.ToString(CultureInfo.InvariantCulture)} (test) and {o.ValidationFraction.ToString(CultureInfo.InvariantCulture)} (validation). Add rows{(groups is null ? "" : " or use finer groups")}.");
        train.Sort();
        validation.Sort();
        test.Sort();
        return new DataSplit([.. train], [.. validation], [.. test], order.Length);
    }

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
