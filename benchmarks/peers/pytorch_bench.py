#!/usr/bin/python3
"""PyTorch's side of the StaticNN comparison (benchmarks/README.md, "Against PyTorch").

Same shapes as the C# suite (S1-S5), same data and training setup as samples/FashionMnist, timed the same way as
`StaticNN.Benchmarks --timing` (benchmarks/StaticNN.Benchmarks/PeerTiming/CallTimer.cs):

  latency     batch-1 forward of S1-S5, eager (inside torch.inference_mode) and TorchScript-frozen
              (torch.jit.freeze(torch.jit.script(model.eval())), also inside inference_mode), per thread count.
              After a warm-up, (1) calls timed one by one with time.perf_counter_ns before and after: median and p99,
              with the median cost of an empty timer pair subtracted; (2) loops of back-to-back calls (about 100 us
              each) timed as a whole: median time per call, no timer in between.
  throughput  batch 256 of S3, S4, S5, eager and TorchScript: median time per batch, samples/s, GFLOP/s.
  cnn         the convolutional networks C1 (Conv 32x3x3, pool, Conv 64x3x3, pool, 1600-128-10 with Dropout 0.5) and
              L5 (LeNet-5-like: Conv 6x5x5, pool, Conv 16x5x5, pool, 256-120-84-10) on 1x28x28: batch-1 forward
              (eager and TorchScript, as latency) and one batch-32 training step (zero_grad, forward,
              CrossEntropyLoss, backward, Adam step) on a fixed random batch, timed as one call; per thread count.
  training    Fashion-MNIST, S3 (784-128 ReLU-10), Adam lr 1e-3, batch 32 and 128, 5 epochs, 1 thread: seconds per
              epoch (data loading excluded; shuffling, batch gathering and the training loss/accuracy included, as in
              StaticNN's Fit) and test accuracy after the last epoch.

It must run with Debian's python3-torch, i.e. /usr/bin/python3 (a pyenv or venv python3 earlier on PATH has no torch).
OpenBLAS 0.3.21 does not recognise Zen 5 and falls back to its AVX2 (Haswell) kernels; on a CPU with AVX-512 this
script sets OPENBLAS_CORETYPE=SkylakeX before importing torch (override with --openblas-coretype, or "auto" to leave
the environment alone). torch.set_num_threads sets ATen's OpenMP threads only; OpenBLAS (the pthread build) keeps its
own pool, so the script sets both to the same number.

Usage:
  /usr/bin/python3 benchmarks/peers/pytorch_bench.py [--quick] [--threads 1,2] [--only latency,throughput,cnn,training]
                                                     [--out results.json] [--data /usr/share/datasets/fashion-mnist]
"""

import argparse
import ctypes
import gzip
import json
import math
import os
import platform
import statistics
import struct
import sys
import time

SHAPES = {
    # name: (inputs, [(units, activation), ...]); activation None = identity. The same networks as Networks.cs.
    "S1": (4, [(10, "relu"), (3, "softmax")]),
    "S2": (16, [(64, "tanh"), (64, "tanh"), (8, None)]),
    "S3": (784, [(128, "relu"), (10, "softmax")]),
    "S4": (784, [(128, "relu"), (64, "relu"), (10, "softmax")]),
    "S5": (256, [(512, "relu"), (512, "relu"), (10, "softmax")]),
}
DEFAULT_DATA = "/usr/share/datasets/fashion-mnist"
LOOP_TARGET_NS = 100_000
BATCH = 256


def cpu_has_avx512():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return " avx512f " in line + " "
    except OSError:
        pass
    return False


