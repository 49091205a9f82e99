#!/usr/bin/env bash
# How promptly a search stops (issue 22): every shipped model and a few extreme ones, checked
# under --time-limit L and interrupted by SIGINT after S seconds. Prints, per model, the seconds
# past the limit (or past the signal) at which the process exited; the worst of each at the end.
# Usage: benchmarks/stop-latency.sh [LIMIT] [SIGNAL_AFTER]   (release build; run by hand)
set -uo pipefail
cd "$(dirname "$0")/.."
limit=${1:-5}
after=${2:-2}
bin=$(swift build -c release --show-bin-path)/modelcheck
swift build -c release >/dev/null 2>&1 || { echo "release build failed"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Extreme valid models: many interchangeable devices, a wide window with ops +copy, one worker on
# the biggest benchmark, a deep model.
{
    printf 'proposal iommufd\niommu u format=tiny-4k-2x2\n'
    for d in $(seq 1 12); do printf 'device d%s iommu=u\n' "$d"; done
    printf 'explore {\n  objects ioas=2 hwpt=2\n  iova 0x0..0x3fff\n  lengths 4K\n  depth 8\n}\n'
} >"$work/sym12.model"
{
    printf 'proposal iommufd\niommu u format=tiny-4k-2x2\n'
    for d in $(seq 1 64); do printf 'device d%s iommu=u\n' "$d"; done
    printf 'explore {\n  objects ioas=2 hwpt=2\n  iova 0x0..0x3fff\n  lengths 4K\n  depth 6\n}\n'
} >"$work/sym64.model"
printf 'proposal iommufd\niommu u format=vtd-sl-4l\ndevice a iommu=u\nexplore {\n  iova 0x0..0x1fffff\n  lengths 4K\n  ops +copy\n  depth 3\n}\n' >"$work/wide-copy.model"
printf 'proposal iommufd\niommu u format=tiny-4k-3x2\ndevice a iommu=u\ndevice b iommu=u\nexplore {\n  objects ioas=2 hwpt=3\n  iova 0x0..0xffff\n  lengths 4K 16K\n  depth 50\n}\n' >"$work/deep.model"

models=(models/*.model models/seeds/*.model models/diff/*.model "$work"/*.model)
worst_limit=0 worst_signal=0
printf '%-48s %14s %14s\n' model past-limit-s past-SIGINT-s
for m in "${models[@]}"; do
    t0=$(date +%s.%N)
    "$bin" check --quiet --time-limit "$limit" "$m" >/dev/null 2>&1
    t1=$(date +%s.%N)
    over=$(python3 -c "print(max(0.0, $t1 - $t0 - $limit))")
    "$bin" check --quiet "$m" >/dev/null 2>&1 &
    pid=$!
    sleep "$after"
    s0=$(date +%s.%N)
    kill -INT "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    s1=$(date +%s.%N)
    sig=$(python3 -c "print(round($s1 - $s0, 3))")
    printf '%-48s %14.3f %14.3f\n' "${m#$work/}" "$over" "$sig"
    worst_limit=$(python3 -c "print(max($worst_limit, $over))")
    worst_signal=$(python3 -c "print(max($worst_signal, $sig))")
done
echo "worst: $worst_limit s past --time-limit $limit, $worst_signal s after SIGINT"
