using Lsgd.Data;
using Lsgd.Internals;
using Lsgd.Models;
using Lsgd.Training;

namespace Lsgd.Estimators;

/// <summary>
/// A penalised linear regression whose λ is chosen by k-fold cross-validation, as scikit-learn's <c>RidgeCV</c>,
/// <c>LassoCV</c> and <c>ElasticNetCV</c>: along a grid of λ each fold's rows are predicted by the model fitted to
/// the others, and the model is refitted on every row at the λ of least mean validation loss.
/// </summary>
/// <remarks>
/// <para>Every fit on the path comes from sufficient statistics: one pass gives each fold's (n, means, scatter
/// matrices); a training fold's are the merge of the other folds' (prefix and suffix merges, so k folds cost
/// O(k·d²) and nothing is subtracted), and a validation fold's mean squared error follows from its own statistics.
/// Ridge: one eigendecomposition of each training fold's XᵀX serves every λ (exact, O(d²) per λ). Lasso and elastic
/// net: coordinate descent on the training fold's Gram matrix (as glmnet's covariance updates), warm-started down
/// the decreasing grid, each solve run until no coefficient moves by more than 10⁻¹² of the largest.</para>
/// <para>A fold fit is what <see cref="LinearRegressor"/> fits on the training fold with the same options: the
/// standardiser is the training fold's own (so no held-out row shapes the fit), the penalty is on standardised
/// weights when <see cref="LinearRegressorOptions.Standardize"/> is on, the intercept is not penalised. The final
/// model is <see cref="LinearRegressor"/>'s fit on all rows at the chosen λ, by its method and with its certificate.</para>
/// </remarks>
/// <example>
/// <code>
/// var cv = new CrossValidatedRegressor(new LinearRegressorOptions { Method = SolverMethod.Auto, Standardize = true },
///     new CrossValidationOptions { Folds = 5, L1Ratio = 1 }).Fit(data);   // lasso
/// double lambda = cv.Path.BestLambda; var model = cv.Fit.Model;
/// </code>
/// </example>
public sealed class CrossValidatedRegressor
{
    /// <summary>Relative size of the last coordinate-descent step at which a solve on the path is done.</summary>
    private const double StepTolerance = 1e-12;

    /// <summary>Most coordinate-descent sweeps per λ.</summary>
    private const int MaxSweeps = 100_000;

    /// <summary>Creates the estimator: <paramref name="options"/> for every fit (their penalty is replaced), <paramref name="crossValidation"/> for the folds and grid.</summary>
    public CrossValidatedRegressor(LinearRegressorOptions? options = null, CrossValidationOptions? crossValidation = null)
    {
        Options = options ?? new LinearRegressorOptions();
        CrossValidation = crossValidation ?? new CrossValidationOptions();
    }

    /// <summary>The regression settings (the penalty is the one chosen; <see cref="LinearRegressorOptions.Penalty"/> is not used).</summary>
    public LinearRegressorOptions Options { get; }

    /// <summary>The cross-validation settings.</summary>
    public CrossValidationOptions CrossValidation { get; }

    /// <summary>
    /// The fold of each of <paramref name="rows"/> rows: a permutation of 0 … n − 1 by <c>new Random(seed).Shuffle</c>
    /// (the generator the validation split uses), cut as scikit-learn's <c>KFold</c> cuts its order: fold f takes
    /// the next ⌊n/k⌋ positions, plus one for the first n mod k folds.
    /// </summary>
    /// <exception cref="LsgdException">Fewer rows than folds.</exception>
    public static int[] AssignFolds(int rows, int folds, int seed)
    {
        Check.AtLeast(folds, 2, nameof(CrossValidationOptions.Folds), "Use 5 or 10: with one fold nothing is left to validate on.");
        CheckRows(rows, folds);
        var order = Enumerable.Range(0, rows).ToArray();
        new Random(seed).Shuffle(order);
        var fold = new int[rows];
        int position = 0;
        for (int f = 0; f < folds; f++)
        {
            int size = rows / folds + (f < rows % folds ? 1 : 0);
            for (int i = 0; i < size; i++) fold[order[position++]] = f;
        }
        return fold;
    }

    private static void CheckRows(int rows, int folds)
    {
        if (rows < folds)
            Throw.Data($"Cross-validation with {folds} folds needs at least {folds} rows, one per fold; the data has {Throw.Plural(rows, "row")}. " +
                "Lower `Folds` (5 or 10 is usual) or add rows.");
    }

