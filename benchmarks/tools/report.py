#!/usr/bin/env python3
"""Turns one benchmarks/run-all.sh session (a folder of JSON files, meta.txt and commands.txt) into the Markdown
report and the two SVG charts. Standard library only.

  python3 benchmarks/tools/report.py --raw DIR --md OUT.md --latency-svg OUT-latency.svg --training-svg OUT-training.svg

Input files, told apart by their content (any names):
  StaticNN.Benchmarks --timing JSON (system StaticNN; latency, throughput), one per round
  pytorch_bench.py JSON (system PyTorch; latency, throughput and/or training), any number
  samples/FashionMnist --json JSON (system StaticNN; training), one per batch size
  FirstCall/measure.py JSON (tool benchmarks/FirstCall/measure.py)
  meta.txt ("key: value" lines written by run-all.sh), commands.txt (one command per line)
When a figure was measured in several rounds, the report shows the median over the rounds.
"""

import argparse
import glob
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import svgchart  # noqa: E402

SHAPES = ["S1", "S2", "S3", "S4", "S5"]
SHAPE_NAMES = {"S1": "4-10-3", "S2": "16-64-64-8", "S3": "784-128-10", "S4": "784-128-64-10", "S5": "256-512-512-10"}
TARGET_SHAPES = ["S1", "S2", "S3", "S4"]
OURS = ["generated", "hand-written Vector512", "TensorPrimitives", "naive scalar"]
COLOURS = {
    "StaticNN generated": "#1f6fb4",
    "hand-written Vector512": "#6baed6",
    "TensorPrimitives": "#9e9ac8",
    "naive scalar": "#bdbdbd",
    "PyTorch eager, 1 thread": "#fdae6b",
    "PyTorch TorchScript, 1 thread": "#e6550d",
    "StaticNN": "#1f6fb4",
    "PyTorch + OpenBLAS": "#e6550d",
}
SPEEDUP_TARGET = 4.0
TRAINING_TARGET = 3.0
ACCURACY_POINTS = 0.5
NEAR = 1.05


def fmt_ns(v):
    if v is None:
        return "-"
    if v < 1000:
        return f"{v:.1f} ns" if v < 100 else f"{v:.0f} ns"
    if v < 1e6:
        return f"{v / 1000:.2f} µs" if v < 1e4 else f"{v / 1000:.1f} µs"
    return f"{v / 1e6:.2f} ms"


def fmt_tick_ns(v):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3), ("ns", 1)):
        if v >= scale:
            return f"{v / scale:g} {unit}"
    return f"{v:g} ns"


def fmt_ratio(v):
    return "-" if v is None else (f"{v:.2f}x" if v < 10 else f"{v:.0f}x" if v >= 100 else f"{v:.1f}x")


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def load(raw):
    data = {"ours_inference": [], "torch": [], "ours_training": [], "first_call": None, "meta": {}, "commands": []}
    for path in sorted(glob.glob(os.path.join(raw, "*.json"))):
        with open(path) as f:
            d = json.load(f)
        d["_file"] = os.path.basename(path)
        if d.get("tool", "").startswith("benchmarks/FirstCall"):
            data["first_call"] = d
        elif d.get("system") == "PyTorch":
            data["torch"].append(d)
        elif d.get("system") == "StaticNN" and d.get("training"):
            data["ours_training"].append(d)
        elif d.get("system") == "StaticNN":
            data["ours_inference"].append(d)
    meta_path = os.path.join(raw, "meta.txt")
    if os.path.exists(meta_path):
        with open(meta_path) as f:
            for line in f:
                if ":" in line:
                    key, value = line.split(":", 1)
                    data["meta"][key.strip()] = value.strip()
    commands_path = os.path.join(raw, "commands.txt")
    if os.path.exists(commands_path):
        with open(commands_path) as f:
            data["commands"] = [line.rstrip("\n") for line in f if line.strip()]
    return data


