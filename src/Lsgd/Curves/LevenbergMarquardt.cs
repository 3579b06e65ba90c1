using System.Globalization;
using System.Numerics.Tensors;
using Lsgd.LinearAlgebra;
using Lsgd.Training;

namespace Lsgd.Curves;

/// <summary>
/// Levenberg–Marquardt for min S(θ) = Σ (yᵢ − f(xᵢ; θ))², with Marquardt's scaling and Nielsen's damping update.
/// </summary>
/// <remarks>
/// <code>
/// r = y − f(θ),  J = ∂f/∂θ,  D = diag(‖J₁‖, …, ‖J_p‖) (each entry the largest column norm seen so far)
/// each trial: δ = argmin ‖[J; √λ D] δ − [r; 0]‖     (Householder QR of the (n + p) × p matrix; JᵀJ is never formed)
///             ρ = (S(θ) − S(θ + δ)) / (‖r‖² − ‖r − Jδ‖²)     actual over predicted reduction
///             ρ > 0: accept θ ← θ + δ;  λ ← λ·max(1/3, 1 − (2ρ − 1)³);  ν ← 2
///             else:  reject;  λ ← λ·ν;  ν ← 2ν
/// </code>
/// λ starts at 1e-3 (the columns of J D⁻¹ have unit norm). A small λ gives the Gauss–Newton step, a large one a
/// short step along the scaled steepest descent direction D⁻²Jᵀr.
/// </remarks>
internal static class LevenbergMarquardt
{
    private const double InitialDamping = 1e-3;
    private const double MaxDamping = 1e16;

    /// <summary>An accepted step counts as small when no parameter moved by more than this share of itself.</summary>
    private const double StepTolerance = 1e-9;

    /// <summary>A Jacobian column below this share of its largest norm so far: the model has stopped depending on that parameter.</summary>
    private const double FadedColumn = 1e-3;

    /// <summary>How one run of the iterations ended.</summary>
    private sealed record Run(double[] Theta, int Iterations, StopReason Reason, string Message, double[] Scale, double[] ThetaAtLargestColumn, double[] LastColumnNorm);

    public static CurveFit Minimize(CurveProblem problem, ReadOnlySpan<double> initial, CurveFitOptions options, CancellationToken cancellationToken)
    {
        var first = Iterate(problem, initial, options, cancellationToken);
        var fit = problem.Finish(first.Theta, CurveFitMethod.LevenbergMarquardt, first.Iterations, first.Reason, first.Message, options.StationarityTolerance);
        if (fit.Converged || !options.RestartOnPlateau || first.Reason is StopReason.Cancelled or StopReason.MaxIterations)
            return fit;
        // A stall away from a stationary point: a parameter has usually wandered to where the model no longer depends on
        // it (BoxBOD from its first start: b2 so large that the curve is flat at the mean of y). Put the faded parameters
        // back where their derivatives were largest, or at their starts, and keep a restart that converges lower.
        var c = CultureInfo.InvariantCulture;
        var faded = Enumerable.Range(0, problem.P).Where(j => first.LastColumnNorm[j] < FadedColumn * first.Scale[j]).ToArray();
        var candidates = new List<(double[] Start, string How)>();
        if (faded.Length > 0)
        {
            var back = first.Theta.ToArray();
            foreach (int j in faded) back[j] = first.ThetaAtLargestColumn[j];
            candidates.Add((back, "with " + Names(problem, faded, back) + " put back where " + (faded.Length == 1 ? "its derivatives were" : "their derivatives were") + " largest"));
            var home = first.Theta.ToArray();
            foreach (int j in faded) home[j] = initial[j];
            candidates.Add((home, "with " + Names(problem, faded, home) + " back at " + (faded.Length == 1 ? "its start" : "their starts")));
        }
        int iterations = first.Iterations;
        foreach (var (start, how) in candidates)
        {
            if (cancellationToken.IsCancellationRequested) break;
            var r = new double[problem.N];
            if (!double.IsFinite(problem.Residuals(start, r))) continue;
            var restart = Iterate(problem, start, options, cancellationToken);
            iterations += restart.Iterations;
            var candidate = problem.Finish(restart.Theta, CurveFitMethod.LevenbergMarquardt, iterations, restart.Reason, restart.Message, options.StationarityTolerance);
            if (candidate.Converged && candidate.ResidualSumOfSquares < fit.ResidualSumOfSquares)
            {
                string message = string.Format(c, "Stalled on a plateau after {0} iterations (SSE = {1:G6}, not a stationary point); restarted {2}: {3}",
                    first.Iterations, fit.ResidualSumOfSquares, how, restart.Message);
                return problem.Finish(restart.Theta, CurveFitMethod.LevenbergMarquardt, iterations, restart.Reason, message, options.StationarityTolerance);
            }
        }
        if (candidates.Count == 0)
            return fit;
        string tried = string.Format(c, " Restarts {0} did not converge lower either ({1} iterations in all).",
            string.Join("; ", candidates.Select(x => x.How)), iterations);
        return problem.Finish(first.Theta, CurveFitMethod.LevenbergMarquardt, iterations, first.Reason, first.Message + tried, options.StationarityTolerance);
    }

