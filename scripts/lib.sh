# What the scripts share; sourced (`. "$(dirname "$0")/lib.sh"`), not run.
# Sourcing moves to the crate's folder and sets $crate.

cd "$(dirname "${BASH_SOURCE[0]}")/.."
crate=$(pwd)

# The folder of the shared benchmark tools that holds FILE: $BENCH_DIR, or
# ../shared/bench beside the crate, or /work/shared/bench. Exits when none.
bench_dir_with() {
    local file=$1 d
    for d in ${BENCH_DIR:-"$crate/../shared/bench" /work/shared/bench}; do
        [[ -f $d/$file ]] && { echo "$d"; return; }
    done
    echo "$file not found (set BENCH_DIR)" >&2
    exit 2
}

# Builds the release binary and sets $bin to it.
release_bin() {
    cargo build --release --quiet --bin twinmatch
    bin=${CARGO_TARGET_DIR:-$crate/target}/release/twinmatch
}

# A scratch folder ($work), removed on exit with the server in it, if any.
work=$(mktemp -d)
server=
cleanup() {
    if [[ -n $server ]]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# start_server DB [VAR=VALUE...]: `$bin serve` on DB on a free port, with
# the given environment; waits until it listens and sets $server and $addr.
# Its output goes to $work/serve.out and $work/serve.err.
start_server() {
    local db=$1
    shift
    env RUST_LOG=warn "$@" "$bin" serve --addr 127.0.0.1:0 --database "$db" \
        >"$work/serve.out" 2>"$work/serve.err" &
    server=$!
    for _ in $(seq 1 600); do
        grep -q 'serving on' "$work/serve.out" 2>/dev/null && break
        kill -0 "$server" 2>/dev/null || break
        sleep 0.1
    done
    addr=$(grep -o 'serving on http://[^ ]*' "$work/serve.out" | head -1 | cut -d' ' -f3)
    [[ -n $addr ]] || { echo "the server did not start:" >&2; cat "$work/serve.err" >&2; exit 1; }
}

# stop_server: stops the server start_server started.
stop_server() {
    kill "$server"
    wait "$server" 2>/dev/null || true
    server=
}
