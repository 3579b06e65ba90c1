#!/usr/bin/env bash
# Curve fitting and parameter estimation with `lsgd curve`, on data this folder ships (decay.csv, mixture.csv;
# regenerate them with `dotnet run generate.cs`) and on NIST's Pontius set. Plots go to the folder given as the
# first argument (default out/, which git ignores).
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-out}"
mkdir -p "$out"
here=examples/02-curve-fitting
lsgd() { dotnet run --project src/Lsgd.Cli -c Release --no-build -- "$@"; }
dotnet build src/Lsgd.Cli -c Release -v quiet -nologo >/dev/null

echo "== 1. y = a·exp(b·x) + c by Levenberg–Marquardt (data: 5·exp(−0.3x) + 1 + noise of SD 0.1)"
lsgd curve "$here/decay.csv" --x x --y y --model "a*exp(b*x)+c" --init a=1,b=-0.5,c=0 --plot "$out/curve-decay.png"

echo; echo "== 2. The same model by gradient descent (Armijo line search), for comparison"
lsgd curve "$here/decay.csv" --x x --y y --model "a*exp(b*x)+c" --init a=1,b=-0.5,c=0 --method gd

echo; echo "== 3. A quadratic in a well-conditioned basis: NIST's Pontius (certified c2 = -3.16081871345029E-15)"
lsgd curve tests/data/nist/Pontius.csv --x x --y y --model poly:2

echo; echo "== 4. Parameter estimation: a two-component Gaussian mixture fitted to the histogram of 3000 samples"
echo "      (drawn from 0.3·N(−2, 0.5²) + 0.7·N(1, 0.8²))"
lsgd curve "$here/mixture.csv" --x value --histogram 40 --model gauss:2 --plot "$out/curve-mixture.png"
