#!/usr/bin/env bash
# Native AOT smoke test: publishes samples/Latency as a Native AOT executable with every warning an error (so the runtime
# and the generated code must be trim- and AOT-safe), runs it briefly, then publishes the same sample as a shared library
# and calls it from C (samples/Latency/host): the C host must print the outputs the executable printed.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Native AOT compiles to an object file and links it with the platform toolchain: clang, or gcc where clang is missing
# (ILCompiler's own fallback), plus objcopy for the debug symbols. The C host is built with gcc.
if ! command -v gcc >/dev/null || ! command -v objcopy >/dev/null; then
    echo "== installing gcc and binutils"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc binutils libc6-dev >/dev/null
fi

out=$(mktemp -d "${TMPDIR:-/tmp}/staticnn-aot-smoke.XXXXXX")
trap 'rm -rf "$out"' EXIT

publish() { # publish <output folder> [extra MSBuild arguments]; fails on any warning
    local dir=$1
    shift
    dotnet publish samples/Latency -c Release -r linux-x64 -p:TreatWarningsAsErrors=true -o "$dir" --nologo "$@" 2>&1 | tee "$out/publish.log"
    if grep -Eq ': warning [A-Z]+[0-9]+' "$out/publish.log"; then
        echo "FAIL: the publish reported warnings"
        exit 1
    fi
}

echo "== publish samples/Latency: Native AOT executable, warnings as errors"
publish "$out/app"
[[ -x $out/app/Latency ]] || { echo "FAIL: no native executable in $out/app"; exit 1; }

echo "== run the AOT executable (short run)"
"$out/app/Latency" --iterations 20000 --warmup-ms 100 | tee "$out/app.txt"
grep -q 'Native AOT' "$out/app.txt" || { echo "FAIL: the executable did not run as Native AOT"; exit 1; }

echo "== publish samples/Latency: Native AOT shared library (-p:NativeLib=Shared)"
publish "$out/lib" -p:NativeLib=Shared
for symbol in staticnn_predict staticnn_input_size staticnn_output_size; do
    nm -D --defined-only "$out/lib/Latency.so" | grep -q " T $symbol" || { echo "FAIL: Latency.so does not export $symbol"; exit 1; }
done

echo "== C host (samples/Latency/host/host.sh)"
bash samples/Latency/host/host.sh "$out/lib/Latency.so" 20000 | tee "$out/host.txt"

# The same network, weights and input through the C ABI: the outputs must agree (to 1e-5; they are normally identical).
managed=$(grep '^reference:' "$out/app.txt")
native=$(grep '^reference:' "$out/host.txt")
awk -v a="$managed" -v b="$native" 'BEGIN {
    n = split(a, x, " "); m = split(b, y, " ");
    if (n != m || n < 2) { print "FAIL: output counts differ"; exit 1 }
    for (i = 2; i <= n; i++) {
        d = x[i] - y[i]; if (d < 0) d = -d;
        if (d > 1e-5) { printf "FAIL: output %d differs: %s (executable) vs %s (C host)\n", i - 2, x[i], y[i]; exit 1 }
    }
    printf "the C host and the executable agree on all %d outputs\n", n - 1 }'
echo "== AOT smoke test passed"