    /// <summary>Runs the cross-validation on <paramref name="data"/> and refits on all its rows at the best λ.</summary>
    /// <param name="data">Features and targets, in memory.</param>
    /// <param name="progress">Progress of the final fit's iterative method.</param>
    /// <param name="cancellationToken">Stops between folds, and the final fit as <see cref="LinearRegressor"/> stops.</param>
    /// <exception cref="LsgdException">Fewer rows than folds, a fold without rows, a fold assignment of the wrong length, or the exact method (which fits no penalty).</exception>
    public CrossValidatedFit Fit(Dataset data, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var o = Options;
        var cv = CrossValidation;
        if (o.Method == SolverMethod.Exact)
            Throw.Data("Cross-validation chooses a penalty, and the exact solver fits plain least squares without one. Use `Method = Auto`.");
        if (o.ValidationFraction > 0)
            throw new InvalidOptionException(nameof(o.ValidationFraction), o.ValidationFraction, "0 with cross-validation",
                "The folds already hold rows out; leave the validation fraction at 0.");
        int n = data.Rows, k = cv.Folds;
        CheckRows(n, k);
        var foldOfRow = cv.FoldOfRow is { } given ? CheckFolds(given, n, k) : AssignFolds(n, k, o.GradientDescent.Seed);

        // One pass: each fold's statistics; every other set of rows is a merge of them.
        var folds = new SufficientStatistics[k];
        for (int f = 0; f < k; f++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int fold = f;
            folds[f] = SufficientStatistics.Compute(LinearRegressor.Take(data, [.. Enumerable.Range(0, n).Where(i => foldOfRow[i] == fold)]), o.MaxThreads);
        }
        var prefix = new SufficientStatistics?[k + 1];
        var suffix = new SufficientStatistics?[k + 1];
        for (int f = 1; f <= k; f++)
            prefix[f] = prefix[f - 1] is { } p ? SufficientStatistics.Combine(p, folds[f - 1]) : folds[f - 1];
        for (int f = k - 1; f >= 0; f--)
            suffix[f] = suffix[f + 1] is { } s ? SufficientStatistics.Combine(folds[f], s) : folds[f];

        double rho = cv.L1Ratio;
        var lambdas = cv.Grid is { } grid ? [.. grid.OrderDescending()] : DefaultGrid(Posed.From(prefix[k]!, o), rho, cv.Lambdas);
        var loss = new double[lambdas.Length][];
        for (int i = 0; i < lambdas.Length; i++) loss[i] = new double[k];
        bool converged = true;
        for (int f = 0; f < k; f++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var train = prefix[f] is { } before ? suffix[f + 1] is { } after ? SufficientStatistics.Combine(before, after) : before : suffix[f + 1]!;
            var posed = Posed.From(train, o);
            var held = folds[f];
            void Record(int i, double[] weights)
            {
                double sum = 0;
                for (int output = 0; output < posed.Outputs; output++)
                {
                    var (w, b) = posed.ToOriginalUnits(weights.AsSpan(output * posed.Features, posed.Features), output);
                    sum += held.ResidualSumOfSquares(output, w, b) / held.WeightSum;   // weighted rows: Σw·r²/Σw
                }
                loss[i][f] = sum / posed.Outputs;
            }
            if (rho == 0)
                RidgePath(posed, lambdas, Record);
            else
                converged &= CoordinateDescentPath(posed, lambdas, rho, Record);
        }

        var mean = new double[lambdas.Length];
        var sd = new double[lambdas.Length];
        for (int i = 0; i < lambdas.Length; i++)
        {
            mean[i] = loss[i].Average();
            double m = mean[i];
            sd[i] = Math.Sqrt(loss[i].Sum(v => (v - m) * (v - m)) / (k - 1));
        }
        int best = 0;
        for (int i = 1; i < lambdas.Length; i++)
            if (mean[i] < mean[best]) best = i;
        double limit = mean[best] + sd[best] / Math.Sqrt(k);
        int oneSe = best;
        for (int i = 0; i < best; i++)
            if (mean[i] <= limit) { oneSe = i; break; }
        var path = new CrossValidationPath
        {
            Folds = k,
            Seed = cv.FoldOfRow is null ? o.GradientDescent.Seed : null,
            FoldOfRow = foldOfRow,
            L1Ratio = rho,
            Lambdas = lambdas,
            FoldLoss = loss,
            MeanLoss = mean,
            SdLoss = sd,
            BestIndex = best,
            OneStandardErrorLambda = lambdas[oneSe],
            Solver = rho == 0 ? "eigen" : "coordinate descent",
            Converged = converged,
        };
        var fit = new LinearRegressor(o with { Penalty = path.PenaltyAt(path.BestLambda) }).Fit(data, progress, cancellationToken);
        return new CrossValidatedFit(path, fit);
    }