    private static string Names(CurveProblem problem, int[] indices, double[] theta) =>
        string.Join(", ", indices.Select(j => string.Create(CultureInfo.InvariantCulture, $"{problem.Model.ParameterNames[j]} = {theta[j]:G6}")));

    private static Run Iterate(CurveProblem problem, ReadOnlySpan<double> initial, CurveFitOptions options, CancellationToken cancellationToken)
    {
        int n = problem.N, p = problem.P;
        var theta = initial.ToArray();
        var r = new double[n];
        var jacobian = new double[n * p];
        double sse = problem.Start(theta, r, jacobian);

        var d = new double[p];
        var atLargest = theta.ToArray();
        var norms = new double[p];
        UpdateScaling(jacobian, n, d, theta, atLargest, norms);
        var trial = new double[p];
        var trialR = new double[n];
        var delta = new double[p];
        var augmented = new double[(n + p) * p];
        var rhs = new double[n + p];
        var linear = new double[n];
        double lambda = InitialDamping, nu = 2;
        int k = 0;
        bool automatic = options.MaxIterations is null;
        int budget = options.MaxIterations ?? CurveFitOptions.AutomaticBudgetCap;
        double windowSse = sse;
        StopReason reason = StopReason.MaxIterations;
        var c = CultureInfo.InvariantCulture;
        string message = "";

        while (true)
        {
            if (sse == 0 || CurveProblem.MaxCosine(jacobian, r, n, p) <= options.GradientTolerance)
            {
                reason = StopReason.GradientNormBelowTolerance;
                message = sse == 0
                    ? string.Format(c, "The curve passes through every point (SSE = 0) after {0} iterations.", k)
                    : string.Format(c, "The residuals are orthogonal to every column of the Jacobian (|cos| ≤ {0:G3}) after {1} iterations: a stationary point.", options.GradientTolerance, k);
                break;
            }
            if (cancellationToken.IsCancellationRequested)
            {
                reason = StopReason.Cancelled;
                message = string.Format(c, "Cancelled after {0} iterations; the parameters reached so far are kept.", k);
                break;
            }
            if (k >= budget)
            {
                message = automatic
                    ? string.Format(c, "Reached the automatic budget's cap of {0} iterations while still making progress. Set a larger iteration limit, or start closer to the solution.", k)
                    : string.Format(c, "Reached the maximum of {0} iterations before converging. Raise the iteration limit (or leave it unset: the automatic budget goes on while the fit makes progress), or start closer to the solution.", k);
                break;
            }
            if (automatic && k > 0 && k % CurveFitOptions.AutomaticBudgetWindow == 0)
            {
                if (!(windowSse - sse > CurveFitOptions.AutomaticBudgetProgress * windowSse))
                {
                    reason = StopReason.LossChangeBelowTolerance;
                    message = string.Format(c, "SSE fell by less than {0:G3} of itself over the last {1} iterations (iteration {2}): no more progress to wait for.",
                        CurveFitOptions.AutomaticBudgetProgress, CurveFitOptions.AutomaticBudgetWindow, k);
                    break;
                }
                windowSse = sse;
            }
            k++;
            Solve(jacobian, r, d, lambda, n, p, augmented, rhs, delta);
            if (!double.IsFinite(TensorPrimitives.SumOfSquares(delta)))
            {
                reason = StopReason.RoundingLimit;
                message = string.Format(c, "The derivatives are not finite at the parameters reached (iteration {0}), so no further step can be computed; " +
                    "check the model where it is evaluated, or start elsewhere.", k);
                break;
            }
            for (int j = 0; j < p; j++) trial[j] = theta[j] + delta[j];
            double trialSse = problem.Residuals(trial, trialR);

            // Predicted reduction of the linear model: ‖r‖² − ‖r − Jδ‖².
            r.CopyTo(linear, 0);
            for (int j = 0; j < p; j++)
                TensorPrimitives.MultiplyAdd(jacobian.AsSpan(j * n, n), -delta[j], linear, linear);
            double predicted = sse - TensorPrimitives.Dot(linear, linear);
            double actual = sse - trialSse;

            if (double.IsFinite(trialSse) && actual > 0)
            {
                double rho = predicted > 0 ? actual / predicted : 1;
                double previous = sse;
                // Small: each parameter moved by at most 1e-9 of itself, or changed the fitted values by at most 1e-9 of ‖r‖.
                bool smallStep = true;
                double residualNorm = Math.Sqrt(previous);
                for (int j = 0; j < p; j++)
                    smallStep &= Math.Abs(delta[j]) <= StepTolerance * Math.Abs(theta[j]) || d[j] * Math.Abs(delta[j]) <= StepTolerance * residualNorm;
                trial.CopyTo(theta, 0);
                sse = problem.ResidualsAndJacobian(theta, r, jacobian);
                UpdateScaling(jacobian, n, d, theta, atLargest, norms);
                double shrink = 1 - Math.Pow(2 * rho - 1, 3);
                lambda *= Math.Max(1.0 / 3, shrink);
                nu = 2;
                // A sum of squares that stopped changing ends the fit only at a stationary point, and only once the
                // parameters have stopped moving too (a fraction 1e-12 of S can still hide a change in the sixth digit of
                // a poorly determined parameter): on a plateau S can creep down for many steps far from a solution.
                if (actual <= options.Tolerance * previous && predicted <= options.Tolerance * previous && smallStep
                    && problem.Stationarity(jacobian, r) <= options.StationarityTolerance)
                {
                    reason = StopReason.LossChangeBelowTolerance;
                    message = string.Format(c, "SSE fell by less than {0:G3} of itself at iteration {1}, and the parameters stopped moving (by at most {2:G3} of themselves or of the residuals' norm).",
                        options.Tolerance, k, StepTolerance);
                    break;
                }
            }
            else
            {
                lambda *= nu;
                nu *= 2;
                if (lambda > MaxDamping)
                {
                    reason = StopReason.RoundingLimit;
                    message = string.Format(c, "No step lowers the sum of squares any more, however short (iteration {0}).", k);
                    break;
                }
            }
        }
        return new Run(theta, k, reason, message, d, atLargest, norms);
    }

