#!/usr/bin/env bash
# StaticNN against hand-written C# and PyTorch, in one session on this machine (benchmarks/README.md, "The comparison
# runner"). Installs what is missing (as root), builds once, checks that every implementation computes the same
# function, then runs our measurements and PyTorch's alternately so that drift on a shared machine hits both, and
# writes benchmarks/results/<date>-<machine>.md with <date>-latency.svg and <date>-training.svg (raw JSON, logs and
# the exact commands in <date>-<machine>.raw/).
#
#   benchmarks/run-all.sh [--quick] [--rounds N] [--first-call-runs N] [--aot] [--bdn] [--out DIR] [--no-install]
#
#   --quick              smoke test (about 2 minutes once built): short warm-ups and budgets, 1 round, 1 training epoch,
#                        3 first-call processes; writes to a new temporary folder, never to benchmarks/results
#   --rounds N           inference rounds (default 2; each: ours latency, PyTorch latency, ours throughput, PyTorch
#                        throughput); the report shows the median over the rounds
#   --first-call-runs N  fresh processes per first-call variant and shape (default 20)
#   --aot                also publish and measure FirstCall as Native AOT (needs a C toolchain; about 1 minute more)
#   --bdn                also run BenchmarkDotNet's PredictBenchmarks (--quick job, about 6 minutes) and include its table
#   --out DIR            write the report there instead of benchmarks/results
#   --no-install         never call apt-get; stop with a message when something is missing
# Environment: STATICNN_BENCH_ARTIFACTS (build output, default /tmp/staticnn-bench-artifacts).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Debian's python3-torch is only importable from the system interpreter; a pyenv or venv python3 earlier on PATH
# has no torch. The report and first-call scripts use only the standard library and run with it too.
PY=/usr/bin/python3
DATA=/usr/share/datasets/fashion-mnist
QUICK=no
ROUNDS=""
FIRST_CALL_RUNS=""
AOT=no
BDN=no
OUT=""
INSTALL=yes
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=yes ;;
    --rounds) ROUNDS="$2"; shift ;;
    --first-call-runs) FIRST_CALL_RUNS="$2"; shift ;;
    --aot) AOT=yes ;;
    --bdn) BDN=yes ;;
    --out) OUT="$2"; shift ;;
    --no-install) INSTALL=no ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) echo "run-all.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ "$QUICK" = yes ]; then
  ROUNDS="${ROUNDS:-1}"; FIRST_CALL_RUNS="${FIRST_CALL_RUNS:-3}"; EPOCHS=1
  OUT="${OUT:-$(mktemp -d /tmp/staticnn-bench-quick.XXXXXX)}"
else
  ROUNDS="${ROUNDS:-2}"; FIRST_CALL_RUNS="${FIRST_CALL_RUNS:-20}"; EPOCHS=5
  OUT="${OUT:-$ROOT/benchmarks/results}"
fi

# ---- 1. What this needs: Debian's PyTorch with OpenBLAS (without libopenblas0 it falls back to the reference BLAS,
#         7-10x slower: an unfair comparison), the Fashion-MNIST files, the .NET SDK.
missing=()
"$PY" -c 'import torch' >/dev/null 2>&1 || missing+=(python3-torch)
dpkg-query -W -f='${Status}' libopenblas0 2>/dev/null | grep -q 'install ok installed' || missing+=(libopenblas0)
[ -f "$DATA/train-images-idx3-ubyte.gz" ] || missing+=(dataset-fashion-mnist)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$INSTALL" = yes ] && [ "$(id -u)" = 0 ]; then
    echo "==> installing ${missing[*]}"
    apt-get update
    apt-get install -y python3-torch libopenblas0 dataset-fashion-mnist
  else
    echo "run-all.sh: missing ${missing[*]}. Install them first (as root):" >&2
    echo "  apt-get update && apt-get install -y python3-torch libopenblas0 dataset-fashion-mnist" >&2
    exit 1
  fi
fi
command -v dotnet >/dev/null || { echo "run-all.sh: the .NET SDK (dotnet) is not on PATH" >&2; exit 1; }

DATE="$(date -u +%Y-%m-%d)"
CPU_MODEL="$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
CORES="$(nproc)"
# "AMD EPYC 9B45 128-Core Processor" -> amd-epyc-9b45, then the logical cores this process may use: amd-epyc-9b45-2c.
MACHINE="$(printf '%s' "$CPU_MODEL" | tr 'A-Z' 'a-z' | sed -E 's/\((r|tm)\)//g; s/@.*//; s/[0-9]+-core//g; s/\b(cpu|processor)\b//g; s/[^a-z0-9]+/-/g; s/^-+//; s/-+$//')-${CORES}c"
AVX512=no; grep -qw avx512f /proc/cpuinfo && AVX512=yes
mkdir -p "$OUT"
RAW="$OUT/$DATE-$MACHINE.raw"
rm -rf "$RAW"
mkdir -p "$RAW"
ART="${STATICNN_BENCH_ARTIFACTS:-/tmp/staticnn-bench-artifacts}"
BUILD=(-c Release -p:UseArtifactsOutput=true "-p:ArtifactsPath=$ART")
cd "$ROOT"

