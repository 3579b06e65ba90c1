#!/usr/bin/env Rscript
# Reference numbers for lsgd fit's statistician's report (issue 12), from R's lm, summary.lm and friends.
#
# Run from the repository root with R >= 4.2 and the packages sandwich and lmtest (Debian: apt-get install
# r-base-core r-cran-sandwich r-cran-lmtest):
#     Rscript tests/Lsgd.Tests/Reference/r_lm.R
# It writes tests/data/r/reference.json, which tests/Lsgd.Cli.Tests/RLmReferenceTest.cs reads, and the CSV files
# tests/data/r/warpbreaks.csv and tests/data/r/mtcars.csv (R's datasets as lsgd reads them). Every number is
# written with 17 significant digits (sprintf("%.17g")), so a double survives the round trip exactly.
#
# Datasets (all public, all shipped with R's datasets package):
#   stackloss  Brownlee (1965), Statistical Theory and Methodology in Science and Engineering: 21 days of a plant
#              oxidising ammonia. Read from tests/data/statsmodels/stackloss.csv (statsmodels' copy, its column
#              names) after checking it holds exactly R's `stackloss`.
#   stackloss, weighted: tests/data/stackloss-weighted.csv, the same rows with w = 1/AIRFLOW.
#   warpbreaks Tippett (1950), Technological Applications of Statistics: breaks per loom by wool (A, B) and
#              tension (L, M, H). Written with the factors as text; R's levels re-sorted alphabetically (H, L, M)
#              so that the reference level is the one patsy and lsgd take (the first in sorted order).
#   mtcars     Henderson and Velleman (1981), Building multiple regression models interactively, Biometrics 37,
#              from Motor Trend (1974): 32 cars. cyl (4, 6, 8) enters as a factor.
#   grunfeld   Grunfeld (1950), 11 firms x 20 years; tests/data/statsmodels/grunfeld.csv (firms numbered 1-11),
#              for the cluster-robust covariance.
#
# Conventions recorded here as R gives them (the test converts where lsgd follows statsmodels instead):
#   AIC and BIC are R's AIC()/BIC(): they count sigma as a parameter (k = p + 1); statsmodels and lsgd count p only,
#   so lsgd's aic = R's AIC - 2 and bic = R's BIC - log(n).
#   Robust covariances are sandwich's (vcovHC types HC0-HC3; NeweyWest with prewhite = FALSE, adjust = FALSE, which
#   is statsmodels' HAC; vcovCL type HC1, which is statsmodels' cluster), and their coefficient tests are lmtest's
#   coeftest/coefci with df = Inf (a z test, as statsmodels and lsgd use for a robust covariance); the Wald F of the
#   slopes is on (p - 1, n - p) degrees of freedom, or (p - 1, G - 1) for G clusters, as statsmodels takes it.

suppressPackageStartupMessages({
  library(sandwich)
  library(lmtest)
})

out_dir <- file.path("tests", "data", "r")
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)

# ---- a small JSON writer (R ships none); numbers with 17 significant digits -------------------------------------
num <- function(x) ifelse(is.na(x), "null", sprintf("%.17g", x))
str_json <- function(s) paste0('"', gsub("\n", "\\n", gsub('"', '\\"', gsub("\\", "\\\\", s, fixed = TRUE), fixed = TRUE), fixed = TRUE), '"')
arr <- function(x) structure(list(x), class = "json_array")   # a vector written as an array even when of length 1
to_json <- function(x, indent = "") {
  inner <- paste0(indent, " ")
  if (is.null(x)) return("null")
  if (inherits(x, "json_array")) x <- x[[1]]
  else if (is.matrix(x)) return(paste0("[", paste(apply(x, 1, function(r) to_json(arr(unname(r)))), collapse = ", "), "]"))
  else if (is.list(x) && !is.null(names(x))) {
    items <- vapply(names(x), function(k) paste0(inner, str_json(k), ": ", to_json(x[[k]], inner)), "")
    return(paste0("{\n", paste(items, collapse = ",\n"), "\n", indent, "}"))
  } else if (is.list(x)) {
    return(paste0("[\n", paste(vapply(x, function(e) paste0(inner, to_json(e, inner)), ""), collapse = ",\n"), "\n", indent, "]"))
  } else if (length(x) == 1) {
    if (is.character(x)) return(str_json(x))
    if (is.logical(x)) return(if (x) "true" else "false")
    return(num(x))
  }
  if (is.character(x)) return(paste0("[", paste(vapply(x, str_json, ""), collapse = ", "), "]"))
  paste0("[", paste(num(unname(x)), collapse = ", "), "]")
}

