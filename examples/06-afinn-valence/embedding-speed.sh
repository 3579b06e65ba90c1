#!/usr/bin/env bash
# Texts per second of the built-in encoder on this machine: both examples' texts, without the cache, with one
# encoder run at a time (--threads 1) and one per core (the default), best of three runs each.
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build src/Lsgd.Cli -c Release -v quiet -nologo > /dev/null
lsgd() { src/Lsgd.Cli/bin/Release/net10.0/Lsgd.Cli "$@"; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
speed() {   # data text target threads
  best=0
  for _ in 1 2 3; do
    tps=$(lsgd finetune "$1" --text "$2" --target "$3" --threads "$4" --no-cache --no-bag-of-words --output "$out/h.json" --json |
      sed -E 's/.*"texts_per_second":([0-9.]+).*/\1/')
    best=$(awk -v a="$best" -v b="$tps" 'BEGIN { print (b > a ? b : a) }')
  done
  printf '%-16s %d thread(s): %6.0f texts/s\n' "$(basename "$1" .csv)" "$4" "$best"
}
for threads in 1 "$(nproc)"; do
  speed examples/06-afinn-valence/afinn-165.csv word valence "$threads"
  speed examples/07-emoji-groups/emoji-groups.csv label group "$threads"
done