def aggregate(rows, key_fields, value_fields):
    """Median over rounds: {key tuple: {field: median, 'rounds': n}}."""
    groups = {}
    for r in rows:
        groups.setdefault(tuple(r[k] for k in key_fields), []).append(r)
    return {k: {**{f: median([r.get(f) for r in rs]) for f in value_fields}, "rounds": len(rs)} for k, rs in groups.items()}


LATENCY_FIELDS = ["loop_median_ns", "per_call_median_ns", "per_call_p99_ns", "per_call_median_raw_ns"]


def latency_table(data):
    ours = aggregate([r for d in data["ours_inference"] for r in d.get("latency", [])], ["implementation", "shape", "threads"], LATENCY_FIELDS)
    torch = aggregate([r for d in data["torch"] for r in d.get("latency", [])], ["implementation", "shape", "threads"], LATENCY_FIELDS)
    return {**ours, **torch}


def torch_threads(latency):
    return sorted({k[2] for k in latency if k[0].startswith("PyTorch")})


def best_torchscript(latency, shape, field="loop_median_ns"):
    """The fastest TorchScript figure over the thread counts measured, and its thread count."""
    candidates = [(v[field], k[2]) for k, v in latency.items() if k[0] == "PyTorch TorchScript" and k[1] == shape and v[field]]
    return min(candidates) if candidates else (None, None)


def verdict(ok, near=False):
    return "**PASS**" if ok else ("**NEAR** (within 5%)" if near else "**FAIL**")