def configure_openblas(coretype):
    """Sets OPENBLAS_CORETYPE before torch (and so OpenBLAS) is loaded. Returns a note for the report."""
    previous = os.environ.get("OPENBLAS_CORETYPE")
    if coretype == "auto":
        return f"left as found ({previous or 'unset'}: OpenBLAS detects the CPU itself)"
    if coretype == "SkylakeX" and not cpu_has_avx512():
        return f"left as found ({previous or 'unset'}): no AVX-512F on this CPU, SkylakeX kernels would not run"
    os.environ["OPENBLAS_CORETYPE"] = coretype
    if previous and previous != coretype:
        return f"set to {coretype} (the environment had {previous})"
    return f"set to {coretype}" if not previous else f"{coretype} (already set)"


def openblas_info():
    """The BLAS library torch loaded, from /proc/self/maps, and OpenBLAS' own view of itself."""
    import torch
    (torch.ones(8, 8) @ torch.ones(8, 8)).sum()  # make sure the BLAS is loaded
    libraries = set()
    with open("/proc/self/maps") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 6 and ("blas" in parts[5] or "mkl" in parts[5]):
                libraries.add(parts[5])
    info = {"libraries": sorted(libraries), "corename": None, "config": None, "handle": None}
    for path in sorted(libraries):
        try:
            lib = ctypes.CDLL(path)
            corename = lib.openblas_get_corename
            corename.restype = ctypes.c_char_p
            config = lib.openblas_get_config
            config.restype = ctypes.c_char_p
            info.update(corename=corename().decode(), config=config().decode(), default_threads=lib.openblas_get_num_threads())
            info["handle"] = lib
            break
        except (OSError, AttributeError):
            continue
    return info


def set_threads(n, blas):
    import torch
    torch.set_num_threads(n)
    if blas.get("handle") is not None:
        blas["handle"].openblas_set_num_threads(n)
        return blas["handle"].openblas_get_num_threads()
    return None


def build_model(shape, with_softmax=True):
    import torch
    from torch import nn
    inputs, layers = SHAPES[shape]
    modules = []
    fan_in = inputs
    for units, activation in layers:
        linear = nn.Linear(fan_in, units)
        # StaticNN's initialisation: He uniform for ReLU layers, Glorot uniform otherwise, zero biases.
        limit = math.sqrt(6.0 / fan_in) if activation == "relu" else math.sqrt(6.0 / (fan_in + units))
        nn.init.uniform_(linear.weight, -limit, limit)
        nn.init.zeros_(linear.bias)
        modules.append(linear)
        if activation == "relu":
            modules.append(nn.ReLU())
        elif activation == "tanh":
            modules.append(nn.Tanh())
        elif activation == "softmax" and with_softmax:
            modules.append(nn.Softmax(dim=-1))
        fan_in = units
    return nn.Sequential(*modules)


def forward_flops(shape, batch):
    inputs, layers = SHAPES[shape]
    total, fan_in = 0, inputs
    for units, _ in layers:
        total += 2 * batch * fan_in * units
        fan_in = units
    return total


def random_input(shape, rows, seed):
    import torch
    inputs = SHAPES[shape][0]
    g = torch.Generator().manual_seed(seed)
    x = torch.rand(rows, inputs, generator=g)
    # [0, 1) for the image-sized shapes, [-1, 1) otherwise, as the C# side.
    return x if inputs == 784 else x * 2 - 1


