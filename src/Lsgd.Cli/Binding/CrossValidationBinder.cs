using System.Globalization;
using Lsgd.Estimators;

namespace Lsgd.Cli.Binding;

/// <summary>The binder table of <see cref="CrossValidationOptions"/>: the flags of <c>lsgd fit --l1 cv / --l2 cv</c>.</summary>
internal static class CrossValidationBinder
{
    private static CrossValidationOptions O(object o) => (CrossValidationOptions)o;

    public static readonly BinderTable Table = new(nameof(CrossValidationOptions), new CrossValidationOptions(),
    [
        new(nameof(CrossValidationOptions.Folds), "--folds", "With --l1 cv or --l2 cv: the number of folds k (rows assigned by a permutation seeded with --seed).")
        {
            Default = 5, Library = o => O(o).Folds,
        },
        new(nameof(CrossValidationOptions.L1Ratio), "--l1-ratio", "With --l1 cv --l2 cv (elastic net): ρ of λ₁ = ρλ, λ₂ = (1 − ρ)λ, as scikit-learn's l1_ratio.")
        {
            Default = 0.5, Library = o => O(o).L1Ratio,
            Why = "the CLI sets ρ from the flags: --l2 cv alone is ridge (ρ = 0), --l1 cv alone lasso (ρ = 1), both an elastic net at scikit-learn's ElasticNetCV default of 0.5",
        },
        new(nameof(CrossValidationOptions.Lambdas), "--lambdas", "With --l1 cv or --l2 cv: how many λ the grid has (log-spaced; scikit-learn's n_alphas).")
        {
            Default = 100, Library = o => O(o).Lambdas,
        },
    ]) { Commands = ["fit"] };

    /// <summary>
    /// A penalty flag's value: a number λ ≥ 0, or null for <c>cv</c> (choose it by cross-validation).
    /// </summary>
    /// <exception cref="InvalidOptionException">Neither a number nor <c>cv</c>.</exception>
    public static double? ParsePenalty(string text, string option)
    {
        string trimmed = text.Trim();
        if (trimmed.Equals("cv", StringComparison.OrdinalIgnoreCase))
            return null;
        if (double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            return value;
        throw new InvalidOptionException(option, text, "a number >= 0, or cv to choose it by cross-validation", "Try 0.01, or cv.");
    }
}