# ---- the data -------------------------------------------------------------------------------------------------
stack <- read.csv(file.path("tests", "data", "statsmodels", "stackloss.csv"))
stopifnot(all(stack == as.matrix(stackloss[, c("stack.loss", "Air.Flow", "Water.Temp", "Acid.Conc.")])))
stack_w <- read.csv(file.path("tests", "data", "stackloss-weighted.csv"))
stopifnot(all(stack_w[, 1:4] == stack), all(stack_w$w == 1 / stack$AIRFLOW))

wb <- data.frame(breaks = warpbreaks$breaks, wool = as.character(warpbreaks$wool), tension = as.character(warpbreaks$tension))
write.csv(wb, file.path(out_dir, "warpbreaks.csv"), row.names = FALSE, quote = FALSE)
wb <- read.csv(file.path(out_dir, "warpbreaks.csv"), stringsAsFactors = TRUE)   # levels sorted: H, L, M
stopifnot(identical(levels(wb$tension), c("H", "L", "M")))

cars <- cbind(model = rownames(mtcars), mtcars)
write.csv(cars, file.path(out_dir, "mtcars.csv"), row.names = FALSE, quote = FALSE)
cars <- read.csv(file.path(out_dir, "mtcars.csv"))

grunfeld <- read.csv(file.path("tests", "data", "statsmodels", "grunfeld.csv"))

# ---- what R reports for one fit ------------------------------------------------------------------------------
# lsgd_names: the coefficient names lsgd (and patsy) give, in R's order of coef(fit).
vif_by_formula <- function(fit) {
  X <- model.matrix(fit)
  stopifnot(colnames(X)[1] == "(Intercept)")
  vapply(2:ncol(X), function(j) 1 / (1 - summary(lm(X[, j] ~ X[, -c(1, j)]))$r.squared), 0)
}

report <- function(name, source, data_path, lsgd_args, r_call, fit, lsgd_names, newdata = NULL, new_rows_csv = NULL,
                   hypotheses = list(), robust = list(), influence = TRUE) {
  s <- summary(fit)
  ct <- coef(s)
  ci <- confint(fit, level = 0.95)
  f <- s$fstatistic
  e <- weighted.residuals(fit)
  entry <- list(
    name = name, source = source, data = data_path, lsgd_args = lsgd_args, r_call = r_call,
    names = lsgd_names, r_names = rownames(ct),
    n = nobs(fit),
    coefficients = ct[, 1], std_errors = ct[, 2], t = ct[, 3], p = ct[, 4],
    conf_lower_95 = ci[, 1], conf_upper_95 = ci[, 2],
    vcov = unname(vcov(fit)),
    sigma = s$sigma, df_residual = fit$df.residual,
    r_squared = s$r.squared, adj_r_squared = s$adj.r.squared,
    f_statistic = unname(f[1]), f_numdf = unname(f[2]), f_dendf = unname(f[3]),
    f_p_value = unname(pf(f[1], f[2], f[3], lower.tail = FALSE)),
    log_lik = as.numeric(logLik(fit)), aic_r = AIC(fit), bic_r = BIC(fit),
    durbin_watson = sum(diff(e)^2) / sum(e^2)
  )
  if (is.null(fit$weights)) {
    stopifnot(isTRUE(all.equal(entry$durbin_watson, unname(dwtest(fit)$statistic), tolerance = 1e-14)))
    if (names(coef(fit))[1] == "(Intercept)") entry$vif <- vif_by_formula(fit)
  }
  if (influence) {
    entry$influence <- list(hatvalues = unname(hatvalues(fit)), rstandard = unname(rstandard(fit)),
                            rstudent = unname(rstudent(fit)), cooks_distance = unname(cooks.distance(fit)),
                            dffits = unname(dffits(fit)))
  }
  if (!is.null(newdata)) {
    conf <- predict(fit, newdata, interval = "confidence", level = 0.95, se.fit = TRUE)
    pred <- predict(fit, newdata, interval = "prediction", level = 0.95, se.fit = TRUE)
    entry$predict <- list(new_rows = new_rows_csv, fit = arr(unname(conf$fit[, "fit"])), se_fit = arr(unname(conf$se.fit)),
                          se_obs = arr(unname(sqrt(pred$se.fit^2 + pred$residual.scale^2))),
                          confidence_lower = arr(unname(conf$fit[, "lwr"])), confidence_upper = arr(unname(conf$fit[, "upr"])),
                          prediction_lower = arr(unname(pred$fit[, "lwr"])), prediction_upper = arr(unname(pred$fit[, "upr"])))
  }
  entry$hypotheses <- lapply(hypotheses, function(h) {
    a <- anova(h$restricted, fit)
    list(lsgd = h$lsgd, restricted = h$r, f = a$F[2], df_num = a$Df[2], df_denom = a$Res.Df[2], p = a[["Pr(>F)"]][2])
  })
  entry$robust <- lapply(robust, function(r) {
    V <- r$vcov
    z <- coeftest(fit, vcov. = V, df = Inf)
    zci <- coefci(fit, vcov. = V, df = Inf, level = 0.95)
    b <- coef(fit)[-1]
    W <- V[-1, -1, drop = FALSE]
    fr <- drop(t(b) %*% solve(W, b)) / length(b)
    # The Wald F of all slopes = 0 is lmtest's waldtest(fit, vcov = V, test = "F"); its p is on the residual degrees of
    # freedom except for clusters, where statsmodels (and lsgd) take G - 1 (f_df).
    stopifnot(isTRUE(all.equal(fr, waldtest(fit, vcov = V, test = "F")$F[2], tolerance = 1e-12)))
    dfd <- if (is.null(r$f_df)) fit$df.residual else r$f_df
    list(cov_type = r$cov_type, r_call = r$r_call, vcov = unname(V), std_errors = z[, 2], z = z[, 3], p = z[, 4],
         conf_lower_95 = zci[, 1], conf_upper_95 = zci[, 2], f_df_denom = dfd,
         f_statistic = fr, f_p_value = pf(fr, length(b), dfd, lower.tail = FALSE))
  })
  entry
}

