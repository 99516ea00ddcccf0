#!/usr/bin/env python3
"""First-call latency of a generated network, with and without [MethodImpl(AggressiveOptimization)].

Builds benchmarks/FirstCall twice: as is (the generator's kernels and Predict carry AggressiveOptimization, so the JIT
compiles them fully optimised on first use), and "plain": the same generated files with that attribute removed,
compiled as ordinary sources, so they start at tier 0 (unoptimised, call-counted, promoted later) like any method.
Optionally (--aot) a Native AOT publish of the same program. Then starts the program --runs times per variant and
shape, in a fresh process each time, alternating the variants so that drift hits all of them, and reports medians:

  first_predict_us           Stopwatch around the first Predict (includes JIT of Predict and what it calls)
  launch_to_first_result_us  from this script's clock reading just before starting the process to the first result
                             (runtime start-up + Main + constructing the network + the first Predict)
  construct_us, second_predict_us, next_1000_mean_ns (the 1000 calls after it: tier-0 code is slow until promoted),
  launch_to_main_us, process_wall_ms (start to exit, as seen from here)

Standard library only; any python3.

  python3 benchmarks/FirstCall/measure.py [--runs 20] [--shapes S2,S3] [--aot] [--out first-call.json]
                                          [--artifacts DIR] [--no-build | --build-only]
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = os.path.join(HERE, "FirstCall.csproj")
# The generator writes kernel files with using directives (MethodImplOptions.AggressiveOptimization) and the
# user's partial type fully qualified (global::System.Runtime.CompilerServices...): both spellings are removed.
ATTRIBUTE = r"(?:global::System\.Runtime\.CompilerServices\.)?MethodImplOptions\.AggressiveOptimization"
METHOD_IMPL = r"(?:global::System\.Runtime\.CompilerServices\.)?MethodImpl"
FIELDS = ["first_predict_us", "launch_to_first_result_us", "construct_us", "second_predict_us", "next_1000_mean_ns",
          "launch_to_main_us", "process_wall_ms", "jit_ms_at_first_result", "jit_methods_at_first_result"]


def run(command):
    print("+ " + " ".join(command), flush=True)
    subprocess.run(command, check=True)


def build(artifacts, aot):
    """Builds the variants; returns {variant: executable}."""
    common = ["-c", "Release", "-p:UseArtifactsOutput=true", "-nologo", "-v:q"]
    ao = os.path.join(artifacts, "ao")
    run(["dotnet", "build", PROJECT, *common, f"-p:ArtifactsPath={ao}"])
    generated = os.path.join(ao, "obj", "FirstCall", "release", "generated", "StaticNN.Generator", "StaticNN.Generator.NetworkGenerator")
    plain_sources = os.path.join(artifacts, "plain-src")
    strip_attribute(generated, plain_sources)
    plain = os.path.join(artifacts, "plain")
    run(["dotnet", "build", PROJECT, *common, f"-p:ArtifactsPath={plain}", f"-p:FirstCallPlainSources={plain_sources}"])
    executables = {
        "aggressive-optimization": os.path.join(ao, "bin", "FirstCall", "release", "FirstCall"),
        "plain": os.path.join(plain, "bin", "FirstCall", "release", "FirstCall"),
    }
    if aot:
        native = os.path.join(artifacts, "aot")
        run(["dotnet", "publish", PROJECT, *common, "-r", "linux-x64", "-p:FirstCallAot=true", f"-p:ArtifactsPath={native}"])
        executables["native-aot"] = os.path.join(native, "publish", "FirstCall", "release_linux-x64", "FirstCall")
    return executables


def strip_attribute(source_folder, target_folder):
    """Copies the generated files with every AggressiveOptimization removed; fails if any is left or none was found."""
    if os.path.isdir(target_folder):
        shutil.rmtree(target_folder)
    os.makedirs(target_folder)
    removed = 0
    for name in sorted(os.listdir(source_folder)):
        if not name.endswith(".g.cs"):
            continue
        with open(os.path.join(source_folder, name), encoding="utf-8") as f:
            text = f.read()
        # The whole attribute when it is alone, or one flag of a combination (A | AggressiveOptimization).
        alone = re.compile(r"^[ \t]*\[" + METHOD_IMPL + r"\(" + ATTRIBUTE + r"\)\][ \t]*\n", re.M)
        text, n1 = alone.subn("", text)
        text, n2 = re.subn(r"\s*\|\s*" + ATTRIBUTE + r"|" + ATTRIBUTE + r"\s*\|\s*", "", text)
        removed += n1 + n2
        if "AggressiveOptimization" in text:
            sys.exit(f"{name}: an AggressiveOptimization this script does not know how to remove is left")
        with open(os.path.join(target_folder, name), "w", encoding="utf-8") as f:
            f.write(text)
    if removed == 0:
        sys.exit(f"no AggressiveOptimization found in {source_folder}: nothing to compare")
    print(f"plain variant: removed {removed} AggressiveOptimization attributes from the generated files", flush=True)


def launch(executable, shape):
    env = dict(os.environ)
    start = time.perf_counter_ns()
    env["FIRSTCALL_LAUNCH_UNIX_NS"] = str(time.time_ns())
    completed = subprocess.run([executable, shape], env=env, capture_output=True, text=True)
    wall = (time.perf_counter_ns() - start) / 1e6
    if completed.returncode != 0:
        sys.exit(f"{executable} {shape} failed ({completed.returncode}): {completed.stderr.strip()}")
    line = completed.stdout.strip().splitlines()[-1]
    result = json.loads(line)
    result["process_wall_ms"] = wall
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="fresh processes per variant and shape (default 20)")
    parser.add_argument("--shapes", default="S2,S3")
    parser.add_argument("--aot", action="store_true", help="also publish and measure a Native AOT build (slow to build)")
    parser.add_argument("--artifacts", default=os.path.join("/tmp", "staticnn-firstcall"), help="build output folder")
    parser.add_argument("--no-build", action="store_true", help="use the executables of an earlier build in --artifacts")
    parser.add_argument("--build-only", action="store_true", help="build the variants and stop")
    parser.add_argument("--out", default=None, help="write the runs and medians as JSON")
    args = parser.parse_args()
    shapes = [s for s in args.shapes.split(",") if s]

    if args.no_build:
        executables = {
            "aggressive-optimization": os.path.join(args.artifacts, "ao", "bin", "FirstCall", "release", "FirstCall"),
            "plain": os.path.join(args.artifacts, "plain", "bin", "FirstCall", "release", "FirstCall"),
        }
        native = os.path.join(args.artifacts, "aot", "publish", "FirstCall", "release_linux-x64", "FirstCall")
        if args.aot and os.path.exists(native):
            executables["native-aot"] = native
    else:
        executables = build(args.artifacts, args.aot)
        if args.build_only:
            return

    variants = list(executables)
    # One discarded start per variant and shape: loads the files into the page cache for all of them alike.
    for variant in variants:
        for shape in shapes:
            launch(executables[variant], shape)

    runs = []
    for r in range(args.runs):
        order = variants[r % len(variants):] + variants[:r % len(variants)]  # rotate who goes first
        for variant in order:
            for shape in shapes:
                result = launch(executables[variant], shape)
                if result["variant"] != variant:
                    sys.exit(f"{executables[variant]} reports variant {result['variant']}, expected {variant}")
                result["run"] = r
                runs.append(result)

    medians = []
    print(f"\nFirst call, medians of {args.runs} fresh processes per row (us unless stated)")
    print(f"{'variant':<25} {'shape':<5} {'first Predict':>14} {'launch->result':>15} {'launch->Main':>13} {'construct':>10}"
          f" {'2nd Predict':>12} {'next 1000 (ns)':>15} {'process (ms)':>13} {'JIT ms':>7}")
    for variant in variants:
        for shape in shapes:
            rows = [x for x in runs if x["variant"] == variant and x["shape"] == shape]
            m = {"variant": variant, "shape": shape, "runs": len(rows)}
            for field in FIELDS:
                values = [x[field] for x in rows if x.get(field) is not None]
                m[field] = statistics.median(values) if values else None
            medians.append(m)

            def f(field, fmt):
                return format(m[field], fmt) if m[field] is not None else "-"
            print(f"{variant:<25} {shape:<5} {f('first_predict_us', '14,.1f')} {f('launch_to_first_result_us', '15,.0f')}"
                  f" {f('launch_to_main_us', '13,.0f')} {f('construct_us', '10,.1f')} {f('second_predict_us', '12,.2f')}"
                  f" {f('next_1000_mean_ns', '15,.0f')} {f('process_wall_ms', '13,.1f')} {f('jit_ms_at_first_result', '7.1f')}")

    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        env = {k: v for k, v in os.environ.items() if k.startswith("DOTNET_") or k.startswith("COMPlus_")}
        with open(args.out, "w") as f:
            json.dump({"system": "StaticNN", "tool": "benchmarks/FirstCall/measure.py", "runs_per_row": args.runs,
                       "dotnet_env": env, "medians": medians, "runs": runs}, f, indent=2)
        print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
