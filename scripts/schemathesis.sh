#!/usr/bin/env bash
# The served API against its own OpenAPI document: `twinmatch serve` (an
# already-built binary, nothing is compiled here) on a fresh SQLite file with
# the real network, a secretariat token, then Schemathesis (PyPI) on
# /api/openapi.json, once with the token and once without any. Checks: no
# server error, only documented status codes, response bodies, content types
# and headers as documented. Bounded: EXAMPLES cases per operation and phase,
# each pass stopped after TIME_LIMIT seconds (which counts as a failure).
# Exits non-zero on any finding.
#
# POST /api/tokens/{id}/revoke can revoke the token the run itself uses once
# the run has made another secretariat token, so the token pass leaves it out
# and a last short pass (at most 60 s) tests it alone with a token of its own.
#
# usage: scripts/schemathesis.sh
# env:   BIN                  the twinmatch binary (default target/debug/twinmatch,
#                             as `cargo test` leaves it)
#        SCHEMATHESIS_PYTHON  a Python with schemathesis installed (default: the
#                             venv target/ci-venv, created and given
#                             schemathesis==4.32.* if missing)
#        EXAMPLES             test cases per operation and phase (default 25)
#        TIME_LIMIT           seconds each pass may take (default 180)
#        SEED                 Hypothesis seed (default 1; "random" for none)
#        WORKERS              concurrent schemathesis workers (default 2)
#        REPORT_DIR           if set, JUnit XML and NDJSON reports go there
set -euo pipefail
. "$(dirname "$0")/lib.sh"
examples=${EXAMPLES:-25}
time_limit=${TIME_LIMIT:-180}
seed=${SEED:-1}
workers=${WORKERS:-2}
bin=${BIN:-target/debug/twinmatch}
[[ $bin == /* ]] || bin=$crate/$bin
[[ -x $bin ]] || { echo "no twinmatch binary at $bin (build it first, or set BIN)" >&2; exit 2; }

if [[ -n ${SCHEMATHESIS_PYTHON:-} ]]; then
    python=$SCHEMATHESIS_PYTHON
    "$python" -c "import schemathesis" 2>/dev/null ||
        { echo "$python has no schemathesis (pip install 'schemathesis==4.32.*')" >&2; exit 2; }
else
    venv=$crate/target/ci-venv
    [[ -x $venv/bin/python ]] || python3 -m venv "$venv"
    python=$venv/bin/python
    "$python" -c "import schemathesis" 2>/dev/null ||
        "$venv/bin/pip" install -q "schemathesis==4.32.*"
fi
command -v timeout >/dev/null || { echo "timeout (coreutils) is missing" >&2; exit 2; }

trap 'exit 130' INT TERM
db=sqlite://$work/st.db
start_server "$db"
token=$("$bin" token create --role secretariat --label schemathesis --database "$db" | tail -1)
revoker=$("$bin" token create --role secretariat --label schemathesis-revoke --database "$db" | tail -1)

args=(
    --checks not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance,response_headers_conformance
    --max-examples "$examples"
    --workers "$workers"
    --continue-on-failure
    --request-timeout 30
    --generation-database none
    --no-color
)
[[ $seed == random ]] || args+=(--seed "$seed")
revoke_path='^/api/tokens/\{id\}/revoke$'

# One pass: its name, its time limit in seconds, then schemathesis options.
# Runs in $work so that Hypothesis' and Schemathesis' caches stay out of the
# tree. At the limit schemathesis gets SIGINT (it prints its summary), then
# SIGKILL 15 s later.
failed=()
pass() {
    local name=$1 limit=$2; shift 2
    local report=()
    if [[ -n ${REPORT_DIR:-} ]]; then
        mkdir -p "$REPORT_DIR"
        local dir
        dir=$(cd "$REPORT_DIR" && pwd)
        report=(--report junit,ndjson --report-junit-path "$dir/$name.xml" --report-ndjson-path "$dir/$name.ndjson")
    fi
    echo "== schemathesis: $name" >&2
    local rc=0 start=$SECONDS
    (cd "$work" && timeout --signal=INT --kill-after=15 "$limit" \
        "$python" -c 'import sys; from schemathesis.cli import schemathesis; sys.argv[0] = "schemathesis"; sys.exit(schemathesis())' \
        run "$addr/api/openapi.json" "${args[@]}" "${report[@]}" "$@") || rc=$?
    if (( rc == 124 || rc == 137 )); then
        echo "== $name: stopped at its time limit (${limit}s)" >&2
    fi
    echo "== $name: exit $rc in $(( SECONDS - start ))s" >&2
    (( rc == 0 )) || failed+=("$name")
    kill -0 "$server" 2>/dev/null || { echo "the server died:" >&2; tail -20 "$work/serve.err" >&2; exit 1; }
}

pass token "$time_limit" -H "Authorization: Bearer $token" --exclude-path-regex "$revoke_path"
pass anonymous "$time_limit"
pass revoke $(( time_limit < 60 ? time_limit : 60 )) -H "Authorization: Bearer $revoker" --include-path-regex "$revoke_path"

if (( ${#failed[@]} )); then
    echo "schemathesis failed (a finding, or a pass stopped at its time limit): ${failed[*]}" >&2
    exit 1
fi
echo "schemathesis: no findings" >&2
