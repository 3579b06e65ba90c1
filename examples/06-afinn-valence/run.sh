#!/usr/bin/env bash
# Word valence regression on AFINN-165: embed each of the 3 382 words with all-MiniLM-L6-v2, split 70/10/20 by
# word stem (so "abandon" and "abandoned" fall on the same side), and fit the last layer by least-squares gradient
# descent; then compare with the training mean and with a head on character n-grams. Writes the head (JSON and
# ONNX) to $1 (default: a temporary folder) and predicts three new texts with it.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-${TMPDIR:-/tmp}/lsgd-afinn}"
mkdir -p "$out"
dotnet build src/Lsgd.Cli -c Release -v quiet -nologo > /dev/null
lsgd() { src/Lsgd.Cli/bin/Release/net10.0/Lsgd.Cli "$@"; }
time lsgd finetune examples/06-afinn-valence/afinn-165.csv --text word --target valence --group-by stem \
  --output "$out/afinn.head.json" --onnx "$out/afinn.head.onnx"
lsgd predict "$out/afinn.head.json" --text "what a wonderful day" --text "a terrible, horrible mistake" --text "the table"
