#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for a fixed time on
# seed inputs from tests/data and resources. A crash, leak or UB report fails the target; the
# input that caused it is kept in build/fuzz/crashes/.
#   scripts/fuzz.sh [SECONDS_PER_TARGET]        (default 15)
#   scripts/fuzz.sh --runs N [TARGET...]        N executions per target instead (the long run:
#                                               --runs 10000000); the corpus grows across runs
# The last line is "fuzz: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
poolscope_install "${poolscope_packages[@]}" clang libclang-rt-14-dev || exit 2
limit=(-max_total_time="${1:-15}") only=() rss=2048
if [[ ${1:-} == --runs ]]; then
    [[ ${2:-} =~ ^[0-9]+$ ]] || { echo "usage: $0 --runs N [TARGET...]" >&2; exit 2; }
    # ASan's allocator keeps growing over millions of executions (not PoolScope's memory: a
    # release build replaying the same corpus stays flat), so a long run gets more room.
    limit=(-runs="$2") only=("${@:3}") rss=8192
fi
build=build/fuzz
CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DPOOLSCOPE_FUZZ=ON -DPOOLSCOPE_BUILD_TESTS=OFF >/dev/null &&
    cmake --build "$build" -j"$(nproc)" || { echo "fuzz: 0 passed, 1 failed"; exit 1; }

passed=0 failed=0
mkdir -p "$build/crashes"
run() { # target, seed files...
    local target=$1; shift
    [[ ${#only[@]} -eq 0 || " ${only[*]} " == *" $target "* ]] || return 0
    local corpus=$build/corpus/$target
    mkdir -p "$corpus"
    [[ $# -gt 0 ]] && cp "$@" "$corpus/" 2>/dev/null
    local start=$SECONDS
    if "$build/tests/fuzz/$target" "${limit[@]}" -rss_limit_mb="$rss" \
        -artifact_prefix="$build/crashes/$target-" "$corpus" >"$build/$target.log" 2>&1; then
        echo "ok    $target: $(grep -o 'Done [0-9]* runs' "$build/$target.log") in $((SECONDS - start)) s"
        passed=$((passed + 1))
    else
        echo "FAIL  $target (see $build/$target.log)"
        grep -E "ERROR|SUMMARY" "$build/$target.log" | head -5
        failed=$((failed + 1))
    fi
}
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
run fuzz_sseparser tests/data/providers/*.sse
run fuzz_providers tests/data/providers/*
run fuzz_chunkscan tests/data/chunks/* tests/data/providers/*
run fuzz_dataset
run fuzz_pricetable resources/prices.json
run fuzz_requestbody
echo "fuzz: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
