#!/usr/bin/env bash
# Coverage-guided fuzzing of one loader with SharpFuzz and AFL++ (README.md beside this file):
#   bash tests/StaticNN.Fuzz/fuzz.sh csv|idx|safetensors [seconds, default 3600] [work folder, default /tmp/staticnn-fuzz]
set -euo pipefail
target=${1:?usage: fuzz.sh csv|idx|safetensors [seconds] [work folder]}
seconds=${2:-3600}
work=${3:-/tmp/staticnn-fuzz}
case "$target" in csv|idx|safetensors) ;; *) echo "unknown target '$target' (csv, idx or safetensors)" >&2; exit 2 ;; esac
command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found: apt-get install -y afl++" >&2; exit 2; }
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet tool restore >/dev/null                      # SharpFuzz.CommandLine, from .config/dotnet-tools.json
dotnet build -c Release >/dev/null                  # the plain build: writes the seeds and reproduces crashes
rm -rf "$work/bin"
dotnet publish -c Release -o "$work/bin" >/dev/null # the copy that gets instrumented
dotnet sharpfuzz "$work/bin/StaticNN.dll"           # coverage feedback for the library only
plain=bin/Release/net10.0/StaticNN.Fuzz.dll
[ -d "$work/corpus/$target" ] || dotnet "$plain" corpus "$work/corpus"

# dotnet is not an AFL binary (SharpFuzz talks to afl-fuzz itself); no CPU governor or core_pattern set-up here.
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_AUTORESUME=1
[ -t 1 ] || export AFL_NO_UI=1
afl-fuzz -V "$seconds" -t 5000 -m none -i "$work/corpus/$target" -o "$work/findings-$target" -- dotnet "$work/bin/StaticNN.Fuzz.dll" "$target" || true

stats="$work/findings-$target/default/fuzzer_stats"
grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|edges_found|saved_crashes|saved_hangs)' "$stats"
crashes=$(find "$work/findings-$target/default/crashes" "$work/findings-$target/default/hangs" -type f -name 'id:*' 2>/dev/null | wc -l)
if [ "$crashes" -gt 0 ]; then
    echo "$crashes crashing or hanging inputs; reproduce one with: dotnet tests/StaticNN.Fuzz/$plain run $target <file>"
    exit 1
fi
