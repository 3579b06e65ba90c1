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

    public static CurveFit Minimize(CurveProblem problem, ReadOnlySpan<double> initial, CurveFitOptions options, CancellationToken cancellationToken)
    {
        int n = problem.N, p = problem.P;
        var theta = initial.ToArray();
        var r = new double[n];
        var jacobian = new double[n * p];
        double sse = problem.Start(theta, r, jacobian);

        var d = new double[p];
        UpdateScaling(jacobian, n, d);
        var trial = new double[p];
        var trialR = new double[n];
        var delta = new double[p];
        var augmented = new double[(n + p) * p];
        var rhs = new double[n + p];
        var linear = new double[n];
        double lambda = InitialDamping, nu = 2;
        int k = 0;
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
            if (k >= options.MaxIterations)
            {
                message = string.Format(c, "Reached the maximum of {0} iterations before converging. Raise the iteration limit, or start closer to the solution.", k);
                break;
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
                trial.CopyTo(theta, 0);
                sse = problem.ResidualsAndJacobian(theta, r, jacobian);
                UpdateScaling(jacobian, n, d);
                double shrink = 1 - Math.Pow(2 * rho - 1, 3);
                lambda *= Math.Max(1.0 / 3, shrink);
                nu = 2;
                // A sum of squares that stopped changing ends the fit only at a stationary point: on a plateau S can
                // creep down for many steps while the gradient is far from zero, and LM must go on (or report the stall).
                if (actual <= options.Tolerance * previous && predicted <= options.Tolerance * previous
                    && problem.Stationarity(jacobian, r) <= options.StationarityTolerance)
                {
                    reason = StopReason.LossChangeBelowTolerance;
                    message = string.Format(c, "SSE fell by less than {0:G3} of itself at iteration {1}.", options.Tolerance, k);
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
        return problem.Finish(theta, CurveFitMethod.LevenbergMarquardt, k, reason, message, options.StationarityTolerance);
    }

    /// <summary>Dⱼ ← max(Dⱼ, ‖Jⱼ‖), with 1 for a column that has always been zero (MINPACK's mode 1 scaling).</summary>
    private static void UpdateScaling(double[] jacobian, int n, double[] d)
    {
        for (int j = 0; j < d.Length; j++)
        {
            double norm = TensorPrimitives.Norm(jacobian.AsSpan(j * n, n));
            if (double.IsFinite(norm)) d[j] = Math.Max(d[j], norm);
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
