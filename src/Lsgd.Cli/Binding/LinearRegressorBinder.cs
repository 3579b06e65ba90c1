using Lsgd.Estimators;

namespace Lsgd.Cli.Binding;

/// <summary>The binder table of <see cref="LinearRegressorOptions"/>: the flags of <c>lsgd fit</c> that set it.</summary>
internal static class LinearRegressorBinder
{
    /// <summary><c>--method</c>: gd, cg, exact, auto.</summary>
    public static readonly Choices<SolverMethod> Method = new(
        ("gd", SolverMethod.GradientDescent), ("cg", SolverMethod.ConjugateGradient), ("exact", SolverMethod.Exact), ("auto", SolverMethod.Auto));

    /// <summary><c>--engine</c>: auto, rows, stats, stream.</summary>
    public static readonly Choices<EngineKind> Engine = new(
        ("auto", EngineKind.Auto), ("rows", EngineKind.Rows), ("stats", EngineKind.Statistics), ("stream", EngineKind.Stream));

    private static LinearRegressorOptions O(object o) => (LinearRegressorOptions)o;

    public static readonly BinderTable Table = new(nameof(LinearRegressorOptions), new LinearRegressorOptions(),
    [
        new(nameof(LinearRegressorOptions.Method), "--method",
            "auto (default): the article's gradient descent when it is predicted to reach the certified optimum in budget, else conjugate gradient, else exact; gd: the gradient-descent family (see --optimizer); cg: conjugate gradient; exact: QR least squares.")
        {
            Aliases = ["-m"], Choices = Method, Default = "auto", Library = o => O(o).Method,
            Why = "the CLI reaches the certified optimum by the cheapest sure method; the library keeps the article's gradient descent (any gradient-descent flag without --method selects gd, as before)",
        },
        new("Penalty.L1", "--l1", "Lasso penalty λ₁‖w‖₁ (on standardised weights; never the intercept), or cv to choose λ₁ by k-fold cross-validation (see --folds).") { Default = 0.0, Library = o => O(o).Penalty.L1 },
        new("Penalty.L2", "--l2", "Ridge penalty ½λ₂‖w‖² (on standardised weights; never the intercept), or cv to choose λ₂ by k-fold cross-validation (see --folds).") { Default = 0.0, Library = o => O(o).Penalty.L2 },
        new(nameof(LinearRegressorOptions.Penalty), "--l1/--l2", "The penalty (both flags).") ,
        new(nameof(LinearRegressorOptions.ValidationFraction), "--validation-fraction", "Hold out this fraction of rows (seeded) and stop early when their loss stops improving.")
        {
            Default = 0.0, Library = o => O(o).ValidationFraction,
        },
        new(nameof(LinearRegressorOptions.Standardize), "--no-standardize", "Run gradient descent on the raw features (by default they are standardised and the coefficients mapped back).")
        {
            Negates = true, Default = false, Library = o => O(o).Standardize,
            Why = "the CLI standardises so every method converges at the same speed whatever the columns' units; the library runs the article's raw-feature gradient descent",
        },
        new(nameof(LinearRegressorOptions.FitIntercept), "--no-intercept", "Fit ŷ = wᵀx without b (R² is then the uncentred 1 − SSE/Σy²).")
        {
            Negates = true, Default = false, Library = o => O(o).FitIntercept,
        },
        new(nameof(LinearRegressorOptions.Engine), "--engine", "auto; rows (one fused pass per step); stats (XᵀX once, then O(d²) per step); stream (read the file on every pass).")
        {
            Choices = Engine, Default = "auto", Library = o => O(o).Engine,
        },
        new(nameof(LinearRegressorOptions.Covariance), "--cov-type",
            "Covariance of the report's standard errors, t/z, p, intervals and F (statsmodels' cov_type): nonrobust; hc0, hc1, hc2, hc3 (heteroscedasticity-robust); hac:LAGS (Newey–West, Bartlett kernel); cluster:COLUMN (cluster-robust). Robust ones need the data in memory.")
        {
            Default = "nonrobust", Library = o => O(o).Covariance.ToString(),
        },
        new(nameof(LinearRegressorOptions.MaxThreads), "--threads", "Most threads for the passes over rows in memory: statistics, gradient, goodness of fit (default: all cores).") { Library = o => O(o).MaxThreads },
    ]) { Commands = ["fit"] };
}
