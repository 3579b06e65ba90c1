#!/usr/bin/env bash
# A least-squares classifier on Fisher's iris: one-hot targets, one linear score per species, argmax.
# Training accuracy (and the confusion matrix), then accuracy on 30 % of each species held out.
set -euo pipefail
cd "$(dirname "$0")/../.."
data=examples/04-classifier/iris.csv
lsgd() { dotnet run --project src/Lsgd.Cli -c Release -- "$@"; }
lsgd classify "$data" --target species
lsgd classify "$data" --target species --test-fraction 0.3 --seed 1
# Petal measurements alone: the middle class (versicolor) is squeezed between the others ("masking"):
lsgd classify "$data" --target species --features petal_length,petal_width --json