    private static int[] CheckFolds(IReadOnlyList<int> given, int rows, int folds)
    {
        if (given.Count != rows)
            Throw.Length(nameof(CrossValidationOptions.FoldOfRow), given.Count, rows, "one fold per row");
        var counts = new int[folds];
        foreach (int f in given)
        {
            if ((uint)f >= (uint)folds)
                Throw.Data($"A row is given the fold {f}, outside 0 … {folds - 1}. Give each row a fold below `Folds` = {folds}.");
            counts[f]++;
        }
        int empty = Array.IndexOf(counts, 0);
        if (empty >= 0)
            Throw.Data($"The fold {empty} has no row: each of the {folds} folds needs at least one. Lower `Folds` or reassign the rows.");
        return [.. given];
    }

    /// <summary>The default grid (see <see cref="CrossValidationOptions"/>), decreasing.</summary>
    private static double[] DefaultGrid(Posed full, double rho, int count)
    {
        int d = full.Features, k = full.Outputs;
        double top, eps;
        if (rho > 0)
        {
            double max = 0;
            for (int j = 0; j < d; j++)
            {
                double norm = 0;
                for (int output = 0; output < k; output++) norm += full.Gy[j * k + output] * full.Gy[j * k + output];
                max = Math.Max(max, Math.Sqrt(norm));
            }
            top = max / rho;
            eps = 1e-3;
            if (!(top > 1e-15))
                return [.. Enumerable.Repeat(1e-15, count)];   // scikit-learn's grid when every Xᵀy is zero
        }
        else
        {
            double trace = 0;
            for (int j = 0; j < d; j++) trace += full.G[j * d + j];
            top = 1e3 * trace / d;
            eps = 1e-6;
            if (!(top > 0))
                Throw.Data("Every feature is constant, so the ridge grid has no scale: drop the constant columns.");
        }
        // As numpy.logspace(log10(eps·top), log10(top), count)[::-1].
        double hi = Math.Log10(top), lo = Math.Log10(top * eps);
        if (count == 1) return [top];
        var grid = new double[count];
        for (int i = 0; i < count; i++)
            grid[count - 1 - i] = i == count - 1 ? Math.Pow(10, hi) : Math.Pow(10, lo + i * (hi - lo) / (count - 1));
        return grid;
    }

    /// <summary>Ridge along the grid: with G = VΛVᵀ (one Jacobi eigendecomposition), w(λ) = V (Λ + λI)⁻¹ Vᵀg.</summary>
    private static void RidgePath(Posed posed, double[] lambdas, Action<int, double[]> record)
    {
        int d = posed.Features, k = posed.Outputs;
        var (values, vectors, _) = LinearAlgebra.SymmetricEigensolver.Decompose(posed.G, d);
        var projected = new double[d * k];   // u[r, o] = v_rᵀ g_o
        for (int r = 0; r < d; r++)
            for (int output = 0; output < k; output++)
            {
                double s = 0;
                for (int j = 0; j < d; j++) s += vectors[r * d + j] * posed.Gy[j * k + output];
                projected[r * k + output] = s;
            }
        var weights = new double[d * k];
        for (int i = 0; i < lambdas.Length; i++)
        {
            Array.Clear(weights);
            for (int r = 0; r < d; r++)
            {
                double denominator = Math.Max(values[r], 0) + lambdas[i];
                if (!(denominator > 0)) continue;   // λ = 0 on a singular G: the minimum-norm solution
                for (int output = 0; output < k; output++)
                {
                    double c = projected[r * k + output] / denominator;
                    for (int j = 0; j < d; j++) weights[output * d + j] += c * vectors[r * d + j];
                }
            }
            record(i, weights);
        }
    }

