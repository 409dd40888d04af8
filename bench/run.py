#!/usr/bin/env python3
"""`make bench`: times this project against what researchers would use instead, in the same run.

Runs the Swift side (.build/release/bench, .build/release/extract) and the peers (bench/peers.py in
bench/.venv) alternately, each command in its own process, and prints

    metric | project | peer | ratio        ratio = project / peer for rates (>1: we are faster);
                                            for seconds it is peer / project, so >1 still means faster

plus the scaling tables, and writes bench/results/<date>-<host>.json. A peer whose package is missing
prints n/a. Numbers are medians of several runs (training rows also give each side's best epoch); the
machine is shared, so compare ratios within one run.
BENCH_QUICK=1 (or --quick) runs a ~2-minute subset.
"""
import argparse
import datetime
import glob
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, "bench", "work")
BENCH = os.path.join(ROOT, ".build", "release", "bench")
EXTRACT = os.path.join(ROOT, ".build", "release", "extract")
VENV_PYTHON = os.path.join(ROOT, "bench", ".venv", "bin", "python")
PEERS = os.path.join(ROOT, "bench", "peers.py")
# The facenet-pytorch peer runs over Debian's python3-torch (bench/setup-venv.sh makes this venv when torch is there).
TORCH_PYTHON = os.path.join(ROOT, "bench", "work", "venv-torch", "bin", "python")
FACE_PEER = os.path.join(ROOT, "bench", "facenet_peers.py")
MEDIA = os.environ.get("OPENCV_DATA", "/usr/share/doc/opencv-doc/examples/data")
SKYLAKEX = {"OPENBLAS_CORETYPE": "SkylakeX"}

# 1080p H.264 clips (name, source, start s, seconds): real footage from opencv-doc, scaled up, 30 fps.
CLIPS = [("c10", "Megamind.avi", 0, 10), ("c15", "vtest.avi", 0, 15), ("c20", "tree.avi", 0, 20),
         ("c30", "vtest.avi", 40, 30)]
# 1080p H.264 clips with a real face, 10 s at 30 fps (name, photo, zoom per frame, pan in pixels, noise): a
# photo padded to 16:9, slowly zoomed and panned, with temporal grain so the encoder has real work.
FACE_PHOTOS = {"astronaut": os.path.join(ROOT, "models", "test-media", "astronaut.png"),
               "messi": os.path.join(MEDIA, "messi5.jpg")}
FACE_CLIPS = [("f1", "astronaut", 0.0015, 40, 6), ("f2", "messi", 0.0010, 60, 6), ("f3", "astronaut", 0.0008, -80, 8),
              ("f4", "messi", 0.0020, -30, 8), ("f5", "astronaut", 0.0025, 20, 4), ("f6", "messi", 0.0005, 90, 4)]
# 480p H.264 clips, 15 s at 30 fps, as FaceForensics++ c23 ships most of its videos (name, source, start s).
CLIPS_480P = [("d1", "Megamind.avi", 0), ("d2", "Megamind.avi", 6), ("d3", "vtest.avi", 0), ("d4", "vtest.avi", 30),
              ("d5", "tree.avi", 0), ("d6", "tree.avi", 3)]


def log(message):
    print(f"bench: {message}", file=sys.stderr, flush=True)


def run_json(command, env=None, timeout=900):
    """Runs one benchmark process; its last stdout line is JSON. Returns None (-> n/a) when it fails."""
    started = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=ROOT, env={**os.environ, **(env or {})}, capture_output=True, text=True,
                              timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as error:
        log(f"{' '.join(command[:3])}: {error}")
        return None
    if done.returncode != 0:
        tail = [line for line in done.stderr.strip().splitlines() if line.strip()][-3:]
        log(f"{' '.join(command[:3])} failed (n/a): {' | '.join(tail)}")
        return None
    log(f"{' '.join(os.path.basename(c) for c in command[:3])} done in {time.perf_counter() - started:.0f} s")
    return json.loads(done.stdout.strip().splitlines()[-1])


def pinned(cores):
    """The command prefix that keeps a process on the given CPUs ("0"), or none."""
    return ["taskset", "-c", cores] if cores else []


def swift(*arguments, env=None, cores=None):
    return run_json([*pinned(cores), BENCH, *[str(a) for a in arguments]], env=env)


def face_peer(*arguments):
    if not (os.path.exists(TORCH_PYTHON) and os.path.exists(FACE_PEER)):
        log("no bench/work/venv-torch (needs Debian's python3-torch; see bench/README.md): facenet-pytorch rows n/a")
        return None
    return run_json([TORCH_PYTHON, FACE_PEER, *[str(a) for a in arguments]], timeout=1800)


def peer(*arguments, env=None, cores=None):
    if not os.path.exists(VENV_PYTHON):
        return None
    # TensorFlow's start-up chatter is not ours to print.
    return run_json([*pinned(cores), VENV_PYTHON, PEERS, *[str(a) for a in arguments]],
                    env={"TF_CPP_MIN_LOG_LEVEL": "3", **(env or {})})


def machine_info():
    model = "unknown"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/cpuinfo") as cpuinfo:
        flags = next((line for line in cpuinfo if line.startswith("flags")), "")
    with open("/proc/cpuinfo") as cpuinfo:
        vendor = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("vendor_id")), "?")
    model = f"{model} ({vendor}{', AMX' if ' amx_tile' in flags else ''})"
    return {"cpu": model, "cores": os.cpu_count(), "avx512f": " avx512f" in flags, "host": socket.gethostname(),
            "kernel": platform.release(), "loadAverageAtStart": os.getloadavg()}


def make_clips(clips):
    folder = os.path.join(WORK, "clips")
    os.makedirs(folder, exist_ok=True)
    paths = []
    for name, source, start, seconds in clips:
        path = os.path.join(folder, f"{name}_1080p.mp4")
        if not os.path.exists(path):
            log(f"encoding {path} ({seconds} s of {source} at 1920x1080, libx264)")
            partial = path + ".partial.mp4"
            subprocess.run(["ffmpeg", "-v", "error", "-y", "-stream_loop", "-1", "-ss", str(start), "-i",
                            os.path.join(MEDIA, source), "-t", str(seconds), "-vf",
                            "scale=1920:1080,fps=30,format=yuv420p", "-c:v", "libx264", "-preset", "veryfast",
                            "-crf", "23", "-an", partial], check=True)
            os.replace(partial, path)
        paths.append(path)
    return paths


