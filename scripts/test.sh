#!/usr/bin/env bash
# Quick start, command 2: every test. Installs what is missing, builds with warnings as errors,
# runs ctest (widget tests offscreen, the keychain test against gnome-keyring in a private D-Bus
# session), then builds with AddressSanitizer + UndefinedBehaviorSanitizer and runs ctest again,
# then runs the libFuzzer targets briefly (scripts/fuzz.sh) and builds and checks the .deb
# (scripts/package-check.sh).
# The last line is "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
poolscope_install "${poolscope_packages[@]}" "${poolscope_test_packages[@]}" || exit 2
# The SDK compatibility test runs the official OpenAI / Anthropic clients from npm.
command -v npm >/dev/null || poolscope_install nodejs npm || exit 2

jobs=$(nproc)
passed=0 failed=0
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

# ctest inside a D-Bus session with an unlocked gnome-keyring (the keychain tests need one).
run_ctest() { # preset
    local preset=$1
    dbus-run-session -- bash -c '
        echo -n poolscope-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
        ctest --preset "$0" -j"$1" --timeout 300' "$preset" "$jobs" 2>&1 | tee "$log/$preset.txt"
    local line total bad
    line=$(grep -E "tests passed, [0-9]+ tests failed out of [0-9]+" "$log/$preset.txt" | tail -1)
    if [[ -z $line ]]; then
        echo "ctest ($preset) did not report a result" >&2
        failed=$((failed + 1))
        return
    fi
    total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")
    bad=$(sed -E 's/.*passed, ([0-9]+) tests failed.*/\1/' <<<"$line")
    passed=$((passed + total - bad))
    failed=$((failed + bad))
}

build() { # preset
    cmake --preset "$1" >/dev/null && cmake --build --preset "$1" -j"$jobs"
}

echo "== build (warnings are errors)"
if build ci; then
    echo "== tests"
    run_ctest ci
else
    echo "build (ci) failed" >&2
    failed=$((failed + 1))
fi

echo "== build with AddressSanitizer + UndefinedBehaviorSanitizer"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
if build asan; then
    echo "== tests under sanitizers"
    run_ctest asan
else
    echo "build (asan) failed" >&2
    failed=$((failed + 1))
fi

echo "== fuzz: the parsers under libFuzzer for a short fixed time each"
./scripts/fuzz.sh 15 2>&1 | tee "$log/fuzz.txt"
line=$(grep -E "^fuzz: [0-9]+ passed, [0-9]+ failed" "$log/fuzz.txt" | tail -1)
if [[ -n $line ]]; then
    passed=$((passed + $(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line")))
    failed=$((failed + $(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")))
else
    failed=$((failed + 1))
fi

echo "== package: build the .deb, check it, install it, run it, remove it"
./scripts/package-check.sh 2>&1 | tee "$log/package.txt"
line=$(grep -E "^package check: [0-9]+ passed, [0-9]+ failed" "$log/package.txt" | tail -1)
if [[ -n $line ]]; then
    passed=$((passed + $(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line")))
    failed=$((failed + $(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")))
else
    failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
