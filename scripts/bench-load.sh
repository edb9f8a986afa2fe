#!/usr/bin/env bash
# The served real network under load: `twinmatch serve` (release) on a fresh
# SQLite file with the real data and the demo sample, one stored round, then
# `wrk` (installed from Debian if missing) with 64 connections on each of
# /api/cities/{id}/suggestions, /api/paths, / and /rounds/{id}; prints
# requests per second, p50, p99 and errors per route.
#
# usage: scripts/bench-load.sh
# env:   DURATION     seconds per route (default 30)
#        CONNECTIONS  open connections (default 64)
#        CARGO_TARGET_DIR as usual.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
duration=${DURATION:-30}
connections=${CONNECTIONS:-64}

if ! command -v wrk >/dev/null || ! command -v curl >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq wrk curl >/dev/null
fi
release_bin
db=sqlite://$work/load.db
start_server "$db"
token=$("$bin" token create --role secretariat --label load --database "$db" | tail -1)

# A round to review (published), an applicant to suggest for, two cities to join.
run=$(curl -sf -X POST "$addr/api/runs" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -d '{}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["run"]["id"])')
# Published, as the secretariat does: pages then read the stored round.
curl -sf -o /dev/null -X POST "$addr/api/runs/$run/publish" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -d '{}'
applicant=$(curl -sf "$addr/api/requests?per_page=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["city"])')
mentor=$(curl -sf "$addr/api/cities/$applicant/suggestions?n=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["city"]["id"])')
cookie=$(curl -s -o /dev/null -D - -X POST "$addr/sign-in" --data-urlencode "token=$token" |
    sed -n 's/^[Ss]et-[Cc]ookie: \(twinmatch_session=[^;]*\).*/\1/p' | head -1)
[[ -n $cookie ]] || { echo "sign-in gave no session cookie" >&2; exit 1; }

printf '%-44s %10s %9s %9s %8s\n' route req_per_s p50 p99 errors
bench() {
    local path=$1; shift
    wrk -t2 -c"$connections" -d"${duration}s" --latency "$@" "$addr$path" > "$work/wrk" 2>&1
    local rps p50 p99 non2xx sock
    rps=$(awk '/^Requests\/sec/ {print $2}' "$work/wrk")
    p50=$(awk '$1 == "50%" {print $2}' "$work/wrk")
    p99=$(awk '$1 == "99%" {print $2}' "$work/wrk")
    non2xx=$(awk '/Non-2xx/ {print $NF}' "$work/wrk")
    sock=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$work/wrk")
    printf '%-44s %10s %9s %9s %8s\n' "$path" "$rps" "$p50" "$p99" $(( ${non2xx:-0} + ${sock:-0} ))
}
bench "/api/cities/$applicant/suggestions"
bench "/api/paths?from=$applicant&to=$mentor"
bench "/"
bench "/rounds/$run" -H "Cookie: $cookie"