    /// <summary>
    /// Elastic net along the decreasing grid by cyclic coordinate descent on G (the covariance updates of Friedman,
    /// Hastie and Tibshirani 2010), each λ warm-started at the previous solution. False when a solve ran out of sweeps.
    /// </summary>
    private static bool CoordinateDescentPath(Posed posed, double[] lambdas, double rho, Action<int, double[]> record)
    {
        int d = posed.Features, k = posed.Outputs;
        var g = posed.G;
        var weights = new double[d * k];
        var residual = new double[d];   // g_o − G w
        bool converged = true;
        for (int i = 0; i < lambdas.Length; i++)
        {
            double l1 = lambdas[i] * rho, l2 = lambdas[i] * (1 - rho);
            for (int output = 0; output < k; output++)
            {
                var w = weights.AsSpan(output * d, d);
                for (int j = 0; j < d; j++)   // afresh at each λ, so rounding does not build up along the path
                {
                    double s = posed.Gy[j * k + output];
                    for (int m = 0; m < d; m++) s -= g[j * d + m] * w[m];
                    residual[j] = s;
                }
                bool done = false;
                for (int sweep = 0; sweep < MaxSweeps && !done; sweep++)
                {
                    double largestStep = 0, largest = 0;
                    for (int j = 0; j < d; j++)
                    {
                        double gjj = g[j * d + j], denominator = gjj + l2;
                        if (!(denominator > 0)) continue;
                        double z = residual[j] + gjj * w[j];
                        double next = Math.Sign(z) * Math.Max(Math.Abs(z) - l1, 0) / denominator;
                        double step = next - w[j];
                        if (step != 0)
                        {
                            for (int m = 0; m < d; m++) residual[m] -= step * g[m * d + j];
                            w[j] = next;
                        }
                        double scale = Math.Sqrt(denominator);
                        largestStep = Math.Max(largestStep, Math.Abs(step) * scale);
                        largest = Math.Max(largest, Math.Abs(next) * scale);
                    }
                    done = largestStep <= StepTolerance * largest;
                }
                converged &= done;
            }
            record(i, weights);
        }
        return converged;
    }

    /// <summary>
    /// A training fold's problem in the units the fit poses it in: G = A/c and g = B/c, A and B the (standardised)
    /// centred scatter matrices Sxx and Sxy (uncentred without an intercept), c = n under the mean loss and 1
    /// under the sum, so the fit minimises ½wᵀGw − gᵀw + λ₁‖w‖₁ + ½λ₂‖w‖² per output.
    /// </summary>
    private sealed class Posed
    {
        public required int Features { get; init; }
        public required int Outputs { get; init; }
        public required double[] G { get; init; }
        public required double[] Gy { get; init; }
        private SufficientStatistics Statistics { get; init; } = null!;
        private double[] Scales { get; init; } = [];
        private bool Intercept { get; init; }

        public static Posed From(SufficientStatistics statistics, LinearRegressorOptions o)
        {
            int d = statistics.Features, k = statistics.Outputs;
            var standardizer = o.Standardize ? statistics.ToStandardizer(center: o.FitIntercept) : null;
            var p = standardizer is null ? statistics : statistics.Standardized(standardizer);
            double n = p.WeightSum;   // W = Σw stands for n with weighted rows (the fit's objective is ½Σw·r²/W)
            double c = o.GradientDescent.LossScaling == LossScaling.Mean ? n : 1;
            var a = new double[d * d];
            var b = new double[d * k];
            for (int i = 0; i < d; i++)
            {
                for (int j = 0; j < d; j++)
                    a[i * d + j] = (p.FeatureScatter[i * d + j] + (o.FitIntercept ? 0 : n * p.FeatureMeans[i] * p.FeatureMeans[j])) / c;
                for (int output = 0; output < k; output++)
                    b[i * k + output] = (p.CrossScatter[i * k + output] + (o.FitIntercept ? 0 : n * p.FeatureMeans[i] * p.TargetMeans[output])) / c;
            }
            return new Posed
            {
                Features = d, Outputs = k, G = a, Gy = b, Statistics = statistics, Intercept = o.FitIntercept,
                Scales = standardizer is null ? [.. Enumerable.Repeat(1.0, d)] : [.. standardizer.Scales],
            };
        }

        /// <summary>Weights and intercept in original units from posed weights (the intercept: ȳ − x̄ᵀw, or 0).</summary>
        public (double[] Weights, double Intercept) ToOriginalUnits(ReadOnlySpan<double> posed, int output)
        {
            var w = new double[Features];
            double b = Statistics.TargetMeans[output];
            for (int j = 0; j < Features; j++)
            {
                w[j] = posed[j] / Scales[j];
                b -= w[j] * Statistics.FeatureMeans[j];
            }
            return (w, Intercept ? b : 0);
        }
    }
}