def build_report(data, args):
    meta, latency = data["meta"], latency_table(data)
    threads = torch_threads(latency)
    quick = meta.get("quick", "no") == "yes"
    lines = []
    add = lines.append
    title_date = meta.get("date", "?")
    add(f"# StaticNN benchmark comparison: {title_date}, {meta.get('machine', '?')}")
    add("")
    if quick:
        add("> **Quick smoke run** (`--quick`): short warm-ups and time budgets, 1 training epoch. It proves that the runner")
        add("> works; its figures are not measurements.")
        add("")
    add("Written by `benchmarks/run-all.sh`. Every figure below comes from this run (raw JSON in "
        f"`{meta.get('raw_dir_name', 'the raw folder')}`), except where a row says otherwise. The machine may be shared: compare "
        "ratios within this report rather than absolute times across reports.")
    add("")
    add("## Machine and versions")
    add("")
    add("| | |")
    add("|---|---|")
    first_torch = data["torch"][0] if data["torch"] else {}
    first_ours = data["ours_inference"][0] if data["ours_inference"] else {}
    rows = [
        ("CPU", f"{meta.get('cpu_model', '?')}, {meta.get('cores', '?')} logical cores, AVX-512F: {meta.get('avx512', '?')}"),
        ("OS kernel", meta.get("kernel", "?")),
        (".NET", f"SDK {meta.get('dotnet_sdk', '?')}, runtime {first_ours.get('runtime', '?')}, kernel path {first_ours.get('kernel_path', '?')}"),
        ("PyTorch", f"{first_torch.get('torch_version', '?')} on Python {first_torch.get('python', '?')} ({first_torch.get('python_executable', '?')}), ATen CPU capability {first_torch.get('aten_cpu_capability', '?')}"),
        ("BLAS", f"{first_torch.get('openblas_config', '?')}; core `{first_torch.get('openblas_corename', '?')}`; OPENBLAS_CORETYPE {first_torch.get('openblas_coretype_setting', '?')}"),
        ("Convolutions (PyTorch)", next((d["onednn"] for d in data["torch"] if d.get("onednn")), "ATen's own (no oneDNN)")),
        ("BLAS environment", ", ".join(f"`{k}={v}`" for k, v in sorted(first_torch.get("openblas_env", {}).items())) or "-"),
        ("Source tree", f"`{meta.get('git_commit', '?')}`{' (with uncommitted changes)' if meta.get('git_dirty') == 'yes' else ''}"),
        ("Started / ended (UTC)", f"{meta.get('start_utc', '?')} / {meta.get('end_utc', '?')}"),
        ("Load average at start / end", f"{meta.get('loadavg_start', '?')} / {meta.get('loadavg_end', '?')}"),
        ("Rounds", f"{meta.get('rounds', '?')} (inference figures: median over the rounds; ours and PyTorch alternate within each round)"),
    ]
    for k, v in rows:
        add(f"| {k} | {v} |")
    add("")

    # ---- targets
    add("## Targets")
    add("")
    add("| target | measured | result |")
    add("|---|---|---|")
    for shape in TARGET_SHAPES:
        gen = latency.get(("generated", shape, 1), {}).get("loop_median_ns")
        ts, ts_threads = best_torchscript(latency, shape)
        if gen and ts:
            speedup = ts / gen
            add(f"| {shape} batch-1 at least {SPEEDUP_TARGET:.0f}x faster than PyTorch TorchScript (its best thread count) | "
                f"{fmt_ns(gen)} vs {fmt_ns(ts)} ({ts_threads} thread{'s' if ts_threads != 1 else ''}): **{fmt_ratio(speedup)}** | {verdict(speedup >= SPEEDUP_TARGET)} |")
        else:
            add(f"| {shape} batch-1 at least {SPEEDUP_TARGET:.0f}x faster than PyTorch TorchScript | not measured | - |")
    for shape in TARGET_SHAPES:
        gen = latency.get(("generated", shape, 1), {}).get("loop_median_ns")
        hand = latency.get(("hand-written Vector512", shape, 1), {}).get("loop_median_ns")
        if gen and hand:
            ratio = gen / hand
            add(f"| {shape} batch-1 no slower than the hand-written Vector512 C# | generated / hand-written = "
                f"{fmt_ns(gen)} / {fmt_ns(hand)} = **{ratio:.2f}** | {verdict(ratio <= 1.0, ratio <= NEAR)} |")
        else:
            add(f"| {shape} batch-1 no slower than the hand-written C# | not measured (no AVX-512?) | - |")
    train = training_rows(data)
    ours32, torch32 = train.get(("StaticNN", 32)), train.get(("PyTorch + OpenBLAS", 32))
    if ours32 and torch32:
        ratio = ours32["samples_per_second"] / torch32["samples_per_second"]
        add(f"| Fashion-MNIST training, batch 32: at least {TRAINING_TARGET:.0f}x PyTorch + OpenBLAS samples/s | "
            f"{ours32['samples_per_second']:,.0f} vs {torch32['samples_per_second']:,.0f} samples/s: **{fmt_ratio(ratio)}** | {verdict(ratio >= TRAINING_TARGET)} |")
        delta = (ours32["test_accuracy"] - torch32["test_accuracy"]) * 100
        add(f"| ... with test accuracy within +-{ACCURACY_POINTS} points | {ours32['test_accuracy'] * 100:.2f}% vs "
            f"{torch32['test_accuracy'] * 100:.2f}%: **{delta:+.2f} points** | {verdict(abs(delta) <= ACCURACY_POINTS)} |")
    else:
        add("| Fashion-MNIST training, batch 32 | not measured | - |")
    cnn_targets(data, add)
    add("")
    add("Batch-1 ratios use the loop medians (no timer between calls, the same method on both sides); "
        "NEAR means slower than the hand-written kernel by at most 5%, about the spread between runs on a shared machine.")
    add("")

    # ---- batch-1 latency
    add("## Batch-1 latency (one sample, `Predict` / `module(x)`)")
    add("")
    add(f"![batch-1 latency per shape]({os.path.basename(args.latency_svg)})")
    add("")
    add("Loop median per call (median over loops of about 100 µs of back-to-back calls, divided by the calls). StaticNN is one thread.")
    add("")
    columns = [("generated", 1, "StaticNN generated"), ("hand-written Vector512", 1, "hand-written Vector512"),
               ("TensorPrimitives", 1, "TensorPrimitives"), ("naive scalar", 1, "naive scalar")]
    for t in threads:
        columns += [("PyTorch eager", t, f"PyTorch eager, {t} thr"), ("PyTorch TorchScript", t, f"PyTorch TorchScript, {t} thr")]
    add("| shape | " + " | ".join(c[2] for c in columns) + " | generated / hand-written | best TorchScript / generated |")
    add("|---|" + "---:|" * (len(columns) + 2))
    for shape in SHAPES:
        cells = [fmt_ns(latency.get((impl, shape, t), {}).get("loop_median_ns")) for impl, t, _ in columns]
        gen = latency.get(("generated", shape, 1), {}).get("loop_median_ns")
        hand = latency.get(("hand-written Vector512", shape, 1), {}).get("loop_median_ns")
        ts, _ = best_torchscript(latency, shape)
        add(f"| {shape} {SHAPE_NAMES[shape]} | " + " | ".join(cells)
            + f" | {f'{gen / hand:.2f}' if gen and hand else '-'} | {fmt_ratio(ts / gen) if gen and ts else '-'} |")
    add("")
    add("Per-call timing (each call timed on its own, the median cost of an empty timer pair subtracted): median / p99. "
        "The timer pair costs "
        f"{first_ours.get('timer_overhead_ns', '?')} ns in .NET (Stopwatch.GetTimestamp, 10 ns steps) and "
        f"{first_torch.get('timer_overhead_ns', '?')} ns in Python (time.perf_counter_ns), so per-call figures below about 100 ns are coarse.")
    add("")
    add("| shape | " + " | ".join(c[2] for c in columns) + " |")
    add("|---|" + "---:|" * len(columns))
    for shape in SHAPES:
        cells = []
        for impl, t, _ in columns:
            v = latency.get((impl, shape, t), {})
            cells.append(f"{fmt_ns(v.get('per_call_median_ns'))} / {fmt_ns(v.get('per_call_p99_ns'))}" if v else "-")
        add(f"| {shape} | " + " | ".join(cells) + " |")
    add("")

    # ---- throughput
    ours_tp = aggregate([r for d in data["ours_inference"] for r in d.get("throughput", [])], ["implementation", "shape", "threads"],
                        ["median_ns", "samples_per_second", "gflops"])
    torch_tp = aggregate([r for d in data["torch"] for r in d.get("throughput", [])], ["implementation", "shape", "threads"],
                         ["median_ns", "samples_per_second", "gflops"])
    if ours_tp or torch_tp:
        add("## Batch-256 throughput")
        add("")
        add("Median time of one call on 256 samples; GFLOP/s counts the forward multiply-adds (2 per weight per sample).")
        add("")
        add("| shape | implementation | threads | time per batch | samples/s | GFLOP/s |")
        add("|---|---|---:|---:|---:|---:|")
        for shape in SHAPES:
            for (impl, s, t), v in sorted({**ours_tp, **torch_tp}.items(), key=lambda kv: (kv[0][0].startswith("PyTorch"), kv[0][2], kv[0][0])):
                if s == shape:
                    name = impl if impl.startswith("PyTorch") else f"StaticNN {impl}"
                    add(f"| {shape} | {name} | {t} | {fmt_ns(v['median_ns'])} | {v['samples_per_second']:,.0f} | {v['gflops']:.1f} |")
        add("")

    cnn_section(data, add)

    # ---- training
    if train:
        add("## Fashion-MNIST training (S3, Adam 1e-3, one thread)")
        add("")
        add(f"![seconds per epoch]({os.path.basename(args.training_svg)})")
        add("")
        add("Seconds per epoch: the median of the epochs (the first includes JIT or warm-up on both sides); "
            "samples/s = 60,000 / that median. Test accuracy after the last epoch.")
        add("")
        add("| system | batch | epochs | s/epoch (each epoch) | median s/epoch | samples/s | test accuracy | test loss |")
        add("|---|---:|---:|---|---:|---:|---:|---:|")
        for (system, batch), r in sorted(train.items(), key=lambda kv: (kv[0][1], kv[0][0] != "StaticNN")):
            each = ", ".join(f"{s:.3f}" for s in r["epoch_seconds"])
            add(f"| {system} | {batch} | {r['epochs']} | {each} | {r['median_epoch_seconds']:.3f} | {r['samples_per_second']:,.0f} | "
                f"{r['test_accuracy'] * 100:.2f}% | {r['test_loss']:.4f} |")
        add("")
        for batch in sorted({b for _, b in train}):
            o, p = train.get(("StaticNN", batch)), train.get(("PyTorch + OpenBLAS", batch))
            if o and p:
                add(f"- batch {batch}: StaticNN / PyTorch samples/s = **{fmt_ratio(o['samples_per_second'] / p['samples_per_second'])}**, "
                    f"accuracy delta {(o['test_accuracy'] - p['test_accuracy']) * 100:+.2f} points.")
        o = train.get(("StaticNN", 32))
        if o and o.get("gradient_seconds"):
            i = o["epoch_seconds"].index(sorted(o["epoch_seconds"])[len(o["epoch_seconds"]) // 2])
            add(f"- StaticNN's median epoch at batch 32, split: gradients {o['gradient_seconds'][i]:.3f} s, optimizer {o['optimizer_seconds'][i]:.3f} s, "
                f"batching {o['batching_seconds'][i]:.3f} s, metrics {o['metrics_seconds'][i]:.3f} s.")
        add("")

    # ---- first call
    fc = data["first_call"]
    add("## First call (fresh process)")
    add("")
    if fc:
        add(f"Medians of {fc['runs_per_row']} fresh processes per row, variants alternating (`benchmarks/FirstCall/measure.py`). "
            "`aggressive-optimization`: the generated code as emitted; `plain`: the same generated files with "
            "`[MethodImpl(AggressiveOptimization)]` removed, so they start at tier 0.")
        add("")
        add("| variant | shape | first Predict | launch to first result | launch to Main | constructor | second Predict | next 1000 calls, mean | JIT time at first result |")
        add("|---|---|---:|---:|---:|---:|---:|---:|---:|")
        for m in fc["medians"]:
            def us(field):
                return fmt_ns(m[field] * 1000) if m.get(field) is not None else "-"
            add(f"| {m['variant']} | {m['shape']} | {us('first_predict_us')} | {us('launch_to_first_result_us')} | {us('launch_to_main_us')} | "
                f"{us('construct_us')} | {us('second_predict_us')} | {fmt_ns(m.get('next_1000_mean_ns'))} | "
                f"{m['jit_ms_at_first_result']:.1f} ms |")
        if not any(m["variant"] == "native-aot" for m in fc["medians"]):
            add("")
            add("Native AOT was not measured in this run (`run-all.sh --aot` adds it). For reference only, not from this run: "
                "`samples/Latency/README.md` reports a first S2 `Predict` of 2.7 µs and a first S3 `Predict` of 3.7 µs as Native AOT (2026-11-25).")
    else:
        add("Not measured in this run.")
    add("")

    # ---- BenchmarkDotNet (run-all.sh --bdn)
    # The filter '*PredictBenchmarks*' also selects BatchPredictBenchmarks: batch-1 first, then the batched table.
    bdn_tables = [("PredictBenchmarks", "batch-1 `Predict`; Ratio = implementation / hand-written"),
                  ("BatchPredictBenchmarks", "S3 in batches; Ratio = implementation / loop of hand-written batch-1 calls")]
    bdn_found = [(name, what, os.path.join(args.raw, "bdn", "results", f"StaticNN.Benchmarks.{name}-report-github.md"))
                 for name, what in bdn_tables]
    bdn_found = [entry for entry in bdn_found if os.path.exists(entry[2])]
    if bdn_found:
        add("## BenchmarkDotNet (in-process, `--quick` job)")
        add("")
        add("A cross-check of the StaticNN columns above with BenchmarkDotNet's own method (mean of invocation loops, "
            "overhead of an empty benchmark subtracted), from the same session.")
        add("")
        for name, what, path in bdn_found:
            add(f"### `{name}` ({what})")
            add("")
            with open(path, encoding="utf-8") as f:
                lines.extend(line.rstrip("\n") for line in f)
            add("")

    # ---- how
    add("## How each figure was measured")
    add("")
    add("- **Batch-1 latency.** Same method on both sides, after a warm-up (StaticNN: `StaticNN.Benchmarks --timing`, "
        "`PeerTiming/CallTimer.cs`; PyTorch: `benchmarks/peers/pytorch_bench.py`): (1) calls timed one by one, median and p99 "
        "with the empty-timer cost subtracted; (2) loops of back-to-back calls of about 100 µs timed as a whole, median per call. "
        "The same input every call. PyTorch eager runs inside `torch.inference_mode()`; TorchScript is "
        "`torch.jit.freeze(torch.jit.script(model.eval()))`, also inside `inference_mode`; both include the final softmax, "
        "as StaticNN's `Predict` does. PyTorch's figures include calling it from Python, which is how it is used.")
    add("- **Batch-256 throughput.** One call on 256 samples (`PredictBatch`; `module(x)` with x of 256 rows), per-call median.")
    add("- **Training.** StaticNN: `samples/FashionMnist --no-progress --json` (`Fit`, seconds per epoch from `History`). "
        "PyTorch: the same network, initialisation (He uniform for ReLU layers, Glorot uniform for the last, zero biases), "
        "pixel scaling (value / 255 in float32), Adam 1e-3, cross-entropy, a new shuffle each epoch, the last partial batch kept, "
        "training loss and accuracy accumulated each batch as Fit does; data loading excluded on both sides.")
    add("- **First call.** A fresh process per measurement; the launcher passes its wall-clock time, so "
        "\"launch to first result\" includes process creation and runtime start-up.")
    add("")

    # ---- commands
    if data["commands"]:
        add("## Commands")
        add("")
        add("```")
        lines.extend(data["commands"])
        add("```")
        add("")
    return "\n".join(lines) + "\n", latency, train


CNN_PREDICT_TARGET = 5.0
CNN_TRAINING_TARGET = 2.0
CNN_PEAK_TARGET = 0.60
CNN_NAMES = {"C1": "Conv 32x3x3, pool, Conv 64x3x3, pool, 1600-128-10", "L5": "LeNet-5-like: Conv 6x5x5, pool, Conv 16x5x5, pool, 256-120-84-10"}


def cnn_rows(data):
    """Medians over rounds: ours {network: {...}}, layers {(layer, pass, batch): {...}}, torch {(network, impl, threads, kind): {...}}, peak."""
    ours = aggregate([dict(r) for d in data["ours_inference"] if d.get("cnn") for r in d["cnn"]["networks"]], ["network"],
                     ["predict_loop_median_ns", "predict_median_ns", "predict_p99_ns", "train_step_median_ns", "train_samples_per_second"])
    layers = aggregate([r for d in data["ours_inference"] if d.get("cnn") for r in d["cnn"]["layers"]], ["layer", "pass", "batch"],
                       ["median_ns", "gflops", "fraction_of_peak"])
    torch = aggregate([r for d in data["torch"] for r in d.get("cnn", [])], ["network", "implementation", "threads", "kind"],
                      ["loop_median_ns", "per_call_median_ns", "per_call_p99_ns", "train_step_median_ns", "train_samples_per_second"])
    peak = median([d["cnn"]["peak_gflops"] for d in data["ours_inference"] if d.get("cnn")])
    return ours, layers, torch, peak


def cnn_targets(data, add):
    ours, layers, torch, peak = cnn_rows(data)
    if not ours:
        return
    for net in ("C1", "L5"):
        o = ours.get((net,))
        ts = torch.get((net, "PyTorch TorchScript", 1, "predict"))
        tr = torch.get((net, "PyTorch eager", 1, "train_step"))
        goal = " (reported)" if net == "L5" else ""
        if o and ts:
            ratio = ts["loop_median_ns"] / o["predict_loop_median_ns"]
            add(f"| {net} batch-1 at least {CNN_PREDICT_TARGET:.0f}x faster than PyTorch TorchScript (1 thread){goal} | "
                f"{fmt_ns(o['predict_loop_median_ns'])} vs {fmt_ns(ts['loop_median_ns'])}: **{fmt_ratio(ratio)}** | {verdict(ratio >= CNN_PREDICT_TARGET)} |")
        if o and tr:
            ratio = o["train_samples_per_second"] / tr["train_samples_per_second"]
            add(f"| {net} batch-32 training step at least {CNN_TRAINING_TARGET:.0f}x PyTorch's samples/s (1 thread){goal} | "
                f"{o['train_samples_per_second']:,.0f} vs {tr['train_samples_per_second']:,.0f} samples/s: **{fmt_ratio(ratio)}** | {verdict(ratio >= CNN_TRAINING_TARGET)} |")
        fractions = [(v["fraction_of_peak"], k) for k, v in layers.items() if k[0].startswith(net) and v.get("fraction_of_peak")]
        if fractions:
            low, (layer, kind, batch) = min(fractions)
            add(f"| {net} convolution layers at least {CNN_PEAK_TARGET:.0%} of the FMA peak measured in the same run{goal} | "
                f"lowest: {layer} {kind}, batch {batch}: **{low:.0%}** of {peak:.1f} GFLOP/s | {verdict(low >= CNN_PEAK_TARGET)} |")


def cnn_section(data, add):
    ours, layers, torch, peak = cnn_rows(data)
    if not ours and not torch:
        return
    add("## Convolutional networks (C1, L5)")
    add("")
    for net, description in CNN_NAMES.items():
        add(f"- **{net}**: {description}, on 1x28x28 inputs.")
    add("")
    add("Batch-1: loop median per call (`Predict` / `module(x)` in inference mode). Training: one batch-32 step "
        "(ComputeGradients + Adam.Step / zero_grad, forward, CrossEntropyLoss, backward, Adam step) on a fixed random batch, "
        "median step time; samples/s = 32 / that time. StaticNN is one thread.")
    add("")
    add("| network | StaticNN batch-1 | PyTorch eager batch-1 | PyTorch TorchScript batch-1 | TorchScript / StaticNN | StaticNN train samples/s | PyTorch train samples/s | StaticNN / PyTorch |")
    add("|---|---:|---:|---:|---:|---:|---:|---:|")
    for net in CNN_NAMES:
        o = ours.get((net,), {})
        eager = torch.get((net, "PyTorch eager", 1, "predict"), {})
        ts = torch.get((net, "PyTorch TorchScript", 1, "predict"), {})
        tr = torch.get((net, "PyTorch eager", 1, "train_step"), {})
        ratio = ts["loop_median_ns"] / o["predict_loop_median_ns"] if o and ts else None
        train_ratio = o["train_samples_per_second"] / tr["train_samples_per_second"] if o and tr else None
        add(f"| {net} | {fmt_ns(o.get('predict_loop_median_ns'))} | {fmt_ns(eager.get('loop_median_ns'))} | {fmt_ns(ts.get('loop_median_ns'))} | "
            f"{fmt_ratio(ratio)} | {o.get('train_samples_per_second') or 0:,.0f} | {tr.get('train_samples_per_second') or 0:,.0f} | {fmt_ratio(train_ratio)} |")
    add("")
    if layers:
        add(f"Each convolution layer's generated kernel alone, GFLOP/s of the useful multiply-adds (padded channels and the zeros of a "
            f"dilated delta do not count), against the FMA peak of this run ({peak:.1f} GFLOP/s, 12 independent Vector512 FMA chains):" if peak else
            "Each convolution layer's generated kernel alone (no AVX-512: no peak measured):")
        add("")
        add("| layer | pass | batch | time | GFLOP/s | of peak |")
        add("|---|---|---:|---:|---:|---:|")
        for (layer, kind, batch), v in sorted(layers.items(), key=lambda kv: (kv[0][0], ["forward", "weight gradient", "input gradient"].index(kv[0][1]), kv[0][2])):
            share = f"{v['fraction_of_peak']:.0%}" if v.get("fraction_of_peak") else "-"
            add(f"| {layer} | {kind} | {batch} | {fmt_ns(v['median_ns'])} | {v['gflops']:.1f} | {share} |")
        add("")


def training_rows(data):
    """{(system, batch): row} with the median over runs when a batch size was trained more than once."""
    result = {}
    for system, docs in (("StaticNN", data["ours_training"]), ("PyTorch + OpenBLAS", [d for d in data["torch"] if d.get("training")])):
        by_batch = {}
        for d in docs:
            for r in d.get("training", []):
                by_batch.setdefault(r["batch"], []).append(r)
        for batch, rs in by_batch.items():
            rs.sort(key=lambda r: r["samples_per_second"])
            result[(system, batch)] = rs[len(rs) // 2]
    return result


def charts(latency, train, args, subtitle):
    series = [("StaticNN generated", ("generated", 1)), ("hand-written Vector512", ("hand-written Vector512", 1)),
              ("TensorPrimitives", ("TensorPrimitives", 1)), ("naive scalar", ("naive scalar", 1)),
              ("PyTorch eager, 1 thread", ("PyTorch eager", 1)), ("PyTorch TorchScript, 1 thread", ("PyTorch TorchScript", 1))]
    values = {}
    for name, (impl, t) in series:
        for shape in SHAPES:
            values[(name, shape)] = latency.get((impl, shape, t), {}).get("loop_median_ns")
    used = [(n, COLOURS[n]) for n, _ in series if any(values[(n, s)] for s in SHAPES)]
    svg = svgchart.grouped_bars("Batch-1 latency per shape (lower is better; one thread)", "time per call", SHAPES, used, values,
                                fmt_ns, log=True, subtitle=subtitle, tick_formatter=fmt_tick_ns)
    with open(args.latency_svg, "w", encoding="utf-8") as f:
        f.write(svg)

    batches = sorted({b for _, b in train})
    groups = [f"batch {b}" for b in batches]
    tvalues = {}
    for system in ("StaticNN", "PyTorch + OpenBLAS"):
        for b in batches:
            r = train.get((system, b))
            tvalues[(system, f"batch {b}")] = r["median_epoch_seconds"] if r else None
    svg = svgchart.grouped_bars("Fashion-MNIST training, S3, Adam, one thread: seconds per epoch (lower is better)", "seconds per epoch",
                                groups, [(s, COLOURS[s]) for s in ("StaticNN", "PyTorch + OpenBLAS")], tvalues,
                                lambda v: f"{v:.3f} s" if v < 10 else f"{v:.1f} s", log=False, subtitle=subtitle,
                                tick_formatter=lambda v: f"{v:g} s")
    with open(args.training_svg, "w", encoding="utf-8") as f:
        f.write(svg)


def main():
    parser = argparse.ArgumentParser(description="Markdown report and SVG charts from a run-all.sh session")
    parser.add_argument("--raw", required=True)
    parser.add_argument("--md", required=True)
    parser.add_argument("--latency-svg", required=True)
    parser.add_argument("--training-svg", required=True)
    args = parser.parse_args()
    data = load(args.raw)
    text, latency, train = build_report(data, args)
    meta = data["meta"]
    subtitle = f"{meta.get('date', '')}, {meta.get('cpu_model', '')}, {meta.get('cores', '')} cores" + (" (QUICK SMOKE RUN)" if meta.get("quick") == "yes" else "")
    charts(latency, train, args, subtitle)
    with open(args.md, "w", encoding="utf-8") as f:
        f.write(text)
    # The verdicts, for the console.
    for line in text.splitlines():
        if line.startswith("| S") and ("PASS" in line or "FAIL" in line or "NEAR" in line) or line.startswith("| Fashion") or line.startswith("| ... with"):
            print(line)
    print(f"wrote {args.md}, {args.latency_svg}, {args.training_svg}")


if __name__ == "__main__":
    main()