robust_set <- function(fit, hac_lag) {
  hc <- lapply(c("HC0", "HC1", "HC2", "HC3"), function(type)
    list(cov_type = tolower(type), r_call = sprintf('sandwich::vcovHC(fit, type = "%s")', type), vcov = vcovHC(fit, type = type)))
  c(hc, list(list(cov_type = sprintf("hac:%d", hac_lag),
                  r_call = sprintf("sandwich::NeweyWest(fit, lag = %d, prewhite = FALSE, adjust = FALSE)", hac_lag),
                  vcov = NeweyWest(fit, lag = hac_lag, prewhite = FALSE, adjust = FALSE))))
}

stack_src <- "stackloss: Brownlee (1965), R datasets::stackloss (statsmodels.datasets.stackloss, same 21 rows)"
stack_names <- c("(intercept)", "AIRFLOW", "WATERTEMP", "ACIDCONC")
new_stack <- data.frame(AIRFLOW = c(60, 70, 80, 50), WATERTEMP = c(20, 25, 27, 18), ACIDCONC = c(85, 90, 88, 72))
csv_rows <- function(d) paste(c(paste(names(d), collapse = ","), apply(d, 1, function(r) paste(r, collapse = ","))), collapse = "\n")

cases <- list()

fit <- lm(STACKLOSS ~ AIRFLOW + WATERTEMP + ACIDCONC, data = stack)
cases[[length(cases) + 1]] <- report(
  "stackloss", stack_src, "tests/data/statsmodels/stackloss.csv",
  c("--formula", "STACKLOSS ~ AIRFLOW + WATERTEMP + ACIDCONC"),
  "lm(STACKLOSS ~ AIRFLOW + WATERTEMP + ACIDCONC, data = stack)", fit, stack_names,
  new_stack, csv_rows(new_stack),
  hypotheses = list(
    list(lsgd = "AIRFLOW = WATERTEMP, ACIDCONC = 0", r = "lm(STACKLOSS ~ I(AIRFLOW + WATERTEMP), data = stack)",
         restricted = lm(STACKLOSS ~ I(AIRFLOW + WATERTEMP), data = stack)),
    # 2*AIRFLOW - WATERTEMP = 1: WATERTEMP's coefficient is 2a - 1, so STACKLOSS + WATERTEMP = b0 + a(AIRFLOW + 2 WATERTEMP) + c ACIDCONC.
    list(lsgd = "2*AIRFLOW - WATERTEMP = 1", r = "lm(STACKLOSS ~ I(AIRFLOW + 2 * WATERTEMP) + ACIDCONC + offset(-WATERTEMP), data = stack)",
         restricted = lm(STACKLOSS ~ I(AIRFLOW + 2 * WATERTEMP) + ACIDCONC + offset(-WATERTEMP), data = stack))),
  robust = robust_set(fit, 2))