def make_face_clips(clips):
    """1080p H.264 clips of a photo with a real face (deterministic: ffmpeg's noise filter has a fixed seed)."""
    folder = os.path.join(WORK, "clips")
    os.makedirs(folder, exist_ok=True)
    paths = []
    for name, photo, zoom, pan, noise in clips:
        path = os.path.join(folder, f"{name}_{photo}_1080p.mp4")
        if not os.path.exists(path):
            log(f"encoding {path} (10 s of {os.path.basename(FACE_PHOTOS[photo])} zoomed and panned at 1920x1080, libx264)")
            partial = path + ".partial.mp4"
            subprocess.run(["ffmpeg", "-v", "error", "-y", "-loop", "1", "-framerate", "30", "-i", FACE_PHOTOS[photo],
                            "-t", "10", "-vf",
                            f"scale=-2:1080,pad=1920:1080:(ow-iw)/2:0,zoompan=z='1+{zoom}*on':"
                            f"x='iw/2-iw/zoom/2+{pan}*sin(on/40)':y='ih/2-ih/zoom/2':d=1:s=1920x1080:fps=30,"
                            f"noise=alls={noise}:allf=t,format=yuv420p", "-c:v", "libx264", "-preset", "veryfast",
                            "-crf", "23", "-an", partial], check=True)
            os.replace(partial, path)
        paths.append(path)
    return paths


def dump_detection_frames(clip, count, width=1280, height=720):
    """count frames spread over the clip, area-downscaled to width x height, as raw rgb24: the identical pixels
    `bench mtcnn` and the facenet-pytorch peer detect on."""
    path = os.path.join(WORK, f"mtcnn-{os.path.basename(clip)[:-4]}-{count}x{width}x{height}.rgb")
    if not os.path.exists(path):
        step = max(1, 300 // count)
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", clip, "-vf",
                        f"select='not(mod(n\\,{step}))',scale={width}:{height}:flags=area", "-vsync", "0",
                        "-frames:v", str(count), "-f", "rawvideo", "-pix_fmt", "rgb24", path + ".partial"], check=True)
        os.replace(path + ".partial", path)
    return path


