#!/usr/bin/env bash
# NIST's certified linear-regression datasets (tests/data/nist): every method of lsgd against the certified
# coefficients. Longley is ill-conditioned; gradient descent needs many iterations there, CG and the exact
# solver do not.
set -euo pipefail
cd "$(dirname "$0")/../.."
run() { dotnet run --project src/Lsgd.Cli -c Release --no-build -- "$@"; }
dotnet build src/Lsgd.Cli -c Release -v quiet -nologo | grep -E "error|Warn|Elapsed" || true
for method in exact cg gd; do
  echo "== Longley, --method $method"
  run fit tests/data/nist/Longley.csv --target y --method "$method"
done
echo "== Pontius (quadratic), exact"
run fit tests/data/nist/Pontius.csv --target y --degree 2 --method exact
echo "== NoInt1 (no intercept: uncentred R²), exact"
run fit tests/data/nist/NoInt1.csv --target y --no-intercept --method exact