    /// <summary>
    /// Dⱼ ← max(Dⱼ, ‖Jⱼ‖), with 1 for a column that has always been zero (MINPACK's mode 1 scaling); records each
    /// column's norm and θⱼ where it was largest.
    /// </summary>
    private static void UpdateScaling(double[] jacobian, int n, double[] d, double[] theta, double[] atLargest, double[] norms)
    {
        for (int j = 0; j < d.Length; j++)
        {
            double norm = TensorPrimitives.Norm(jacobian.AsSpan(j * n, n));
            norms[j] = norm;
            if (double.IsFinite(norm) && norm > d[j])
            {
                d[j] = norm;
                atLargest[j] = theta[j];
            }
            if (d[j] == 0) d[j] = 1;
        }
    }

    /// <summary>δ = argmin ‖[J; √λ D] δ − [r; 0]‖ by Householder QR of the augmented matrix.</summary>
    private static void Solve(double[] jacobian, double[] r, double[] d, double lambda, int n, int p,
        double[] augmented, double[] rhs, double[] delta)
    {
        int m = n + p;
        Array.Clear(augmented);
        double root = Math.Sqrt(lambda);
        for (int j = 0; j < p; j++)
        {
            jacobian.AsSpan(j * n, n).CopyTo(augmented.AsSpan(j * m, n));
            augmented[j * m + n + j] = root * d[j];
        }
        r.CopyTo(rhs, 0);
        Array.Clear(rhs, n, p);
        var qr = QrFactorization.Factor(augmented, m, p);
        qr.ApplyQt(rhs);
        rhs.AsSpan(0, p).CopyTo(delta);
        qr.SolveR(delta);
    }
}
