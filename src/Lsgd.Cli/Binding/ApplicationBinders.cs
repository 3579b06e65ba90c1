using Lsgd.Applications.Classification;
using Lsgd.Applications.Pca;
using Lsgd.Curves;
using Lsgd.Data;
using Lsgd.Embeddings;
using Lsgd.Estimators;

namespace Lsgd.Cli.Binding;

/// <summary>
/// The binder tables of the other records the commands bind: <see cref="FeatureSpec"/>, <c>fit</c>'s own settings,
/// <see cref="PcaOptions"/>, <see cref="LeastSquaresClassifierOptions"/> and the fine-tuner's records.
/// </summary>
internal static class ApplicationBinders
{
    /// <summary>Which columns are features, and the polynomial degree (<c>fit</c>).</summary>
    public static readonly BinderTable FeatureSpec = new(nameof(Data.FeatureSpec), null,
    [
        new(nameof(Data.FeatureSpec.Inputs), "--features", "Feature columns.") { Aliases = ["-f"] },
        new(nameof(Data.FeatureSpec.Degree), "--degree", "Fit a polynomial x, x², …, xᴺ in the single feature column.") { Aliases = [], Default = 1 },
    ]);

    /// <summary><c>fit</c>'s settings that no library record holds.</summary>
    public static readonly BinderTable Fit = new("fit", null,
    [
        new("CurveFitter.Polynomial", "'lsgd curve --model poly:N'", "A polynomial of high degree, fitted in the Chebyshev basis."),
        new("weights", "--weights", "Weighted least squares: the column of row weights (inverse variances, each ≥ 0; 0 leaves the row out), or W.npy (shape (n,)) with .npy arrays. Never a feature.") { Aliases = ["-w"] },
        new("repeat", "--repeat", "Fit this many times in one process (for timing): fit_seconds is then the median, fit_seconds_runs lists each run; the first includes JIT compilation.") { Default = 1 },
    ]);

    /// <summary><c>pca --method</c>: subspace, gd, oja.</summary>
    public static readonly Choices<PcaMethod> PcaMethods = new(("subspace", PcaMethod.Subspace), ("gd", PcaMethod.GradientDescent), ("oja", PcaMethod.Oja));

    /// <summary>The flags of <c>lsgd pca</c> that set <see cref="PcaOptions"/>.</summary>
    public static readonly BinderTable Pca = new(nameof(PcaOptions), new PcaOptions(),
    [
        new(nameof(PcaOptions.Components), "--components", "How many components to compute.") { Aliases = ["-k"], Default = 2, Library = o => ((PcaOptions)o).Components },
        new(nameof(PcaOptions.Method), "--method", "subspace: block power iteration; gd: gradient descent on the reconstruction error; oja: Oja's stochastic rule (mini-batches).")
        {
            Aliases = ["-m"], Choices = PcaMethods, Default = "subspace", Library = o => ((PcaOptions)o).Method,
        },
        new(nameof(PcaOptions.MaxIterations), "--max-iterations", "Most passes (epochs for oja) over the data.") { Default = 1000, Library = o => ((PcaOptions)o).MaxIterations },
        new(nameof(PcaOptions.Tolerance), "--tolerance", "Stop when the subspace moves by less than this angle (radians) in a pass.") { Default = 1e-10, Library = o => ((PcaOptions)o).Tolerance },
        new(nameof(PcaOptions.LearningRate), "--learning-rate", "Step of gd and oja as a fraction (0, 1] of 1/λ₁.") { Default = 1.0, Library = o => ((PcaOptions)o).LearningRate },
        new(nameof(PcaOptions.BatchSize), "--batch-size", "Rows per mini-batch of oja.") { Default = 32, Library = o => ((PcaOptions)o).BatchSize },
        new(nameof(PcaOptions.Standardize), "--standardize", "Divide each centred column by its standard deviation (correlation PCA); use it when columns have different units.")
        {
            Default = false, Library = o => ((PcaOptions)o).Standardize,
        },
        new(nameof(PcaOptions.Seed), "--seed", "Seed of the starting basis (and of oja's shuffles).") { Default = 0, Library = o => ((PcaOptions)o).Seed },
    ]) { Commands = ["pca"] };

    /// <summary><c>classify --method</c>: auto, exact, cg, gd (in the order its help lists them).</summary>
    public static readonly Choices<SolverMethod> ClassifierMethods = new(
        ("auto", SolverMethod.Auto), ("exact", SolverMethod.Exact), ("cg", SolverMethod.ConjugateGradient), ("gd", SolverMethod.GradientDescent));

    /// <summary><c>classify --encoding</c>: onehot, pm1.</summary>
    public static readonly Choices<TargetEncoding> Encodings = new(("onehot", TargetEncoding.OneHot), ("pm1", TargetEncoding.PlusMinusOne));

