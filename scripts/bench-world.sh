#!/usr/bin/env bash
# How a whole round's cost grows with the network: generates the synthetic
# world network (../shared/bench/world.py) at 1/8, 1/4, 1/2 and the full
# default size, imports it into a fresh SQLite file, runs
# `twinmatch match --mode coverage` and `POST /api/runs` (every diagnostic,
# `if_removed` for every proposal), and prints seconds and peak memory per
# stage (the `stage` spans, reported with TWINMATCH_STAGES=1).
#
# usage: scripts/bench-world.sh [FRACTIONS...]     (default: 8 4 2 1)
# env:   BENCH_DIR   folder with world.py (default: ../shared/bench beside the
#                    crate, else /work/shared/bench)
#        SEED        world.py seed (default 1)
#        CARGO_TARGET_DIR as usual.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bench_dir=$(bench_dir_with world.py)
if [[ ! -x /usr/bin/time ]] || ! command -v curl >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq time curl >/dev/null
fi
fractions=("$@")
(( ${#fractions[@]} )) || fractions=(8 4 2 1)
seed=${SEED:-1}

release_bin

# "stage NAME size=N seconds=S peak_mb=M" lines -> "NAME N S M" rows
stages() { sed -n 's/^stage \([a-z_]*\) size=\([0-9]*\) seconds=\([0-9.]*\) peak_mb=\([0-9]*\).*/\1 \2 \3 \4/p' "$1"; }

printf '%-9s %-34s %-20s %10s %9s %9s\n' size network stage items seconds peak_MB
for f in "${fractions[@]}"; do
    cities=$((20000 / f)) links=$((30000 / f)) offers=$((1500 / f)) requests=$((4000 / f))
    net="$cities cities $links links $offers/$requests"
    dir=$work/world$f db=sqlite://$work/world$f.db
    python3 "$bench_dir/world.py" --out "$dir" --cities $cities --members $((2000 / f)) \
        --links $links --offers $offers --requests $requests --seed "$seed" >/dev/null
    row() { printf '%-9s %-34s %-20s %10s %9s %9s\n' "1/$f" "$net" "$@"; }

    /usr/bin/time -f 'TIME %e %M' -o "$work/t" "$bin" import "$dir" --database "$db" >/dev/null
    read -r _ s kb < "$work/t"
    row import "$cities" "$s" $((kb / 1024))

    TWINMATCH_STAGES=1 RUST_LOG=warn /usr/bin/time -f 'TIME %e %M' -o "$work/t" \
        "$bin" match --mode coverage --database "$db" >/dev/null 2>"$work/match.err"
    while read -r name size s mb; do row "match:$name" "$size" "$s" "$mb"; done < <(stages "$work/match.err")
    read -r _ s kb < "$work/t"
    row "match total" - "$s" $((kb / 1024))

    token=$("$bin" token create --role secretariat --label bench --database "$db" | tail -1)
    start_server "$db" TWINMATCH_STAGES=1
    : > "$work/serve.err"
    curl -sf -o "$work/run.json" -w 'HTTP %{http_code} %{time_total}\n' -X POST "$addr/api/runs" \
        -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        -d '{"mode": "coverage"}' > "$work/http"
    read -r _ code s < "$work/http"
    [[ $code == 201 || $code == 200 ]] || { echo "POST /api/runs answered $code" >&2; exit 1; }
    while read -r name size st mb; do row "runs:$name" "$size" "$st" "$mb"; done < <(stages "$work/serve.err")
    mb=$(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$server/status")
    row "POST /api/runs" - "$s" "$mb"
    stop_server
done