# Runs a command from the repository root, records it in commands.txt (paths inside the repository written relative
# to its root) and its output in <name>.log.
step() {
  local name="$1"; shift
  local command="$*"
  printf '%s\n' "${command//$ROOT\//}" >> "$RAW/commands.txt"
  echo
  echo "==> $*"
  "$@" 2>&1 | tee "$RAW/$name.log"
}

QUICK_ARG=(); [ "$QUICK" = yes ] && QUICK_ARG=(--quick)
AOT_ARG=(); [ "$AOT" = yes ] && AOT_ARG=(--aot)
OURS=(dotnet run --no-build "${BUILD[@]}" --project benchmarks/StaticNN.Benchmarks --)
TRAIN=(dotnet run --no-build "${BUILD[@]}" --project samples/FashionMnist --)
TORCH=("$PY" benchmarks/peers/pytorch_bench.py)
FIRST_CALL=("$PY" benchmarks/FirstCall/measure.py --artifacts "$ART/firstcall")

# ---- 2. Build once, and check that every implementation computes the same function.
step build-benchmarks dotnet build "${BUILD[@]}" benchmarks/StaticNN.Benchmarks
step build-fashion dotnet build "${BUILD[@]}" samples/FashionMnist
step build-firstcall "${FIRST_CALL[@]}" --build-only "${AOT_ARG[@]}"
step verify "${OURS[@]}" --verify

# ---- 3. Measure, alternating ours and PyTorch.
START_UTC="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$ROUNDS"); do
  step "ours-latency-r$round" "${OURS[@]}" --timing --parts latency "${QUICK_ARG[@]}" --json "$RAW/ours-latency-r$round.json"
  step "torch-latency-r$round" "${TORCH[@]}" --only latency "${QUICK_ARG[@]}" --out "$RAW/torch-latency-r$round.json"
  step "ours-throughput-r$round" "${OURS[@]}" --timing --parts throughput "${QUICK_ARG[@]}" --json "$RAW/ours-throughput-r$round.json"
  step "torch-throughput-r$round" "${TORCH[@]}" --only throughput "${QUICK_ARG[@]}" --out "$RAW/torch-throughput-r$round.json"
done
step ours-cnn "${OURS[@]}" --timing --parts cnn "${QUICK_ARG[@]}" --json "$RAW/ours-cnn.json"
step torch-cnn "${TORCH[@]}" --only cnn --threads 1 "${QUICK_ARG[@]}" --out "$RAW/torch-cnn.json"
for batch in 32 128; do
  step "ours-training-b$batch" "${TRAIN[@]}" "$DATA" "$batch" --epochs "$EPOCHS" --no-progress --json "$RAW/ours-training-b$batch.json"
  step "torch-training-b$batch" "${TORCH[@]}" --only training --batches "$batch" --epochs "$EPOCHS" --data "$DATA" --out "$RAW/torch-training-b$batch.json"
done
step first-call "${FIRST_CALL[@]}" --no-build "${AOT_ARG[@]}" --runs "$FIRST_CALL_RUNS" --out "$RAW/first-call.json"
if [ "$BDN" = yes ]; then
  step bdn "${OURS[@]}" --filter '*PredictBenchmarks*' --quick --exporters github --artifacts "$RAW/bdn"
fi
END_UTC="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---- 4. The report.
DIRTY=no; [ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ] && DIRTY=yes
cat > "$RAW/meta.txt" <<EOF
date: $DATE
machine: $MACHINE
cpu_model: $CPU_MODEL
cores: $CORES
avx512: $AVX512
kernel: $(uname -sr)
dotnet_sdk: $(dotnet --version)
git_commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
git_dirty: $DIRTY
quick: $QUICK
rounds: $ROUNDS
start_utc: $START_UTC
end_utc: $END_UTC
loadavg_start: $LOAD_START
loadavg_end: $LOAD_END
raw_dir_name: $(basename "$RAW")
EOF
echo
"$PY" benchmarks/tools/report.py --raw "$RAW" --md "$OUT/$DATE-$MACHINE.md" \
  --latency-svg "$OUT/$DATE-latency.svg" --training-svg "$OUT/$DATE-training.svg"
echo
echo "Report: $OUT/$DATE-$MACHINE.md (raw data and logs: $RAW)"
