#!/usr/bin/python3
"""Reference numbers for Lsgd's cross-validated ridge, lasso and elastic net (CrossValidatedRegressor, `lsgd fit --l2 cv`).

Data: scikit-learn's diabetes dataset (Efron, Hastie, Johnstone and Tibshirani, "Least Angle Regression", Annals of
Statistics 32(2), 2004; shipped with scikit-learn as load_diabetes(scaled=False)): 442 rows, 10 features, target y.
Writes tests/data/sklearn/diabetes.csv and tests/Lsgd.Tests/Reference/diabetes_cv.json.

Folds: sklearn.model_selection.KFold(5) without shuffling (contiguous), passed to Lsgd as CrossValidationOptions.FoldOfRow.
Each fold fit standardises with the training fold's mean and population SD (StandardScaler in a Pipeline), as Lsgd does.
Lsgd's loss under --loss mean is 1/(2n)·Σr² + λ₁‖w‖₁ + ½λ₂‖w‖²:
  lasso / elastic net: sklearn alpha = λ (same l1_ratio);  ridge: sklearn Ridge alpha = n_train·λ (per fold).
Under --loss sum (½Σr² + ½λ₂‖w‖²), Ridge alpha = λ, and GridSearchCV over the Pipeline is RidgeCV's search.
Validation loss: mean squared error of the held-out fold; mean over folds; SD with ddof=1.
Run: /usr/bin/python3 tests/Lsgd.Tests/Reference/diabetes_cv.py   (numbers recorded with the versions printed in the JSON)
"""
import json, os, sys
import numpy as np
import sklearn
from sklearn.datasets import load_diabetes
from sklearn.linear_model import ElasticNet, ElasticNetCV, Lasso, LassoCV, Ridge
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
X, y = load_diabetes(return_X_y=True, scaled=False)
names = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]
with open(os.path.join(root, "tests", "data", "sklearn", "diabetes.csv"), "w") as f:
    f.write(",".join(names + ["y"]) + "\n")
    for row, target in zip(X, y):
        f.write(",".join(repr(float(v)) for v in row) + "," + repr(float(target)) + "\n")
# Read back what the CSV holds, so both sides fit the very same numbers.
data = np.loadtxt(os.path.join(root, "tests", "data", "sklearn", "diabetes.csv"), delimiter=",", skiprows=1)
X, y = data[:, :-1], data[:, -1]
n, d = X.shape
K = 5
folds = list(KFold(K).split(X))
fold_of_row = np.empty(n, dtype=int)
for f, (_, test) in enumerate(folds):
    fold_of_row[test] = f


def summary(losses, lambdas):
    losses = np.asarray(losses)          # [λ][fold]
    mean = losses.mean(axis=1)
    sd = losses.std(axis=1, ddof=1)
    best = int(np.argmin(mean))
    limit = mean[best] + sd[best] / np.sqrt(K)
    one_se = next(i for i in range(best + 1) if mean[i] <= limit)
    return {"lambdas": list(map(float, lambdas)), "mean_loss": mean.tolist(), "sd_loss": sd.tolist(),
            "best_index": best, "best_lambda": float(lambdas[best]), "one_se_lambda": float(lambdas[one_se])}


def per_fold(make, lambdas):
    out = []
    for lam in lambdas:
        row = []
        for train, test in folds:
            model = make(lam, len(train)).fit(X[train], y[train])
            row.append(float(np.mean((y[test] - model.predict(X[test])) ** 2)))
        out.append(row)
    return out


Xs = StandardScaler().fit_transform(X)
result = {"source": "sklearn.datasets.load_diabetes(scaled=False); Efron et al. (2004)",
          "sklearn": sklearn.__version__, "numpy": np.__version__, "folds": K, "fold_of_row": fold_of_row.tolist()}

# Ridge, mean loss (the CLI's default): the grid 10^3 … 10^-3 times the mean eigenvalue of the correlation matrix (= 1).
ridge_grid = np.logspace(-3, 3, 100)[::-1]
result["ridge_mean"] = summary(per_fold(lambda lam, m: make_pipeline(StandardScaler(), Ridge(alpha=m * lam)), ridge_grid), ridge_grid)

# Ridge, sum loss: Ridge's alpha is λ; sklearn's own grid search (RidgeCV's mechanism) over the scaled pipeline.
ridge_sum_grid = n * ridge_grid   # τ = trace(XᵀX)/d = n for standardised X
search = GridSearchCV(make_pipeline(StandardScaler(), Ridge()), {"ridge__alpha": ridge_sum_grid}, cv=folds,
                      scoring="neg_mean_squared_error").fit(X, y)
losses = np.array([-search.cv_results_[f"split{f}_test_score"] for f in range(K)]).T
result["ridge_sum"] = summary(losses, ridge_sum_grid)
result["ridge_sum"]["gridsearch_best_alpha"] = float(search.best_params_["ridge__alpha"])

for key, ratio in (("lasso", 1.0), ("elastic_net", 0.5)):
    cv_model = (LassoCV(n_alphas=100, eps=1e-3, cv=folds) if ratio == 1 else ElasticNetCV(l1_ratio=ratio, n_alphas=100, eps=1e-3, cv=folds))
    grid = cv_model.fit(Xs, y).alphas_   # scikit-learn's grid on the standardised rows
    make = (lambda lam, m: make_pipeline(StandardScaler(), Lasso(alpha=lam, tol=1e-13, max_iter=10**7))) if ratio == 1 else \
        (lambda lam, m: make_pipeline(StandardScaler(), ElasticNet(alpha=lam, l1_ratio=ratio, tol=1e-13, max_iter=10**7)))
    result[key] = summary(per_fold(make, grid), grid)
    result[key]["l1_ratio"] = ratio

# The refit at the lasso's best λ on all rows (coefficients in original units).
best = result["lasso"]["best_lambda"]
final = make_pipeline(StandardScaler(), Lasso(alpha=best, tol=1e-14, max_iter=10**7)).fit(X, y)
scale = final[0].scale_
result["lasso"]["refit_coefficients"] = (final[1].coef_ / scale).tolist()
result["lasso"]["refit_intercept"] = float(final[1].intercept_ - np.sum(final[1].coef_ * final[0].mean_ / scale))

with open(os.path.join(root, "tests", "Lsgd.Tests", "Reference", "diabetes_cv.json"), "w") as f:
    json.dump(result, f, indent=1)
    f.write("\n")
print({k: (v["best_lambda"], v["one_se_lambda"]) for k, v in result.items() if isinstance(v, dict)})