    /// <summary>The flags of <c>lsgd classify</c> that set <see cref="LeastSquaresClassifierOptions"/>.</summary>
    public static readonly BinderTable Classifier = new(nameof(LeastSquaresClassifierOptions), new LeastSquaresClassifierOptions(),
    [
        new(nameof(LeastSquaresClassifierOptions.TestFraction), "--test-fraction", "Hold out this fraction of each class (seeded) and report accuracy on it; 0 reports training accuracy.")
        {
            Default = 0.0, Library = o => ((LeastSquaresClassifierOptions)o).TestFraction,
        },
        new(nameof(LeastSquaresClassifierOptions.Encoding), "--encoding", "Targets per class: onehot (1 for the class, 0 elsewhere) or pm1 (+1 / −1).")
        {
            Choices = Encodings, Default = "onehot", Library = o => ((LeastSquaresClassifierOptions)o).Encoding,
        },
        new("Regression.Method", "--method", "How the one-output-per-class least squares is solved: auto (exact QR unless the data is large), exact, cg, gd.")
        {
            Aliases = ["-m"], Choices = ClassifierMethods, Default = "auto", Library = o => ((LeastSquaresClassifierOptions)o).Regression.Method,
        },
        new(nameof(LeastSquaresClassifierOptions.Seed), "--seed", "Seed of the held-out split.") { Default = 0, Library = o => ((LeastSquaresClassifierOptions)o).Seed },
        new("Regression.GradientDescent.MaxIterations", "--max-iterations", "Most iterations of --method gd or cg.")
        {
            Default = 10_000, Library = o => ((LeastSquaresClassifierOptions)o).Regression.GradientDescent.MaxIterations,
        },
        new("Regression.Penalty.L2", "--l2", "Ridge penalty ½λ₂‖w‖² on every class's standardised weights (mean loss; not with --method exact).")
        {
            Default = 0.0, Library = o => ((LeastSquaresClassifierOptions)o).Regression.Penalty.L2,
        },
    ]) { Commands = ["classify"] };

    /// <summary>The flags of <c>lsgd finetune</c> that set <see cref="SplitOptions"/>.</summary>
    public static readonly BinderTable Split = new(nameof(SplitOptions), new SplitOptions(),
    [
        new(nameof(SplitOptions.TestFraction), "--test-fraction", "Share of rows (or groups' rows) held out for the test set.")
        {
            Default = 0.2, Library = o => ((SplitOptions)o).TestFraction,
        },
        new(nameof(SplitOptions.ValidationFraction), "--validation-fraction", "Share held out for the validation set, which chooses the ridge penalty with --l2 auto (0: none).")
        {
            Default = 0.1, Library = o => ((SplitOptions)o).ValidationFraction,
        },
        new(nameof(SplitOptions.Seed), "--seed", "Seed of the split.") { Default = 0, Library = o => ((SplitOptions)o).Seed },
    ]) { Commands = ["finetune"] };

    /// <summary>The flags of <c>lsgd finetune</c> that set <see cref="HeadOptions"/>.</summary>
    public static readonly BinderTable Head = new(nameof(HeadOptions), new HeadOptions(),
    [
        new(nameof(HeadOptions.L2), "--l2", "Ridge penalty λ on standardised weights, or auto: the best of 0, 0.01, 0.1, 1, 10 on the validation set.")
        {
            Default = "auto", Library = o => ((HeadOptions)o).L2 is { } l2 ? l2.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "auto",
        },
        new(nameof(HeadOptions.MaxIterations), "--max-iterations", "Most gradient-descent steps per head.")
        {
            Default = new HeadOptions().MaxIterations, Library = o => ((HeadOptions)o).MaxIterations,
        },
        new(nameof(HeadOptions.Threads), "--threads", "Encoder runs at once and threads for training (default: all cores).") { Library = o => ((HeadOptions)o).Threads },
    ]) { Commands = ["finetune"] };

    /// <summary>The flags of <c>lsgd finetune</c> that set <see cref="EmbeddingOptions"/>.</summary>
    public static readonly BinderTable Embedding = new(nameof(EmbeddingOptions), new EmbeddingOptions(),
    [
        new(nameof(EmbeddingOptions.BatchSize), "--batch-size", "Texts per encoder run.")
        {
            Default = new EmbeddingOptions().BatchSize, Library = o => ((EmbeddingOptions)o).BatchSize,
        },
        new(nameof(EmbeddingOptions.Threads), "--threads", "Encoder runs at once and threads for training (default: all cores).") { Library = o => ((EmbeddingOptions)o).Threads },
    ]) { Commands = ["finetune"] };

    /// <summary>How a curve was fitted, as <c>curve</c>'s JSON and <c>--method</c> spell it (exact: polynomial and basis fits, no flag).</summary>
    public static readonly Choices<CurveFitMethod> CurveMethods = new(
        ("lm", CurveFitMethod.LevenbergMarquardt), ("gd", CurveFitMethod.GradientDescent), ("exact", CurveFitMethod.Exact));

    /// <summary>
    /// The flags of <c>lsgd curve</c> that set <see cref="CurveFitOptions"/>. Unset, each takes the library's default
    /// for the method (<c>--max-iterations</c> automatic for lm, the gradient-descent options' for gd).
    /// </summary>
    public static readonly BinderTable Curve = new(nameof(CurveFitOptions), new CurveFitOptions(),
    [
        new(nameof(CurveFitOptions.Method), "--method", "lm: Levenberg–Marquardt (default); gd: gradient descent with Armijo line search, for comparison.")
        {
            Aliases = ["-m"], Choices = new NameChoices(["lm", "gd"]),
        },
    ]) { Commands = ["curve"] };

    /// <summary><c>finetune --task</c> beyond <c>auto</c> (which leaves the task to the target's values).</summary>
    public static readonly Choices<HeadTask> HeadTasks = new(("regression", HeadTask.Regression), ("classification", HeadTask.Classification));

    /// <summary><c>finetune</c>'s settings that no options record holds.</summary>
    public static readonly BinderTable Finetune = new("finetune", null,
    [
        new("task", "--task", "auto (numbers → regression, else classification), regression or classification.")
        {
            Choices = new NameChoices(["auto", .. HeadTasks.Spellings]), Default = "auto",
        },
    ]);
}