fit <- lm(STACKLOSS ~ AIRFLOW + WATERTEMP + ACIDCONC - 1, data = stack)
cases[[length(cases) + 1]] <- report(
  "stackloss, no intercept", stack_src, "tests/data/statsmodels/stackloss.csv",
  c("--formula", "STACKLOSS ~ AIRFLOW + WATERTEMP + ACIDCONC - 1"),
  "lm(STACKLOSS ~ AIRFLOW + WATERTEMP + ACIDCONC - 1, data = stack)", fit, stack_names[-1], influence = FALSE)

fit <- lm(STACKLOSS ~ AIRFLOW + WATERTEMP + ACIDCONC, data = stack_w, weights = w)
cases[[length(cases) + 1]] <- report(
  "stackloss, weighted by w = 1/AIRFLOW", stack_src, "tests/data/stackloss-weighted.csv",
  c("--target", "STACKLOSS", "--features", "AIRFLOW,WATERTEMP,ACIDCONC", "--weights", "w"),
  "lm(STACKLOSS ~ AIRFLOW + WATERTEMP + ACIDCONC, data = stack_w, weights = w)", fit, stack_names, influence = FALSE)

fit <- lm(breaks ~ wool * tension, data = wb)
new_wb <- data.frame(wool = c("A", "B", "B"), tension = c("H", "M", "L"))
cases[[length(cases) + 1]] <- report(
  "warpbreaks", "warpbreaks: Tippett (1950), R datasets::warpbreaks", "tests/data/r/warpbreaks.csv",
  c("--formula", "breaks ~ wool * tension"),
  "lm(breaks ~ wool * tension, data = wb)   # wb: tension's levels sorted, H first", fit,
  c("(intercept)", "wool[T.B]", "tension[T.L]", "tension[T.M]", "wool[T.B]:tension[T.L]", "wool[T.B]:tension[T.M]"),
  new_wb, csv_rows(new_wb),
  hypotheses = list(list(lsgd = "wool[T.B]:tension[T.L] = 0, wool[T.B]:tension[T.M] = 0", r = "lm(breaks ~ wool + tension, data = wb)",
                         restricted = lm(breaks ~ wool + tension, data = wb))),
  robust = robust_set(fit, 1))

fit <- lm(mpg ~ wt * hp + factor(cyl), data = cars)
new_cars <- data.frame(wt = c(2.5, 3.2, 4), hp = c(100, 150, 230), cyl = c(4, 6, 8))
cases[[length(cases) + 1]] <- report(
  "mtcars", "mtcars: Henderson and Velleman (1981), R datasets::mtcars", "tests/data/r/mtcars.csv",
  c("--formula", "mpg ~ wt * hp + C(cyl)"),
  "lm(mpg ~ wt * hp + factor(cyl), data = cars)", fit,
  c("(intercept)", "wt", "hp", "C(cyl)[T.6]", "C(cyl)[T.8]", "wt:hp"),
  new_cars, csv_rows(new_cars),
  hypotheses = list(list(lsgd = "C(cyl)[T.6] = 0, C(cyl)[T.8] = 0", r = "lm(mpg ~ wt * hp, data = cars)",
                         restricted = lm(mpg ~ wt * hp, data = cars))),
  robust = robust_set(fit, 3))

fit <- lm(invest ~ value + capital, data = grunfeld)
G <- length(unique(grunfeld$firm))
cases[[length(cases) + 1]] <- report(
  "grunfeld, clustered by firm", "grunfeld: Grunfeld (1950), statsmodels.datasets.grunfeld (firms numbered 1-11)",
  "tests/data/statsmodels/grunfeld.csv", c("--target", "invest", "--features", "value,capital"),
  "lm(invest ~ value + capital, data = grunfeld)", fit, c("(intercept)", "value", "capital"), influence = FALSE,
  robust = list(list(cov_type = "cluster:firm", r_call = 'sandwich::vcovCL(fit, cluster = ~firm, type = "HC1")',
                     vcov = vcovCL(fit, cluster = ~firm, type = "HC1"), f_df = G - 1)))

document <- list(
  source = sprintf("%s, sandwich %s, lmtest %s; generated by tests/Lsgd.Tests/Reference/r_lm.R",
                   R.version.string, packageVersion("sandwich"), packageVersion("lmtest")),
  cases = cases)
writeLines(to_json(document), file.path(out_dir, "reference.json"))