def timer_overhead_ns():
    clock = time.perf_counter_ns
    samples = []
    append = samples.append
    for _ in range(100_000):
        t0 = clock()
        t1 = clock()
        append(t1 - t0)
    samples.sort()
    return samples[len(samples) // 2]


def measure(fn, x, overhead, warmup_s, budget_s, max_calls=1_000_000):
    """fn(x) warmed up, then timed per call and in loops; the same method as CallTimer.cs. Times in ns."""
    clock = time.perf_counter_ns
    end = clock() + int(warmup_s * 1e9)
    fastest = None
    while True:
        t0 = clock()
        for _ in range(16):
            fn(x)
        t1 = clock()
        fastest = t1 - t0 if fastest is None else min(fastest, t1 - t0)
        if t1 >= end:
            break
    estimate = fastest / 16  # the fastest group of 16: one interrupted group cannot spoil the loop sizing

    samples = []
    append = samples.append
    end = clock() + int(budget_s * 1e9)
    while len(samples) < max_calls:
        t0 = clock()
        fn(x)
        t1 = clock()
        append(t1 - t0)
        if t1 > end and len(samples) >= 100:
            break
    samples.sort()
    n = len(samples)
    median = samples[n // 2]
    p99 = samples[min(n - 1, math.ceil(0.99 * n) - 1)]

    loop_length = int(min(100_000, max(1, LOOP_TARGET_NS / max(estimate, 1))))
    loops = []
    end = clock() + int(budget_s * 1e9)
    max_loops = max(10, max_calls // loop_length)
    while len(loops) < max_loops:
        t0 = clock()
        for _ in range(loop_length):
            fn(x)
        t1 = clock()
        loops.append((t1 - t0) / loop_length)
        if t1 > end and len(loops) >= 10:
            break
    return {
        "per_call_median_ns": max(0.0, median - overhead),
        "per_call_p99_ns": max(0.0, p99 - overhead),
        "per_call_median_raw_ns": float(median),
        "calls": n,
        "loop_median_ns": statistics.median(loops),
        "loop_length": loop_length,
        "loops": len(loops),
    }


def variants(shape):
    """(name, callable module) pairs: eager and TorchScript-frozen, for a model with fixed random weights."""
    import torch
    torch.manual_seed(1)
    model = build_model(shape).eval()
    frozen = torch.jit.freeze(torch.jit.script(model))
    return [("PyTorch eager", model), ("PyTorch TorchScript", frozen)]


def run_latency(args, overhead, blas, result):
    import torch
    print("\nBatch-1 forward, ns per call: per-call median / p99 (timer overhead subtracted), loop median")
    for threads in args.threads:
        blas_threads = set_threads(threads, blas)
        for shape in args.shapes:
            x = random_input(shape, 1, 3)
            for name, module in variants(shape):
                with torch.inference_mode():
                    r = measure(module, x, overhead, args.warmup, args.budget)
                row = {"shape": shape, "implementation": name, "threads": threads, "blas_threads": blas_threads, **r}
                result["latency"].append(row)
                print(f"  {shape}  {name:<20} {threads} thr  {r['per_call_median_ns']:10.0f} / {r['per_call_p99_ns']:10.0f}"
                      f"   loop {r['loop_median_ns']:10.0f}   ({r['calls']:,} calls, {r['loops']} loops of {r['loop_length']})",
                      flush=True)


def run_throughput(args, overhead, blas, result):
    import torch
    print(f"\nBatch {BATCH}: median time per batch, samples/s, GFLOP/s (forward products)")
    for threads in args.threads:
        blas_threads = set_threads(threads, blas)
        for shape in [s for s in args.shapes if s in ("S3", "S4", "S5")]:
            x = random_input(shape, BATCH, 21)
            for name, module in variants(shape):
                with torch.inference_mode():
                    r = measure(module, x, overhead, args.warmup, args.budget, max_calls=100_000)
                median = r["per_call_median_ns"]
                row = {"shape": shape, "implementation": name, "threads": threads, "blas_threads": blas_threads,
                       "batch": BATCH, "median_ns": median, "samples_per_second": BATCH / (median * 1e-9),
                       "gflops": forward_flops(shape, BATCH) / median, "batches": r["calls"]}
                result["throughput"].append(row)
                print(f"  {shape}  {name:<20} {threads} thr  {median / 1000:10.1f} us {row['samples_per_second']:14,.0f} samples/s"
                      f" {row['gflops']:8.1f} GFLOP/s  ({r['calls']:,} batches)", flush=True)


CNNS = {
    # The same networks as C1Net and L5Net in Networks.cs; the training form ends in logits (CrossEntropyLoss fuses the
    # log-softmax), the inference form in Softmax, as StaticNN's.
    "C1": lambda nn: [nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                      nn.Flatten(), nn.Linear(1600, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 10)],
    "L5": lambda nn: [nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
                      nn.Flatten(), nn.Linear(256, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10)],
}
CNN_TRAINING_BATCH = 32


def run_cnn(args, overhead, blas, result):
    import torch
    from torch import nn
    print(f"\nC1 and L5: batch-1 forward (ns: median / p99, loop median) and batch-{CNN_TRAINING_BATCH} training step (Adam)")
    for threads in args.threads:
        blas_threads = set_threads(threads, blas)
        for name, layers in CNNS.items():
            torch.manual_seed(1)
            model = nn.Sequential(*layers(nn), nn.Softmax(dim=-1)).eval()
            frozen = torch.jit.freeze(torch.jit.script(model))
            x = torch.rand(1, 1, 28, 28, generator=torch.Generator().manual_seed(3))
            for implementation, module in [("PyTorch eager", model), ("PyTorch TorchScript", frozen)]:
                with torch.inference_mode():
                    r = measure(module, x, overhead, args.warmup, args.budget)
                result["cnn"].append({"network": name, "implementation": implementation, "threads": threads,
                                      "blas_threads": blas_threads, "kind": "predict", **r})
                print(f"  {name}  {implementation:<20} {threads} thr  predict {r['per_call_median_ns']:10.0f} / "
                      f"{r['per_call_p99_ns']:10.0f}   loop {r['loop_median_ns']:10.0f}", flush=True)

            torch.manual_seed(1)
            model = nn.Sequential(*layers(nn)).train()
            loss_fn = nn.CrossEntropyLoss()
            optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
            g = torch.Generator().manual_seed(11)
            xb = torch.rand(CNN_TRAINING_BATCH, 1, 28, 28, generator=g)
            yb = torch.randint(0, 10, (CNN_TRAINING_BATCH,), generator=g)

            def step(batch):
                optimizer.zero_grad(set_to_none=True)
                loss = loss_fn(model(batch), yb)
                loss.backward()
                optimizer.step()

            r = measure(step, xb, overhead, args.warmup, max(args.budget, 0.5), max_calls=10_000)
            median = r["per_call_median_ns"]
            result["cnn"].append({"network": name, "implementation": "PyTorch eager", "threads": threads,
                                  "blas_threads": blas_threads, "kind": "train_step", "batch": CNN_TRAINING_BATCH,
                                  "train_step_median_ns": median,
                                  "train_samples_per_second": CNN_TRAINING_BATCH / (median * 1e-9), "train_steps": r["calls"]})
            print(f"  {name}  {'PyTorch eager':<20} {threads} thr  train step {median / 1000:9.1f} us = "
                  f"{CNN_TRAINING_BATCH / (median * 1e-9):8,.0f} samples/s", flush=True)


def load_idx(path):
    """An IDX file (raw or .gz) as a uint8 tensor of its dimensions."""
    import torch
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    if (magic >> 8) & 0xFF != 0x08:
        raise ValueError(f"{path}: only unsigned-byte IDX files are supported")
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return torch.frombuffer(bytearray(data[4 + 4 * dims:]), dtype=torch.uint8).reshape(shape)


def load_fashion_mnist(folder):
    import torch
    names = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
    paths = []
    for name in names:
        path = next((os.path.join(folder, name + ext) for ext in (".gz", "") if os.path.exists(os.path.join(folder, name + ext))), None)
        if path is None:
            sys.exit(f"Missing {os.path.join(folder, name)}[.gz]: install dataset-fashion-mnist (apt) or pass --data FOLDER")
        paths.append(path)
    # Pixels scaled to [0, 1] exactly as StaticNN's IdxLoader (value / 255f in float32): a table of the 256 float32
    # quotients, applied in chunks (a 60,000 x 784 int64 index would take 376 MB).
    table = torch.arange(256, dtype=torch.float32) / torch.full((256,), 255.0, dtype=torch.float32)

    def images(path):
        raw = load_idx(path)
        raw = raw.reshape(raw.shape[0], -1)
        return torch.cat([table[chunk.long()] for chunk in raw.split(5000)])

    def labels(path):
        return load_idx(path).long()

    return images(paths[0]), labels(paths[1]), images(paths[2]), labels(paths[3])


def run_training(args, blas, result):
    import torch
    from torch import nn
    print(f"\nFashion-MNIST training, S3, Adam 1e-3, {args.epochs} epoch(s), {args.train_threads} thread(s)")
    t0 = time.perf_counter()
    x_train, y_train, x_test, y_test = load_fashion_mnist(args.data)
    print(f"  data: {x_train.shape[0]:,} training and {x_test.shape[0]:,} test images, loaded in {time.perf_counter() - t0:.2f} s (not timed below)")
    blas_threads = set_threads(args.train_threads, blas)
    n = x_train.shape[0]
    for batch in args.batches:
        torch.manual_seed(1)
        model = build_model("S3", with_softmax=False)  # logits; CrossEntropyLoss applies the (fused) log-softmax
        loss_fn = nn.CrossEntropyLoss()
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        shuffle = torch.Generator().manual_seed(1)
        epoch_seconds, train_loss, train_accuracy = [], [], []
        for epoch in range(args.epochs):
            model.train()
            start = time.perf_counter()
            order = torch.randperm(n, generator=shuffle)
            loss_sum, correct = 0.0, 0
            for i in range(0, n, batch):
                index = order[i:i + batch]
                xb = x_train.index_select(0, index)
                yb = y_train.index_select(0, index)
                logits = model(xb)
                loss = loss_fn(logits, yb)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                # The training loss and accuracy of the epoch, as StaticNN's Fit reports them.
                loss_sum += loss.item() * index.shape[0]
                correct += int((logits.argmax(1) == yb).sum())
            epoch_seconds.append(time.perf_counter() - start)
            train_loss.append(loss_sum / n)
            train_accuracy.append(correct / n)
            print(f"  batch {batch:4}  epoch {epoch + 1}/{args.epochs}  {epoch_seconds[-1]:7.3f} s  "
                  f"loss {train_loss[-1]:.4f}  accuracy {train_accuracy[-1]:.4f}", flush=True)
        model.eval()
        with torch.inference_mode():
            logits = model(x_test)
            test_loss = float(loss_fn(logits, y_test))
            test_accuracy = float((logits.argmax(1) == y_test).float().mean())
        median = statistics.median(epoch_seconds)
        row = {"shape": "S3", "batch": batch, "threads": args.train_threads, "blas_threads": blas_threads,
               "epochs": args.epochs, "epoch_seconds": epoch_seconds, "median_epoch_seconds": median,
               "samples_per_second": n / median, "train_loss": train_loss, "train_accuracy": train_accuracy,
               "test_loss": test_loss, "test_accuracy": test_accuracy}
        result["training"].append(row)
        print(f"  batch {batch:4}  median {median:.3f} s/epoch = {n / median:,.0f} samples/s; test accuracy {test_accuracy:.4f}, loss {test_loss:.4f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke test: short warm-up and budgets, 1 epoch")
    parser.add_argument("--threads", default="1,2", help="thread counts for latency and throughput (default 1,2)")
    parser.add_argument("--train-threads", type=int, default=1, help="threads for training (default 1)")
    parser.add_argument("--only", default="latency,throughput,cnn,training", help="parts to run")
    parser.add_argument("--shapes", default="S1,S2,S3,S4,S5")
    parser.add_argument("--batches", default="32,128", help="training batch sizes")
    parser.add_argument("--epochs", type=int, default=None, help="training epochs (default 5; 1 with --quick)")
    parser.add_argument("--warmup-ms", type=float, default=None, help="warm-up per measurement (default 1000; 500 with --quick)")
    parser.add_argument("--budget-ms", type=float, default=None, help="time budget per timing (default 1000; 100 with --quick)")
    parser.add_argument("--data", default=DEFAULT_DATA, help="folder with the four Fashion-MNIST IDX files")
    parser.add_argument("--openblas-coretype", default="SkylakeX", help="OPENBLAS_CORETYPE to set, or 'auto' (default SkylakeX)")
    parser.add_argument("--out", default=None, help="write the results as JSON to this file")
    args = parser.parse_args()
    args.threads = [int(t) for t in args.threads.split(",") if t]
    args.shapes = [s.strip() for s in args.shapes.split(",") if s.strip()]
    args.batches = [int(b) for b in args.batches.split(",") if b]
    parts = {p.strip() for p in args.only.split(",") if p.strip()}
    args.epochs = args.epochs or (1 if args.quick else 5)
    args.warmup = (args.warmup_ms if args.warmup_ms is not None else (500 if args.quick else 1000)) / 1000
    args.budget = (args.budget_ms if args.budget_ms is not None else (100 if args.quick else 1000)) / 1000

    coretype_note = configure_openblas(args.openblas_coretype)
    try:
        import torch
    except ImportError:
        sys.exit(f"torch is not importable from {sys.executable}; use /usr/bin/python3 with Debian's python3-torch "
                 "(apt-get install python3-torch libopenblas0)")

    blas = openblas_info()
    capability = next((line.split(":", 1)[1].strip() for line in torch.__config__.show().splitlines() if "CPU capability" in line), None)
    overhead = timer_overhead_ns()
    result = {
        "system": "PyTorch",
        "tool": "benchmarks/peers/pytorch_bench.py",
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "python": sys.version.split()[0],
        "python_executable": sys.executable,
        "torch_version": torch.__version__,
        "aten_cpu_capability": capability,
        # Convolutions go to oneDNN (MKL-DNN) when it is built in, whatever the ATen capability says.
        "onednn": next((line.strip(" -") for line in torch.__config__.show().splitlines() if "MKL-DNN" in line or "oneDNN" in line), None)
                  if torch.backends.mkldnn.is_available() else None,
        "blas_libraries": blas["libraries"],
        "openblas_corename": blas["corename"],
        "openblas_config": blas["config"],
        "openblas_coretype_setting": coretype_note,
        "openblas_env": {k: v for k, v in os.environ.items() if k.startswith("OPENBLAS_") or k.startswith("OMP_")},
        "quick": args.quick,
        "warmup_ms": args.warmup * 1000,
        "budget_ms": args.budget * 1000,
        "timer_overhead_ns": overhead,
        "latency": [],
        "throughput": [],
        "training": [],
        "cnn": [],
    }
    print(f"PyTorch {torch.__version__} on Python {result['python']} ({sys.executable}), {platform.machine()}, {os.cpu_count()} logical cores")
    print(f"BLAS: {', '.join(blas['libraries']) or 'none found'}; OpenBLAS core {blas['corename']} ({blas['config']}); "
          f"OPENBLAS_CORETYPE {coretype_note}; ATen CPU capability {capability}")
    print(f"warm-up {args.warmup * 1000:.0f} ms, budget {args.budget * 1000:.0f} ms per timing, "
          f"perf_counter_ns pair overhead {overhead} ns (subtracted from per-call figures)")

    if "latency" in parts:
        run_latency(args, overhead, blas, result)
    if "throughput" in parts:
        run_throughput(args, overhead, blas, result)
    if "cnn" in parts:
        run_cnn(args, overhead, blas, result)
    if "training" in parts:
        run_training(args, blas, result)

    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w") as f:
            json.dump(result, f, indent=2)
        print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
