#!/usr/bin/env bash
# Emoji group classification from emoji labels: embed the 1 914 labels of emojibase-data 17.0.0 ("grinning face",
# "flag: Germany", …) with all-MiniLM-L6-v2, split 70/10/20, and fit the last layer as one-hot least squares over the
# 9 groups (argmax), by gradient descent; then compare with the majority class and a head on character n-grams.
# Writes the head (JSON and ONNX) to $1 (default: a temporary folder) and classifies three new labels with it.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-${TMPDIR:-/tmp}/lsgd-emoji}"
mkdir -p "$out"
dotnet build src/Lsgd.Cli -c Release -v quiet -nologo > /dev/null
lsgd() { src/Lsgd.Cli/bin/Release/net10.0/Lsgd.Cli "$@"; }
time lsgd finetune examples/07-emoji-groups/emoji-groups.csv --text label --target group \
  --output "$out/emoji.head.json" --onnx "$out/emoji.head.onnx"
lsgd predict "$out/emoji.head.json" --text "smiling cat with a party hat" --text "flag: Atlantis" --text "electric scooter"
