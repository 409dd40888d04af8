#!/usr/bin/env python3
"""Where a backbone's time goes, layer by layer: ours (`DEEPFAKE_LAYER_PROFILE=1 bench backbone`) beside ONNX
Runtime's own profile (`peers.py ort-layers`), both pinned to one core, on the same graph and batch.

    python3 bench/layers.py resnet50 [--batch 16] [--weights PATH] [--rounds 3]
    python3 bench/layers.py xception --against /tmp/bench-before [--rounds 3]

Needs the release build and the ONNX graphs `python3 bench/run.py --only backbones` exports (bench/work/onnx).
--against BINARY profiles another build of `bench` (a copy of .build/release/bench built before a change)
instead of ONNX Runtime. The two sides take turns --rounds times and each layer's figure is the median of its
turns, with each turn's ratio of the totals: these hosts' speed swings by 20% between runs minutes apart, so a
single run of each side can put a whole network 15% on the wrong side.
Prints milliseconds per frame for each layer label, the ratio ONNX Runtime / ours (>1: ours is faster), and
the labels only one side has (ours runs a strided 1x1 as a subsample then a 1x1; the input's cast and scaling
are ONNX Runtime ops where ours folds them into the first layer). Profiles time each layer on its thread, so
compare the rows within one run, not with frames/s.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, ".build", "release", "bench")
VENV_PYTHON = os.path.join(ROOT, "bench", ".venv", "bin", "python")
ONNX = os.path.join(ROOT, "bench", "work", "onnx")
LAYER_LINE = re.compile(r"layer\s+([0-9.]+) s\s+[0-9.]+%\s+(\d+) calls\s+(.+)$")


def ours(backbone, batch, weights, binary=BENCH):
    # At least 16 frames a run: a thread's CPU clock here ticks in milliseconds, too coarse for one frame's layers.
    command = ["taskset", "-c", "0", binary, "backbone", "--backbone", backbone, "--batches", str(batch),
               "--frames", str(max(batch, 16)), "--repeats", "2"] + (["--weights", weights] if weights else [])
    done = subprocess.run(command, capture_output=True, text=True, env=dict(os.environ, DEEPFAKE_LAYER_PROFILE="1"))
    if done.returncode != 0:
        sys.exit(f"layers: {' '.join(command)} failed:\n{done.stderr[-800:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])["batches"][0]
    frames = result["framesPerRun"] * (len(result["secondsPerRun"]) + 1)  # the warm-up run is profiled too
    layers = {}
    for line in done.stderr.splitlines():
        match = LAYER_LINE.search(line)
        if match:
            layers[match.group(3).strip()] = 1e3 * float(match.group(1)) / frames
    return layers


def onnx_runtime(backbone, batch):
    command = ["taskset", "-c", "0", VENV_PYTHON, os.path.join(ROOT, "bench", "peers.py"), "ort-layers",
               "--backbone", backbone, "--batches", str(batch), "--repeats", "2", "--threads", "1", "--onnx", ONNX]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"layers: {' '.join(command)} failed:\n{done.stderr[-800:]}")
    return {layer["label"]: layer["msPerFrame"] for layer in json.loads(done.stdout.strip().splitlines()[-1])["layers"]}


def alternating(theirs_profile, ours_profile, rounds, name):
    """Per-layer medians of `rounds` turns of the two profiles, back to back, and each turn's total ratio."""
    turns = [(theirs_profile(), ours_profile()) for _ in range(rounds)]
    theirs, ourside = ({label: statistics.median(turn[side].get(label, 0.0) for turn in turns) for label in turns[0][side]}
                       for side in (0, 1))
    ratios = ", ".join(f"{sum(other.values()) / sum(mine.values()):.3f}" for other, mine in turns)
    return ourside, theirs, f"each turn's total, {name} / this build: {ratios}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("backbone")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--weights", help="default: bench/work/weights/<backbone>-random.pth where it exists")
    parser.add_argument("--against", metavar="BINARY", help="another build of bench instead of ONNX Runtime")
    parser.add_argument("--rounds", type=int, default=3, help="turns of each side (default 3)")
    args = parser.parse_args()
    weights = args.weights or os.path.join(ROOT, "bench", "work", "weights", f"{args.backbone}-random.pth")
    weights = weights if os.path.exists(weights) else None
    if args.against:
        if not os.access(args.against, os.X_OK):
            sys.exit(f"layers: {args.against} is not an executable bench binary: copy .build/release/bench there "
                     "before rebuilding with the change")
        report(args.backbone, args.batch, "other",
               *alternating(lambda: ours(args.backbone, args.batch, weights, args.against),
                            lambda: ours(args.backbone, args.batch, weights), args.rounds, "other build"))
        return
    if not os.path.exists(os.path.join(ONNX, f"{args.backbone}.onnx")):
        sys.exit(f"layers: {ONNX}/{args.backbone}.onnx is missing: run `python3 bench/run.py --only backbones` "
                 "(it exports the graphs) or bench/export_backbones.py")
    report(args.backbone, args.batch, "ORT",
           *alternating(lambda: onnx_runtime(args.backbone, args.batch), lambda: ours(args.backbone, args.batch, weights),
                        args.rounds, "ONNX Runtime"))


def report(backbone, batch, name, ourside, theirs, footer=None):
    shared = sorted(set(ourside) & set(theirs), key=lambda label: -max(ourside[label], theirs[label]))
    print(f"{backbone}, batch {batch}, one core: milliseconds per frame")
    print(f"{'layer':44} {'ours':>8} {name:>8} {name + '/ours':>10}")
    for label in shared:
        print(f"{label:44} {ourside[label]:8.2f} {theirs[label]:8.2f} {theirs[label] / ourside[label]:9.2f}x")
    for title, side in (("ours only", ourside), (f"{name} only", theirs)):
        rest = sorted(set(side) - set(shared), key=lambda label: -side[label])
        if rest:
            print(f"{title}: " + ", ".join(f"{label} {side[label]:.2f}" for label in rest))
    print(f"{'total':44} {sum(ourside.values()):8.2f} {sum(theirs.values()):8.2f} "
          f"{sum(theirs.values()) / sum(ourside.values()):9.2f}x")
    if footer:
        print(footer)


if __name__ == "__main__":
    main()