def make_480p_dataset(copies=1):
    """A real/fake dataset `ffpp480` of the 480p clips, for end-to-end scaling against frame count; with copies > 1
    also `ffpp480x<copies>`, each clip hard-linked that many times (peak memory against the number of videos)."""
    root = os.path.join(WORK, "data-480p", "ffpp480")
    clips = []
    for index, (name, source, start) in enumerate(CLIPS_480P):
        path = os.path.join(root, "real" if index % 2 == 0 else "fake", f"{name}_480p.mp4")
        if not os.path.exists(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            log(f"encoding {path} (15 s of {source} at 854x480, libx264)")
            partial = path + ".partial.mp4"
            subprocess.run(["ffmpeg", "-v", "error", "-y", "-stream_loop", "-1", "-ss", str(start), "-i",
                            os.path.join(MEDIA, source), "-t", "15", "-vf", "scale=854:480,fps=30,format=yuv420p",
                            "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-an", partial], check=True)
            os.replace(partial, path)
        clips.append(path)
    if copies > 1:
        many = os.path.join(WORK, "data-480p", f"ffpp480x{copies}")
        shutil.rmtree(many, ignore_errors=True)
        for clip in clips:
            folder = os.path.join(many, os.path.basename(os.path.dirname(clip)))
            os.makedirs(folder, exist_ok=True)
            for copy in range(copies):
                os.link(clip, os.path.join(folder, os.path.basename(clip).replace(".mp4", f"_{copy}.mp4")))
    return os.path.dirname(root), clips


def make_dataset(clips, name="bench1080"):
    """A real/fake dataset folder of the clips (hard links: the dataset lister skips symlinks), for `extract`."""
    root = os.path.join(WORK, "data", name)
    shutil.rmtree(root, ignore_errors=True)
    for index, clip in enumerate(clips):
        folder = os.path.join(root, "real" if index % 2 == 0 else "fake")
        os.makedirs(folder, exist_ok=True)
        target = os.path.join(folder, os.path.basename(clip))
        try:
            os.link(clip, target)
        except OSError:
            shutil.copyfile(clip, target)
    return os.path.join(WORK, "data")


def make_training_data(videos=200, frames=32, dimension=1280):
    """Synthetic embedding sequences both trainers read (the values do not change the work)."""
    import numpy as np
    folder = os.path.join(WORK, "train-data")
    if not os.path.exists(os.path.join(folder, "labels.u8")):
        os.makedirs(folder, exist_ok=True)
        rng = np.random.default_rng(0)
        labels = (np.arange(videos) % 2).astype(np.uint8)
        x = np.abs(rng.normal(0, 1, (videos, frames, dimension))).astype("<f4")
        x[:, :, :64] += 0.5 * labels[:, None, None]
        x.tofile(os.path.join(folder, "sequences.f32"))
        labels.tofile(os.path.join(folder, "labels.u8"))
    return folder


class BusyNeighbour:
    """One other process that keeps a core busy (a pure-Python loop), as on a shared cluster node or with a
    sweep beside an extraction: rows run inside it show whether our threads give way when a core is wanted."""
    def __enter__(self):
        self.process = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        time.sleep(0.2)
        return self

    def __exit__(self, *exc):
        self.process.kill()
        self.process.wait()


def extract_e2e(dataset_dir, clips, frames, repeats, dataset="bench1080", extra=()):
    """The whole `extract` CLI (decode, sample, CNN, HDF5 cache) on the clips; fresh cache each run.
    coresBusy: the process's CPU time over (wall time x cores), how well decoding and the CNN overlap."""
    times, busy, peak = [], [], []
    for run in range(repeats):
        cache = os.path.join(WORK, f"cache-{run}")
        shutil.rmtree(cache, ignore_errors=True)
        started = time.perf_counter()
        with open(os.path.join(WORK, "extract.log"), "w") as stderr:
            child = subprocess.Popen([EXTRACT, "--data", dataset, "--data-dir", dataset_dir, "--cache-dir", cache,
                                      "--frames", str(frames), *extra], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr)
            _, status, usage = os.wait4(child.pid, 0)  # this child's own CPU time and peak memory
        elapsed = time.perf_counter() - started
        shutil.rmtree(cache, ignore_errors=True)
        if os.waitstatus_to_exitcode(status) != 0:
            with open(os.path.join(WORK, "extract.log")) as log_file:
                log(f"extract failed (n/a): {log_file.read().strip().splitlines()[-1:]}")
            return None
        times.append(elapsed)
        busy.append((usage.ru_utime + usage.ru_stime) / (elapsed * os.cpu_count()))
        peak.append(usage.ru_maxrss / 1024)  # KiB -> MiB
    median = statistics.median(times)  # as every other side computes it (the mean of the middle two)
    return {"clips": len(clips), "frames": frames, "secondsPerPass": times, "videosPerSecond": len(clips) / median,
            "embeddedFramesPerSecond": len(clips) * frames / median, "coresBusy": statistics.median(busy),
            "peakMemoryMiB": max(peak)}


def best_rate(result, batches=None):
    """Highest frames/s over the batch sizes measured (each side at its best), and which batch gave it."""
    if not result:
        return None, None
    rows = [r for r in result["batches"] if batches is None or r["batchSize"] in batches]
    if not rows:
        return None, None
    row = max(rows, key=lambda r: r["framesPerSecond"])
    return row["framesPerSecond"], row["batchSize"]


def merged_backbone_runs(results):
    """One backbone result from several processes' runs: per batch, every timed run pooled and the rate taken
    from their median."""
    results = [r for r in results if r]
    if not results:
        return None
    merged = dict(results[0], runs=len(results), batches=[])
    for row in results[0]["batches"]:
        seconds = [t for r in results for other in r["batches"] if other["batchSize"] == row["batchSize"]
                   for t in other["secondsPerRun"]]
        merged["batches"].append(dict(row, secondsPerRun=seconds,
                                      framesPerSecond=row["framesPerRun"] / statistics.median(seconds)))
    return merged


def rate_at(result, batch):
    if not result:
        return None
    return next((r["framesPerSecond"] for r in result["batches"] if r["batchSize"] == batch), None)


def face_rows(table, results, notes, quick):
    """MTCNN alone against facenet-pytorch on identical frames, then the whole face pipeline (decode, detect,
    crop, embed) against the usual Python way, with where each side's time goes."""
    frames = 32
    missing = [path for path in FACE_PHOTOS.values() if not os.path.exists(path)]
    if missing:
        log(f"face rows n/a: {missing} missing (make setup fetches models/test-media; apt-get install opencv-doc)")
        return
    face_clips = make_face_clips(FACE_CLIPS[:2] if quick else FACE_CLIPS)
    # ---- MTCNN alone at our default detection size (1080p frames, longer side <= 1280)
    count, repeats = (16, 2) if quick else (32, 3)
    raw = dump_detection_frames(face_clips[0], count)
    ours = swift("mtcnn", "--frames-file", raw, "--width", 1280, "--height", 720, "--repeats", repeats)
    theirs = face_peer("mtcnn", "--frames-file", raw, "--width", 1280, "--height", 720, "--repeats", repeats,
                       "--threads", os.cpu_count())
    results["mtcnn"] = {"project": ours, "facenetPytorch": theirs}
    table.rate(f"MTCNN alone, {count} frames of 1280x720 (from 1080p), median", (ours or {}).get("framesPerSecond"),
               (theirs or {}).get("framesPerSecond"), f"facenet-pytorch, torch {os.cpu_count()} threads", "frames/s")
    table.rate("MTCNN alone, best run of each side", (ours or {}).get("bestFramesPerSecond"),
               (theirs or {}).get("bestFramesPerSecond"), "facenet-pytorch", "frames/s")
    if ours and theirs:
        same = ours["facesPerFrame"] == theirs["facesPerFrame"]
        notes.append(f"MTCNN faces per frame, ours {sum(ours['facesPerFrame'])} / facenet-pytorch "
                     f"{sum(theirs['facesPerFrame'])} over {count} frames ({'identical per frame' if same else 'they differ'})")
    # ---- the whole face pipeline, FRAMES=32, 1080p clips with a real face
    onnx_dir = os.path.join(WORK, "onnx")
    if not os.path.exists(os.path.join(onnx_dir, "mobilenetv2.onnx")) and os.path.exists(VENV_PYTHON):
        run_json([VENV_PYTHON, os.path.join(ROOT, "bench", "build_onnx.py"), "--models", "models", "--out", onnx_dir,
                  "--bench", BENCH])
    video_repeats = 1 if quick else 2
    face_args = ("--crop", "face", "--models-dir", "models")
    data = make_dataset(face_clips, "faces1080")
    ours_e2e = extract_e2e(data, face_clips, frames, video_repeats, dataset="faces1080", extra=face_args)
    python_e2e = face_peer("face-e2e", "--clips", ",".join(face_clips), "--frames", frames, "--repeats", video_repeats,
                           "--threads", os.cpu_count(), "--onnx", onnx_dir)
    results["faceEndToEnd"] = {"project": ours_e2e, "python": python_e2e}
    label = f"face pipeline end to end, {len(face_clips)} 1080p H.264 clips with a face, {frames} frames, MobileNetV2"
    table.rate(label, (ours_e2e or {}).get("videosPerSecond"), (python_e2e or {}).get("videosPerSecond"),
               "OpenCV+facenet-pytorch+ORT", "videos/s")
    if ours_e2e:
        notes.append(f"extract --crop face kept {ours_e2e['coresBusy']:.0%} of the cores busy, peak "
                     f"{ours_e2e['peakMemoryMiB']:.0f} MiB")
    if not quick:
        with BusyNeighbour():
            ours_busy = extract_e2e(data, face_clips, frames, video_repeats, dataset="faces1080", extra=face_args)
            python_busy = face_peer("face-e2e", "--clips", ",".join(face_clips), "--frames", frames, "--repeats",
                                    video_repeats, "--threads", os.cpu_count(), "--onnx", onnx_dir)
        results["faceEndToEndBesideBusyProcess"] = {"project": ours_busy, "python": python_busy}
        table.rate("face pipeline end to end as above, beside one busy process", (ours_busy or {}).get("videosPerSecond"),
                   (python_busy or {}).get("videosPerSecond"), "OpenCV+facenet-pytorch+ORT", "videos/s")
    # ---- where the time goes: our stages one at a time on one clip; the peer's summed over its pass
    stages = swift("face-stages", "--clip", face_clips[0], "--frames", frames, "--repeats", 1 if quick else 2)
    results["faceStages"] = stages
    breakdown = []
    if stages:
        breakdown.append(f"ours, one video at a time ({stages['clip']}, detection at {stages['detectionWidth']}x"
                         f"{stages['detectionHeight']}, {stages['facesPerFrame']:.1f} faces/frame): "
                         + stage_line(stages["stages"]) + f"; sum {stages['totalSeconds']:.2f} s/video")
        if ours_e2e:
            breakdown.append(f"ours, extract end to end: {1 / ours_e2e['videosPerSecond']:.2f} s/video "
                             "(decoding 2 videos ahead overlaps the stages above, plus start-up and the caches)")
    if python_e2e:
        breakdown.append(f"Python way, mean over its pass: " + stage_line(python_e2e["stages"])
                         + f"; {1 / python_e2e['videosPerSecond']:.2f} s/video end to end")
    results["faceBreakdown"] = breakdown


def stage_line(stages):
    total = sum(stage["seconds"] for stage in stages) or float("nan")
    return ", ".join(f"{stage['name']} {stage['seconds']:.2f} s ({stage['seconds'] / total:.0%})" for stage in stages)


def print_face_breakdown(results):
    if results.get("faceBreakdown"):
        print("\nwhere the face pipeline's time goes (seconds per video, FRAMES=32):")
        for line in results["faceBreakdown"]:
            print(f"  {line}")


# ---- backbones of the registry beyond the two rows above, against ONNX Runtime with the same random weights

# The ports under way; one not yet in the registry (its port not merged) prints n/a rather than failing.
PORTED_BACKBONES = ["resnet50", "densenet121", "inception-v3", "xception", "efficientnet-b0", "efficientnet-b3",
                    "efficientnet-lite1", "efficientnet-lite2"]
# Timed by the backbone rows of the full run (against ONNX Runtime and Keras), with their published weights.
BACKBONES_WITH_ROWS = ("mobilenetv2", "efficientnet-lite0")
# The nets whose target is at least ONNX Runtime's frames/s: five turns, and rows with one core each.
SPEED_TARGET_BACKBONES = ("resnet50", "efficientnet-b0", "xception")
EXPORT_BACKBONES = os.path.join(ROOT, "bench", "export_backbones.py")
CELEB_DF_VIDEOS, CELEB_DF_FRAMES = 6000, 32


def registry_backbones():
    """{name: (input size, embedding length)} as `extract backbones` prints them (its table ends at a blank line)."""
    try:
        out = subprocess.run([EXTRACT, "backbones"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        log(f"extract backbones failed: {error}")
        return {}
    rows = {}
    for line in out.splitlines()[1:]:
        if not line.strip():
            break
        name, size, dimension = line.split()[:3]
        rows[name] = (int(size), int(dimension))
    return rows


def export_graphs(names, onnx_dir):
    """ONNX graphs, random weights and MAC counts of the torchvision / timm nets (bench/export_backbones.py over
    Debian's torch); {name: why not} for the rest. Up-to-date exports are reused, so this is quick after the first."""
    if not names:
        return {}
    if not os.path.exists(TORCH_PYTHON):
        return {name: "no bench/work/venv-torch (needs Debian's python3-torch; bench/setup-venv.sh)" for name in names}
    done = run_json([TORCH_PYTHON, EXPORT_BACKBONES, "--out", onnx_dir, "--only", *names], timeout=3600)
    if not done:
        return {name: "export_backbones.py failed (see above)" for name in names}
    return done["skipped"]


def check_same_function(name, onnx_dir, published):
    """ORT's embedding of a photo against ours (and torch's for exported graphs); None when it cannot run."""
    if name in published:  # graphs build_onnx.py built from the published .pth files; it checked them already
        return dict(published[name], sameFunction=published[name]["same_function"])
    return peer("ort-check", "--backbone", name, "--onnx", onnx_dir, "--bench", BENCH, "--threads", os.cpu_count())


def time_backbone(name, weights, onnx_dir, quick, gmacs=None, rounds=3, cores=None):
    """Ours and ONNX Runtime taking turns (noise comes in spells of seconds); per batch the median of all runs,
    and each turn's ratio (ours / ORT, the two processes back to back). Light nets time more frames a run (up
    to 8 x 16 below 0.5 GMACs), so no run is a fraction of a second. cores="0": both pinned to one CPU, ONNX
    Runtime on one thread."""
    frames = 16 * max(1, min(8, int(4 / gmacs))) if gmacs else 16
    batches, rounds, repeats = ("16", 1, 2) if quick else ("1,16", rounds, 2)
    weight_args = ("--weights", weights) if weights else ()
    threads = 1 if cores else os.cpu_count()
    ours_runs, ort_runs = [], []
    for _ in range(rounds):
        ours_runs.append(swift("backbone", "--backbone", name, *weight_args, "--batches", batches,
                               "--frames", frames, "--repeats", repeats, cores=cores))
        ort_runs.append(peer("ort-backbone", "--backbone", name, "--batches", batches, "--frames", frames,
                             "--repeats", repeats, "--threads", threads, "--onnx", onnx_dir, cores=cores))
    ours, ort = merged_backbone_runs(ours_runs), merged_backbone_runs(ort_runs)
    if ours and ort:
        ours["pairedRatios"] = {row["batchSize"]: [rate_at(a, row["batchSize"]) / rate_at(b, row["batchSize"])
                                                   for a, b in zip(ours_runs, ort_runs)
                                                   if rate_at(a, row["batchSize"]) and rate_at(b, row["batchSize"])]
                                for row in ours["batches"]}
    return ours, ort


def paired_summary(result):
    """'b16 median 1.05x (0.92-1.20x, 5 turns)' from time_backbone's per-turn ratios."""
    parts = []
    for batch, ratios in sorted((result or {}).get("pairedRatios", {}).items()):
        if ratios:
            parts.append(f"b{batch} median {statistics.median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f}x, "
                         f"{len(ratios)} turn{'s' if len(ratios) != 1 else ''})")
    return ", ".join(parts)


def registry_backbone_rows(table, results, notes, quick, published=None):
    """One row per backbone of the registry without a row yet: `Backbone.embed` against ONNX Runtime on a graph
    of the same function with the same weights (checked on a photo first), frames/s at batch 16 (and 1)."""
    onnx_dir = os.path.join(WORK, "onnx")
    registry = registry_backbones()
    names = [n for n in dict.fromkeys(PORTED_BACKBONES + list(registry)) if n not in BACKBONES_WITH_ROWS]
    if quick:  # the plumbing, not the whole zoo: the first one in the registry (resnet50 once it is merged)
        names = [n for n in names if n in registry][:1]
    published = {report["backbone"]: report for report in (published or [])}
    skipped = export_graphs([n for n in names if n in registry and n not in published], onnx_dir)
    results["registryBackbones"] = {}
    for name in names:
        row = {"inRegistry": name in registry}
        size, dimension = registry.get(name, (None, None))
        label = f"{name} embedding" + (f", {size}x{size}" if size else "")
        if name not in registry or name in skipped:
            why = "not in the registry yet (its port is not merged)" if name not in registry else skipped[name]
            notes.append(f"{name}: n/a, {why}")
            table.rate(f"{label}, batch 16", None, None, "ONNX Runtime", "frames/s")
            results["registryBackbones"][name] = dict(row, skipped=why)
            continue
        exported = load_export_summary(name, onnx_dir)
        row.update(check=check_same_function(name, onnx_dir, published), gmacs=(exported or {}).get("gmacs"),
                   weights=(exported or {}).get("weights"))
        if row["check"] is None:
            notes.append(f"{name}: ONNX Runtime's embedding could not be checked against ours (see the log)")
        elif not row["check"]["sameFunction"]:
            notes.append(f"{name}: ONNX Runtime and ours do NOT compute the same function on the check photo "
                         f"({row['check']}); its ratio is not a fair one")
        weights = os.path.join(ROOT, row["weights"]) if row["weights"] else None
        target = name in SPEED_TARGET_BACKBONES
        row["project"], row["onnxruntime"] = time_backbone(name, weights, onnx_dir, quick, row["gmacs"],
                                                           rounds=5 if target else 3)
        gmacs = f", {row['gmacs']:.2f} GMACs" if row["gmacs"] else ""
        for batch in ((16,) if quick else (1, 16)):
            table.rate(f"{label}{gmacs}, batch {batch}", rate_at(row["project"], batch),
                       rate_at(row["onnxruntime"], batch), "ONNX Runtime", "frames/s")
        if paired_summary(row["project"]):
            notes.append(f"{name}: each turn's ratio ours / ONNX Runtime: {paired_summary(row['project'])}")
        if target and not quick:
            # One core each: the per-core speed, untouched by the other core's neighbours.
            row["oneCore"] = dict(zip(("project", "onnxruntime"),
                                      time_backbone(name, weights, onnx_dir, quick, row["gmacs"], cores="0")))
            for batch in (1, 16):
                table.rate(f"{label}{gmacs}, batch {batch}, one core", rate_at(row["oneCore"]["project"], batch),
                           rate_at(row["oneCore"]["onnxruntime"], batch), "ONNX Runtime", "frames/s")
            if paired_summary(row["oneCore"]["project"]):
                notes.append(f"{name}, one core: each turn's ratio: {paired_summary(row['oneCore']['project'])}")
        results["registryBackbones"][name] = row


def load_export_summary(name, onnx_dir):
    """export_backbones.py's (or build_onnx.py's) NAME.json: MACs, input size, the random weights' path."""
    path = os.path.join(onnx_dir, f"{name}.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def decode_seconds_per_video(results):
    """Wall seconds per 480p video to decode 32 sampled frames, 2 videos at once (as extract runs), from this run's
    480p table, else from the newest saved full run that has one, else measured now with the table's own decode
    command (`--only backbones`; 6 short clips, seconds): (seconds, where it came from)."""
    def from_rows(rows):
        row = next((r for r in rows or [] if r["frames"] == CELEB_DF_FRAMES and r.get("decodeSecondsPerPass")), None)
        return min(row["decodeSecondsPerPass"]) / len(CLIPS_480P) if row else None
    seconds = from_rows(results.get("endToEnd480p"))
    if seconds:
        return seconds, "this run"
    folder = os.path.join(ROOT, "bench", "results")
    for path in sorted(glob.glob(os.path.join(folder, "*.json")), key=os.path.getmtime, reverse=True):
        try:
            with open(path) as f:
                seconds = from_rows(json.load(f).get("endToEnd480p"))
        except (OSError, ValueError):
            continue
        if seconds:
            return seconds, os.path.relpath(path, ROOT)
    _, clips = make_480p_dataset(1)
    decode = swift("sampler", "--clips", ",".join(clips), "--frames", CELEB_DF_FRAMES, "--repeats", 2,
                   "--concurrent", 2)
    results["decode480p"] = decode
    if not decode:
        return None, None
    return min(decode["secondsPerPass"]) / len(clips), "measured now, as the 480p table does"


def cost_rows(results):
    """(name, input, GMACs, our frames/s at batch 16, ORT frames/s) for every backbone timed in this run."""
    rows = []
    onnx_dir = os.path.join(WORK, "onnx")
    for name, sides in (results.get("backbones") or {}).items():
        exported = load_export_summary(name, onnx_dir) or {}
        rows.append((name, exported.get("inputSize", 224), exported.get("gmacs"), rate_at(sides["project"], 16),
                     rate_at(sides["onnxruntime"], 16)))
    for name, row in (results.get("registryBackbones") or {}).items():
        if "project" in row:
            exported = load_export_summary(name, onnx_dir) or {}
            rows.append((name, exported.get("inputSize"), row.get("gmacs"), rate_at(row["project"], 16),
                         rate_at(row["onnxruntime"], 16)))
    return rows


def print_cost_summary(results):
    """What the CNN alone costs for a Celeb-DF-sized extraction at each backbone's measured rate, plus decoding."""
    rows = cost_rows(results)
    if not rows:
        return
    frames, cores = CELEB_DF_VIDEOS * CELEB_DF_FRAMES, os.cpu_count()
    print(f"\ncost of the CNN alone for {CELEB_DF_VIDEOS:,} videos x {CELEB_DF_FRAMES} frames ({frames:,} frames) on this "
          f"machine ({cores} cores; core-hours = hours x {cores}, both cores busy), at batch 16:")
    print("backbone | input | GMACs | ours frames/s | hours | core-hours | ORT frames/s | ORT hours")

    def cell(value, fmt):
        return "n/a" if value is None else format(value, fmt)
    for name, size, gmacs, ours, ort in rows:
        hours = frames / ours / 3600 if ours else None
        ort_hours = frames / ort / 3600 if ort else None
        print(f"{name} | {size or '?'} | {cell(gmacs, '.2f')} | {cell(ours, '.1f')} | {cell(hours, '.1f')} | "
              f"{cell(hours and hours * cores, '.1f')} | {cell(ort, '.1f')} | {cell(ort_hours, '.1f')}")
    decode, source = decode_seconds_per_video(results)
    if decode:
        hours = CELEB_DF_VIDEOS * decode / 3600
        print(f"decoding {CELEB_DF_FRAMES} sampled frames of each video (480p 15 s H.264 clips, 2 at once; {source}): "
              f"{decode:.2f} s per video -> {hours:.1f} hours ({hours * cores:.1f} core-hours) for "
              f"{CELEB_DF_VIDEOS:,} videos, on top of the CNN where the two do not overlap")
    else:
        print("decoding: n/a (no 480p decode rows in this run or a saved full run; `make bench` measures them)")


class Table:
    def __init__(self):
        self.rows = []

    def rate(self, metric, project, peer, peer_name, unit):
        """Higher is better: ratio = project / peer."""
        ratio = project / peer if project and peer else None
        self.rows.append((metric, project, peer, peer_name, unit, ratio))

    def seconds(self, metric, project, peer, peer_name):
        """Lower is better: ratio = peer / project so that >1 still means we are faster."""
        ratio = peer / project if project and peer else None
        self.rows.append((metric, project, peer, peer_name, "s", ratio))

    def render(self):
        def number(value):
            if value is None:
                return "n/a"
            return f"{value:.3f}" if abs(value) < 1 else f"{value:.1f}"
        lines = [("metric", "project", "peer", "ratio"), ("-" * 6, "-" * 7, "-" * 4, "-" * 5)]
        for metric, project, peer, peer_name, unit, ratio in self.rows:
            lines.append((f"{metric} [{unit}]", number(project), f"{number(peer)} ({peer_name})",
                          "n/a" if ratio is None else f"{ratio:.2f}x"))
        widths = [max(len(line[i]) for line in lines) for i in range(4)]
        return "\n".join(" | ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip() for line in lines)

    def as_json(self):
        return [{"metric": m, "unit": u, "project": p, "peer": q, "peerName": n, "ratio": r}
                for m, p, q, n, u, r in self.rows]


def build_published_graphs(onnx_dir):
    """bench/build_onnx.py: ONNX graphs of the backbones whose published weights are in models/, checked against
    ours; its per-backbone reports, or None without bench/.venv."""
    if not os.path.exists(VENV_PYTHON):
        return None
    return run_json([VENV_PYTHON, os.path.join(ROOT, "bench", "build_onnx.py"), "--models", "models", "--out", onnx_dir,
                     "--bench", BENCH])


def finish_section(results, table, notes, started, quick, section, print_extra):
    """The table, notes and JSON of a `--only SECTION` run."""
    results["machine"]["loadAverageAtEnd"] = os.getloadavg()
    results["totalSeconds"] = time.perf_counter() - started
    results["table"] = table.as_json()
    results["notes"] = notes
    machine = results["machine"]
    print(f"\nmachine: {machine['cpu']}, {machine['cores']} cores; load average at start "
          f"{machine['loadAverageAtStart'][0]:.1f}, at end {machine['loadAverageAtEnd'][0]:.1f}")
    print("ratio: >1 means the project is faster (project/peer for rates)")
    print(table.render())
    print_extra(results)
    for note in notes:
        print(f"note: {note}")
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    out = os.path.join(ROOT, "bench", "results", f"{datetime.date.today().isoformat()}-{socket.gethostname()}"
                       f"-{section}{'-quick' if quick else ''}.json")
    with open(out, "w") as f:
        json.dump(results, f, indent=1)
    print(f"\nbench: {results['totalSeconds']:.0f} s in all; results in {os.path.relpath(out, ROOT)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", default=os.environ.get("BENCH_QUICK", "") not in ("", "0"))
    parser.add_argument("--only", choices=["faces", "backbones"],
                        help="run only these rows (faces: MTCNN and the face pipeline; backbones: the registry's "
                             "backbones beyond MobileNetV2 and EfficientNet-Lite0 against ONNX Runtime, and their cost)")
    args = parser.parse_args()
    quick = args.quick
    for binary in (BENCH, EXTRACT):
        if not os.path.exists(binary):
            sys.exit(f"bench: {binary} is missing: run `make bench` (it builds the release binaries first)")
    started = time.perf_counter()
    os.makedirs(WORK, exist_ok=True)
    results = {"date": datetime.datetime.now().isoformat(timespec="seconds"), "quick": quick,
               "machine": machine_info()}
    table = Table()
    notes = []
    if args.only == "faces":
        face_rows(table, results, notes, quick)
        finish_section(results, table, notes, started, quick, "faces", print_face_breakdown)
        return
    if args.only == "backbones":
        onnx_check = build_published_graphs(os.path.join(WORK, "onnx"))
        results["onnxCheck"] = onnx_check
        registry_backbone_rows(table, results, notes, quick, onnx_check)
        finish_section(results, table, notes, started, quick, "backbones", print_cost_summary)
        return

    # ---- machine and BLAS
    results["openblas"] = {"default": swift("info"), "OPENBLAS_CORETYPE=SkylakeX": swift("info", env=SKYLAKEX)}
    core = (results["openblas"]["default"] or {}).get("coreName", "?")
    gemm_repeats = 3 if quick else 5
    gemm_default = swift("gemm", "--size", 2048, "--repeats", gemm_repeats)
    gemm_skylake = swift("gemm", "--size", 2048, "--repeats", gemm_repeats, env=SKYLAKEX)
    gemm_numpy = peer("gemm", "--size", 2048, "--repeats", gemm_repeats)
    results["gemm"] = {"project": gemm_default, "projectSkylakeX": gemm_skylake, "numpy": gemm_numpy}
    numpy_core = (gemm_numpy or {}).get("coreName", "?")
    table.rate(f"sgemm 2048^3, our cblas ({core})", (gemm_default or {}).get("gflops"),
               (gemm_numpy or {}).get("gflops"), f"numpy {numpy_core}", "GFLOPS")
    table.rate("sgemm 2048^3, our cblas, OPENBLAS_CORETYPE=SkylakeX", (gemm_skylake or {}).get("gflops"),
               (gemm_numpy or {}).get("gflops"), f"numpy {numpy_core}", "GFLOPS")
    # train's GEMM library: oneDNN against the OpenBLAS it replaced, on the head's dominant shapes.
    head_gemm = {library: swift("head-gemm", "--library", library, "--rows", 1024, "--repeats", gemm_repeats)
                 for library in ("onednn", "openblas")}
    results["headGEMM"] = head_gemm
    table.rate("head GEMMs [1024x1280]x[1280x192] + weight gradient, oneDNN (train's)",
               (head_gemm["onednn"] or {}).get("gflops"), (head_gemm["openblas"] or {}).get("gflops"), "OpenBLAS",
               "GFLOPS")

    # ---- backbones: ONNX graphs from our weights, checked to compute our function
    onnx_dir = os.path.join(WORK, "onnx")
    onnx_check = build_published_graphs(onnx_dir)
    results["onnxCheck"] = onnx_check
    if onnx_check:
        notes.append("ONNX graphs built from our .pth weights; ONNX Runtime embedding vs ours, max |diff|: "
                     + ", ".join(f"{c['backbone']} {c.get('max_abs_diff_vs_swift', float('nan')):.1e}" for c in onnx_check))
    notes.append("Keras backbones use random weights (timing only); the Keras EfficientNet-Lite0 is built from "
                 "the same stage table (no pretrained Lite0 in keras.applications).")
    backbones = ["mobilenetv2"] if quick else ["mobilenetv2", "efficientnet-lite0"]
    frames_per_run = 16 if quick else 32
    repeats = 2 if quick else 3
    results["backbones"] = {}
    for name in backbones:
        our_batches = "1,16" if quick else ("1,8,16,32,64" if name == "mobilenetv2" else "1,16,64")
        # Noise comes in spells of seconds: the two sides take turns (twice in a full run), and each batch's
        # rate is the median over all of a side's timed runs.
        ours_runs, ort_runs = [], []
        for _ in range(1 if quick else 2):
            ours_runs.append(swift("backbone", "--backbone", name, "--batches", our_batches,
                                   "--frames", frames_per_run, "--repeats", repeats))
            if onnx_check:
                ort_runs.append(peer("ort-backbone", "--backbone", name, "--batches", "1,16" if quick else "1,8,16,32",
                                     "--frames", frames_per_run, "--repeats", repeats, "--threads", os.cpu_count(),
                                     "--onnx", onnx_dir))
        ours, ort = merged_backbone_runs(ours_runs), merged_backbone_runs(ort_runs)
        # The x86-64-v3 path, for CPUs without AVX-512 (the same results, bit for bit).
        ours_avx2 = swift("backbone", "--backbone", name, "--batches", "1,16", "--frames", frames_per_run,
                          "--repeats", repeats, env={"DEEPFAKE_KERNELS": "avx2"})
        keras = peer("keras-backbone", "--backbone", name, "--batches", "16" if quick else "16,64",
                     "--frames", frames_per_run if quick else 64, "--repeats", repeats)
        results["backbones"][name] = {"project": ours, "projectAVX2": ours_avx2, "onnxruntime": ort,
                                      "keras": keras}
        label = "MobileNetV2" if name == "mobilenetv2" else "EfficientNet-Lite0"
        for batch in (1, 16):
            table.rate(f"{label} embed, batch {batch}", rate_at(ours, batch), rate_at(ort, batch),
                       "ONNX Runtime", "frames/s")
            table.rate(f"{label} embed, batch {batch}, our AVX2 kernels forced", rate_at(ours_avx2, batch),
                       rate_at(ort, batch), "ONNX Runtime", "frames/s")
        our_best, our_batch = best_rate(ours)
        ort_best, ort_batch = best_rate(ort)
        table.rate(f"{label} embed, each side's best batch (ours b{our_batch}, ORT b{ort_batch})", our_best, ort_best,
                   "ONNX Runtime", "frames/s")
        keras_best, keras_batch = best_rate(keras)
        table.rate(f"{label} embed, best batch (ours b{our_batch}, Keras b{keras_batch})", our_best, keras_best,
                   "TF-Keras", "frames/s")
    # The other backbones of the registry, with seeded random weights where the published ones are not here.
    registry_backbone_rows(table, results, notes, quick, onnx_check)

    # ---- video: decode-bound sampling of 1080p H.264 clips, then the whole pipeline
    clips = make_clips(CLIPS[:1] if quick else CLIPS)
    frames = 32
    video_repeats = 1 if quick else 2
    seconds = sum(s for _, _, _, s in (CLIPS[:1] if quick else CLIPS))
    results["sampler"] = {}
    # One video after another (FFmpeg's threads inside each), then two at once (one decoder thread each),
    # which is how extract decodes; OpenCV runs the same way in each row.
    for concurrent in ((1,) if quick else (1, 2)):
        ours_sampler = swift("sampler", "--clips", ",".join(clips), "--frames", frames, "--repeats", video_repeats,
                             "--concurrent", concurrent)
        opencv = peer("opencv-sampler", "--clips", ",".join(clips), "--frames", frames, "--repeats", video_repeats,
                      "--concurrent", concurrent)
        results["sampler"][f"concurrent{concurrent}"] = {"project": ours_sampler, "opencv": opencv}
        how = "one video at a time" if concurrent == 1 else f"{concurrent} videos at once"
        table.rate(f"sample {frames} frames of 1080p clips ({len(clips)} clips, {seconds} s), {how}",
                   (ours_sampler or {}).get("videosPerSecond"), (opencv or {}).get("videosPerSecond"),
                   "OpenCV grab/retrieve", "videos/s")
        if ours_sampler:
            notes.append(f"sampler, {how}: {ours_sampler['decodedFramesPerPass']} of {ours_sampler['videoFramesPerPass']} "
                         "frames decoded (unsampled non-reference frames skipped; sampled frames identical)")
    ours_e2e = extract_e2e(make_dataset(clips), clips, frames, video_repeats)
    python_e2e = peer("python-e2e", "--clips", ",".join(clips), "--frames", frames, "--repeats", video_repeats,
                      "--threads", os.cpu_count(), "--onnx", onnx_dir) if onnx_check else None
    results["endToEnd"] = {"project": ours_e2e, "python": python_e2e}
    table.rate(f"end to end: extract CLI vs OpenCV+ONNX Runtime, {frames} frames, MobileNetV2",
               (ours_e2e or {}).get("videosPerSecond"), (python_e2e or {}).get("videosPerSecond"),
               "OpenCV+ORT", "videos/s")
    if ours_e2e:
        notes.append(f"extract end to end on the 1080p clips kept {ours_e2e['coresBusy']:.0%} of the cores busy")
    with BusyNeighbour():
        ours_busy = extract_e2e(make_dataset(clips), clips, frames, video_repeats)
        python_busy = peer("python-e2e", "--clips", ",".join(clips), "--frames", frames, "--repeats", video_repeats,
                           "--threads", os.cpu_count(), "--onnx", onnx_dir) if onnx_check else None
    results["endToEndBesideBusyProcess"] = {"project": ours_busy, "python": python_busy}
    table.rate(f"end to end as above, beside one busy process", (ours_busy or {}).get("videosPerSecond"),
               (python_busy or {}).get("videosPerSecond"), "OpenCV+ORT", "videos/s")

    # ---- faces: MTCNN alone, and decode + detect + crop + embed end to end
    face_rows(table, results, notes, quick)

    # ---- end to end against frame count on dataset-like 480p clips, next to the backbone alone
    # The table runs 24 videos (each clip 4 times, hard links), so the fixed start-up (loading the backbone,
    # the first video's decode with nothing to overlap, the last video's CNN) weighs little, as on a dataset.
    copies = 1 if quick else 4
    data_480p, clips_480p = make_480p_dataset(copies)
    table_dataset = "ffpp480" if copies == 1 else f"ffpp480x{copies}"
    backbone_rate, _ = best_rate((results["backbones"].get("mobilenetv2") or {}).get("project"))
    results["endToEnd480p"] = []
    for count in ([32] if quick else [16, 32, 64, 128, 256]):
        row = extract_e2e(data_480p, clips_480p * copies, count, 1, dataset=table_dataset)
        if row:
            row["backboneFramesPerSecond"] = backbone_rate
            # Decoding alone, 2 videos at once as extract runs it: with the backbone's time it bounds what
            # extract can reach on these cores (both stages share them).
            decode = swift("sampler", "--clips", ",".join(clips_480p), "--frames", count, "--repeats", 2,
                           "--concurrent", 2)
            if decode and backbone_rate:
                row["decodeSecondsPerPass"] = decode["secondsPerPass"]
                decode_seconds_per_video = min(decode["secondsPerPass"]) / len(clips_480p)
                row["ceilingFramesPerSecond"] = count / (decode_seconds_per_video + count / backbone_rate)
            results["endToEnd480p"].append(row)
    # Peak memory with a quarter of the videos: it must not grow with their number.
    few = None if quick else extract_e2e(data_480p, clips_480p, 32, 1, dataset="ffpp480")
    results["endToEnd480pFew"] = few

    # ---- training: the gru2-fc2 head of the notebook, and a 10-architecture sweep
    data = make_training_data()
    keras_arch = "gru(64,32)-drop(0.5)-fc(32)-drop(0.5)"  # = GRU64(seq)-GRU32-Dropout-Dense32-Dropout-Dense1
    epochs = 3 if quick else 5
    def ours_epochs(env=None):
        return swift("train-epoch", "--data", data, "--arch", keras_arch, "--batches", "8,32", "--epochs", epochs,
                     "--repeats", repeats, env=env)

    def keras_epochs():
        return peer("keras-train", "--data", data, "--batches", "8,32", "--epochs", epochs)
    # The machine's noise comes in spells of seconds (a 2-thread epoch sometimes takes twice as long, on
    # either side), so each side runs twice, alternating, and the table gives the median and the best.
    ours_train, keras_train = [], []
    for _ in range(2):
        ours_train.append(ours_epochs())
        keras_train.append(keras_epochs())
    ours_train_1thread = ours_epochs(env={"OPENBLAS_NUM_THREADS": "1"})
    with BusyNeighbour():
        ours_busy = ours_epochs()
        ours_busy_1thread = ours_epochs(env={"OPENBLAS_NUM_THREADS": "1"})
        keras_busy = keras_epochs()
    results["training"] = {"project": ours_train, "projectOneBLASThread": ours_train_1thread, "keras": keras_train,
                           "besideBusyProcess": {"project": ours_busy, "projectOneBLASThread": ours_busy_1thread,
                                                 "keras": keras_busy}}

    def epoch_times(results_, batch):
        """Seconds per epoch of every run of every process for one batch size."""
        times = []
        for result in results_:
            for row in (result or {}).get("batches", []):
                if row["batchSize"] == batch:
                    # Ours: whole runs of `epochs` epochs; Keras: single epochs after the tracing one.
                    times += ([t / row["epochs"] for t in row["secondsPerRun"]] if "secondsPerRun" in row
                              else row["epochSeconds"])
        return times

    def epoch_seconds(results_, batch, pick=statistics.median):
        times = epoch_times(results_ if isinstance(results_, list) else [results_], batch)
        return pick(times) if times else None
    for batch in (8, 32):
        table.seconds(f"gru2-fc2 epoch, 140 videos x 32 x 1280, batch {batch}", epoch_seconds(ours_train, batch),
                      epoch_seconds(keras_train, batch), "TF-Keras")
        table.seconds(f"same, batch {batch}, best epoch of each side", epoch_seconds(ours_train, batch, min),
                      epoch_seconds(keras_train, batch, min), "TF-Keras")
        table.seconds(f"gru2-fc2 epoch, batch {batch}, OPENBLAS_NUM_THREADS=1", epoch_seconds(ours_train_1thread, batch),
                      epoch_seconds(keras_train, batch), "TF-Keras")
        table.seconds(f"gru2-fc2 epoch, batch {batch}, beside one busy process", epoch_seconds(ours_busy, batch),
                      epoch_seconds(keras_busy, batch), "TF-Keras")
        # Our threads must give way: two threads beside the busy process must not lose to one.
        table.seconds(f"same, beside one busy process, 2 threads (peer: ours on 1 thread)",
                      epoch_seconds(ours_busy, batch), epoch_seconds(ours_busy_1thread, batch), "ours, 1 thread")
    sweep_epochs = 20 if quick else 100
    sweep = swift("sweep", "--data", data, "--epochs", sweep_epochs, "--batch", 8, "--parallel", 1)
    results["sweep"] = sweep
    # Small GEMMs: OpenBLAS's second thread costs more than it gives, so one training per core instead.
    sweep_parallel = None if quick else swift("sweep", "--data", data, "--epochs", sweep_epochs, "--batch", 8,
                                              "--parallel", os.cpu_count(), env={"OPENBLAS_NUM_THREADS": "1"})
    results["sweepParallel"] = sweep_parallel
    keras_epoch = epoch_seconds(keras_train, 8)
    target = 60.0 * sweep_epochs / 100
    table.seconds(f"sweep 10 archs x {sweep_epochs} epochs, batch 8, one head at a time (peer: target)",
                  (sweep or {}).get("totalSeconds"), target, f"target < {target:.0f} s")
    if sweep_parallel:
        table.seconds(f"sweep as above, {os.cpu_count()} heads at once as `train sweep` runs it (peer: target)",
                      sweep_parallel["totalSeconds"], target, f"target < {target:.0f} s")
    if keras_epoch:
        # gru2-fc2 stands in for every architecture: an estimate, labelled as one.
        table.seconds(f"sweep 10 archs x {sweep_epochs} epochs, batch 8 (peer: estimate)",
                      (sweep or {}).get("totalSeconds"), 10 * sweep_epochs * keras_epoch,
                      "Keras est. 10 x epochs x gru2-fc2 epoch")

    # ---- scaling: our seconds and frames/s vs frame count, and frames/s vs batch size
    scaling = swift("scaling", "--clip", clips[0], "--frames", "16,32,64" if quick else "16,32,64,128,256",
                    "--repeats", 1)
    results["scaling"] = scaling
    results["machine"]["loadAverageAtEnd"] = os.getloadavg()
    results["totalSeconds"] = time.perf_counter() - started
    results["table"] = table.as_json()
    results["notes"] = notes

    machine = results["machine"]
    print(f"\nmachine: {machine['cpu']}, {machine['cores']} cores, AVX-512: {'yes' if machine['avx512f'] else 'no'}; "
          f"our OpenBLAS core: {core} (OPENBLAS_CORETYPE=SkylakeX -> "
          f"{(results['openblas']['OPENBLAS_CORETYPE=SkylakeX'] or {}).get('coreName', '?')}); numpy's OpenBLAS: {numpy_core}; "
          f"our backbone kernels: {(results['openblas']['default'] or {}).get('backboneKernels', '?')}")
    print(f"load average at start {machine['loadAverageAtStart'][0]:.1f}, at end {machine['loadAverageAtEnd'][0]:.1f} "
          f"(other processes share the CPU: compare ratios, not absolute numbers)\n")
    print("ratio: >1 means the project is faster (project/peer for rates, peer/project for seconds)")
    print(table.render())
    if scaling:
        print(f"\nscaling, one 1080p clip ({scaling['clip']}), {scaling['backbone']}:")
        print("frames | sample s | embed s | total s | embedded frames/s")
        for row in scaling["rows"]:
            print(f"{row['frames']:6d} | {row['sampleSeconds']:8.2f} | {row['embedSeconds']:7.2f} | "
                  f"{row['totalSeconds']:7.2f} | {row['embeddedFramesPerSecond']:.1f}")
    if results["endToEnd480p"]:
        print(f"\nend to end (extract CLI, MobileNetV2) on {results['endToEnd480p'][0]['clips']} 480p H.264 clips of 15 s "
              f"({len(CLIPS_480P)} distinct), against frame count:")
        print("frames | videos/s | embedded frames/s | / backbone alone | ceiling frames/s | / ceiling | cores busy | peak MiB")
        for row in results["endToEnd480p"]:
            embedded = row["embeddedFramesPerSecond"]
            share = embedded / row["backboneFramesPerSecond"] if row["backboneFramesPerSecond"] else float("nan")
            ceiling = row.get("ceilingFramesPerSecond") or float("nan")
            print(f"{row['frames']:6d} | {row['videosPerSecond']:8.2f} | {embedded:17.1f} | {share:16.2f} | "
                  f"{ceiling:16.1f} | {embedded / ceiling:9.2f} | {row['coresBusy']:10.0%} | {row['peakMemoryMiB']:.0f}")
        print("ceiling: the clips' decoding alone (2 at once, as extract runs it) plus the backbone alone, one after "
              "the other on the same cores, as frames/s: what extract would reach with perfect overlap")
        at32 = next((row for row in results["endToEnd480p"] if row["frames"] == 32), None)
        few = results.get("endToEnd480pFew")
        if at32:
            print(f"planning: at 32 frames, 6,000 such videos take about {6000 / at32['videosPerSecond'] / 60:.0f} min "
                  f"on this machine")
        if at32 and few:
            print(f"peak memory of extract at 32 frames: {few['peakMemoryMiB']:.0f} MiB for {few['clips']} videos, "
                  f"{at32['peakMemoryMiB']:.0f} MiB for {at32['clips']} videos")
    for name, sides in results["backbones"].items():
        if sides["project"]:
            print(f"\n{name} frames/s vs batch size (ours): " + ", ".join(
                f"b{r['batchSize']} {r['framesPerSecond']:.1f}" for r in sides["project"]["batches"]))
    if sweep:
        print(f"\nsweep ({sweep['epochs']} epochs, batch {sweep['batchSize']}, {sweep['trainVideos']} train videos): "
              + ", ".join(f"{a['architecture']} {a['seconds']:.1f} s" for a in sweep["architectures"]))
    print_face_breakdown(results)
    print_cost_summary(results)
    for note in notes:
        print(f"note: {note}")
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    out = os.path.join(ROOT, "bench", "results",
                       f"{datetime.date.today().isoformat()}-{socket.gethostname()}{'-quick' if quick else ''}.json")
    with open(out, "w") as f:
        json.dump(results, f, indent=1)
    print(f"\nbench: {results['totalSeconds']:.0f} s in all; results in {os.path.relpath(out, ROOT)}")


if __name__ == "__main__":
    main()
