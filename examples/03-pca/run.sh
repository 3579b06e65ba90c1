#!/usr/bin/env bash
# PCA by gradient methods on Fisher's iris (shipped in ../04-classifier/iris.csv): the top two components by
# subspace iteration, the same by gradient descent on the reconstruction error, standardised (correlation) PCA,
# streamed from the file, and a plot of the 150 flowers on the first two components coloured by species.
set -euo pipefail
cd "$(dirname "$0")/../.."
data=examples/04-classifier/iris.csv
out="${1:-out/iris-pca.png}"   # out/ is ignored by git
mkdir -p "$(dirname "$out")"
lsgd() { dotnet run --project src/Lsgd.Cli -c Release -- "$@"; }
lsgd pca "$data" --components 2 --label species --plot "$out"
lsgd pca "$data" --components 2 --method gd
lsgd pca "$data" --components 3 --standardize
lsgd pca "$data" --components 2 --stream --json
