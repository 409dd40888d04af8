#!/usr/bin/env python3
"""The tools researchers would use instead of this project, timed the same way as `bench` (the Swift side).

Each command prints one JSON object on stdout. Run with bench/.venv/bin/python; bench/run.py runs every
command in its own process, so a peer whose package is missing (ImportError) becomes "n/a" in the table.

  gemm             numpy float32 matmul (numpy's bundled OpenBLAS)
  ort-backbone     ONNX Runtime CPU on the graphs bench/build_onnx.py builds from our weights, or the ones
                   bench/export_backbones.py exports from torchvision / timm (each at its own input size)
  ort-check        ONNX Runtime's embedding of a photo against torch's and ours (export_backbones.py graphs)
  ort-layers       ONNX Runtime's own profile of one batch: milliseconds per frame for each layer, under the
                   labels `DEEPFAKE_LAYER_PROFILE=1 bench backbone` prints (bench/layers.py sets the two side by side)
  keras-backbone   TF-Keras MobileNetV2 / EfficientNet-Lite0, random weights (timing only)
  opencv-sampler   OpenCV: grab() every frame, retrieve() + BGR->RGB + resize the sampled ones
  python-e2e       opencv-sampler + ONNX Runtime on each video's frames (the usual Python pipeline)
  keras-train      the Keras gru2-fc2 head, seconds per epoch
"""
import argparse
import ctypes
import glob
import json
import os
import statistics
import sys
import time

import numpy as np


def timed_runs(repeats, body, warmup=1):
    for _ in range(warmup):
        body()
    times = []
    for _ in range(max(repeats, 1)):
        start = time.perf_counter()
        body()
        times.append(time.perf_counter() - start)
    return times


def numpy_openblas_corename():
    """numpy wheels bundle their own OpenBLAS (scipy_openblas); ask it which kernels it picked."""
    libs = glob.glob(os.path.join(os.path.dirname(np.__file__) + ".libs", "*openblas*.so*"))
    for lib in libs:
        handle = ctypes.CDLL(lib)
        for symbol in ("scipy_openblas_get_corename64_", "openblas_get_corename64_", "openblas_get_corename"):
            if hasattr(handle, symbol):
                function = getattr(handle, symbol)
                function.restype = ctypes.c_char_p
                return function().decode()
    return "unknown"


def gemm(args):
    n = args.size
    rng = np.random.default_rng(0)
    a = rng.uniform(-1, 1, (n, n)).astype(np.float32)
    b = rng.uniform(-1, 1, (n, n)).astype(np.float32)
    times = timed_runs(args.repeats, lambda: a @ b)
    return {"size": n, "coreName": numpy_openblas_corename(), "numpy": np.__version__,
            "secondsPerRun": times, "gflops": 2 * n ** 3 / statistics.median(times) / 1e9}


def random_frames(count, seed=0, size=224):
    return np.random.default_rng(seed).integers(0, 256, (count, size, size, 3), dtype=np.uint8)


def ort_session(path, threads, profile_prefix=None):
    """profile_prefix: record ONNX Runtime's own per-node profile to files starting so (`end_profiling()`)."""
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if profile_prefix:
        options.enable_profiling = True
        options.profile_file_prefix = profile_prefix
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"]), ort.__version__


def throughput(embed, batches, frames_per_run, repeats, size=224):
    rows = []
    for batch in batches:
        images = random_frames(batch, seed=batch, size=size)
        calls = max(1, -(-frames_per_run // batch))
        times = timed_runs(repeats, lambda: [embed(images) for _ in range(calls)])
        rows.append({"batchSize": batch, "framesPerRun": calls * batch, "secondsPerRun": times,
                     "framesPerSecond": calls * batch / statistics.median(times)})
        print(f"peers: batch {batch}: {rows[-1]['framesPerSecond']:.1f} frames/s", file=sys.stderr)
    return rows


def ort_backbone(args):
    session, version = ort_session(os.path.join(args.onnx, f"{args.backbone}.onnx"), args.threads)
    embed = lambda images: session.run(None, {"images": images})[0]  # noqa: E731
    size = session.get_inputs()[0].shape[1]  # [N, S, S, 3]: each graph carries its backbone's input size
    return {"backbone": args.backbone, "onnxruntime": version, "threads": args.threads, "inputSize": size,
            "batches": throughput(embed, args.batches, args.frames, args.repeats, size)}


def ort_layer_label(args):
    """The label our layer profile gives the same layer: '1x1 256->1024 14x14 +res', 'conv 3x3/2 128->128 56x56'
    (input size), 'depthwise 3x3/1 728 19x19'; other ops by name and output shape. ONNX Runtime fuses a residual
    Add into its NCHWc Conv as a fourth input; the profile reports logical NCHW shapes."""
    op = args.get("op_name", "?")
    shapes = [list(d.values())[0] for d in args.get("input_type_shape", [])]
    out = [list(d.values())[0] for d in args.get("output_type_shape", [])]
    if op == "Conv" and len(shapes) >= 2 and len(shapes[0]) == 4 and len(shapes[1]) == 4 and out and out[0][2]:
        (_, c, h, w), (o, per_group, kh, kw) = shapes[0], shapes[1]
        stride = max(1, round(h / out[0][2]))
        residual = " +res" if len(shapes) >= 4 else ""
        if per_group == 1 and o == c and c > 1:
            return f"depthwise {kh}x{kw}/{stride} {c} {h}x{w}"
        if kh == kw == 1 and stride == 1:
            return f"1x1 {c}->{o} {h}x{w}{residual}"
        return f"conv {kh}x{kw}/{stride} {c}->{o} {h}x{w}{residual}"
    return f"{op} " + ("x".join(str(d) for d in out[0][1:]) if out else "")


def ort_layers(args):
    batch = args.batches[0]
    session, version = ort_session(os.path.join(args.onnx, f"{args.backbone}.onnx"), args.threads,
                                   profile_prefix=os.path.join(args.onnx, f"{args.backbone}-ort-profile"))
    size = session.get_inputs()[0].shape[1]
    images = random_frames(batch, seed=batch, size=size)
    for _ in range(1 + max(args.repeats, 1)):
        session.run(None, {"images": images})
    path = session.end_profiling()
    with open(path) as f:
        events = json.load(f)
    os.remove(path)
    runs = [e for e in events if e.get("cat") == "Session" and e.get("name") == "model_run"][1:]  # first: warm-up
    layers = {}
    for event in events:
        if event.get("cat") != "Node" or not event.get("name", "").endswith("_kernel_time"):
            continue
        if not any(run["ts"] <= event["ts"] <= run["ts"] + run["dur"] for run in runs):
            continue
        label = ort_layer_label(event.get("args", {}))
        seconds, calls = layers.get(label, (0.0, 0))
        layers[label] = (seconds + event["dur"] / 1e6, calls + 1)
    frames = batch * len(runs)
    return {"backbone": args.backbone, "onnxruntime": version, "threads": args.threads, "frames": frames,
            "layers": [{"label": label, "msPerFrame": 1e3 * seconds / frames, "calls": calls}
                       for label, (seconds, calls) in sorted(layers.items(), key=lambda item: -item[1][0])]}


def cosine(a, b):
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


def ort_check(args):
    """ONNX Runtime's embedding of the photo export_backbones.py decoded, against torch's (the graph is the owners'
    function) and, with --bench, ours with the same random weights (both sides time the same function)."""
    import subprocess
    with open(os.path.join(args.onnx, f"{args.backbone}.json")) as f:
        exported = json.load(f)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    size = exported["inputSize"]
    photo = np.fromfile(os.path.join(root, exported["photo"]), dtype=np.uint8).reshape(1, size, size, 3)
    torch_embedding = np.fromfile(os.path.join(root, exported["torchEmbedding"]), dtype="<f4").astype(np.float64)
    session, version = ort_session(os.path.join(args.onnx, f"{args.backbone}.onnx"), args.threads)
    ort_embedding = session.run(None, {"images": photo})[0][0].astype(np.float64)
    report = {"backbone": args.backbone, "onnxruntime": version, "gmacs": exported["gmacs"],
              "inputSize": size, "embeddingDimension": exported["embeddingDimension"],
              "cosineOrtTorch": cosine(ort_embedding, torch_embedding),
              "maxAbsDiffOrtTorch": float(np.abs(ort_embedding - torch_embedding).max()),
              "embeddingMaxAbs": float(np.abs(ort_embedding).max())}
    if args.bench:
        done = subprocess.run([args.bench, "embed-check", "--backbone", args.backbone, "--weights",
                               os.path.join(root, exported["weights"]), "--image", os.path.join(root, exported["photo"])],
                              capture_output=True, text=True)
        if done.returncode != 0:
            report["ours"] = done.stderr.strip()[-300:]
        else:
            ours = np.array(json.loads(done.stdout.strip().splitlines()[-1])["embedding"], dtype=np.float64)
            report["cosineOrtOurs"] = cosine(ort_embedding, ours) if ours.shape == ort_embedding.shape else None
            report["maxAbsDiffOrtOurs"] = (float(np.abs(ort_embedding - ours).max())
                                           if ours.shape == ort_embedding.shape else None)
    # float32 through 50-100 layers of random weights: cosine 0.9999 separates rounding from a different function.
    report["sameFunction"] = all(report.get(key) is not None and report[key] >= 0.9999
                                 for key in ("cosineOrtTorch", *(("cosineOrtOurs",) if args.bench else ())))
    return report


def keras_efficientnet_lite0():
    """EfficientNet-Lite0 (no SE, ReLU6, fixed stem/head) from the same stage table as our Swift net."""
    import tensorflow as tf
    from tensorflow import keras
    layers = keras.layers

    def conv_bn(x, filters, kernel, stride, depthwise=False, relu=True):
        if depthwise:
            x = layers.DepthwiseConv2D(kernel, stride, padding="same", use_bias=False)(x)
        else:
            x = layers.Conv2D(filters, kernel, stride, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization(epsilon=1e-3)(x)
        return layers.ReLU(6.0)(x) if relu else x

    stages = [(1, 3, 1, 16, 1), (6, 3, 2, 24, 2), (6, 5, 2, 40, 2), (6, 3, 2, 80, 3),
              (6, 5, 1, 112, 3), (6, 5, 2, 192, 4), (6, 3, 1, 320, 1)]
    inputs = keras.Input((224, 224, 3))
    x = conv_bn(inputs, 32, 3, 2)
    channels = 32
    for expand, kernel, stride, out, repeats in stages:
        for r in range(repeats):
            s = stride if r == 0 else 1
            y = conv_bn(x, channels * expand, 1, 1) if expand != 1 else x
            y = conv_bn(y, None, kernel, s, depthwise=True)
            y = conv_bn(y, out, 1, 1, relu=False)
            x = layers.Add()([x, y]) if s == 1 and channels == out else y
            channels = out
    x = conv_bn(x, 1280, 1, 1)
    return keras.Model(inputs, layers.GlobalAveragePooling2D()(x)), tf.__version__


def keras_backbone(args):
    import tensorflow as tf
    from tensorflow import keras
    if args.backbone == "mobilenetv2":
        model = keras.applications.MobileNetV2(input_shape=(224, 224, 3), weights=None, include_top=False,
                                               pooling="avg")
    else:
        model, _ = keras_efficientnet_lite0()
    # The same preprocessing the model needs, in the graph, so both sides start from uint8 frames.
    embed = lambda images: model.predict_on_batch(tf.cast(images, tf.float32) / 127.5 - 1.0)  # noqa: E731
    return {"backbone": args.backbone, "tensorflow": tf.__version__, "weights": "random (timing only)",
            "batches": throughput(embed, args.batches, args.frames, args.repeats)}


def sampled_indices(total, count):
    """Uniform over the whole video, like our sampler (short videos: every frame)."""
    if total <= count:
        return list(range(total))
    return sorted(set(np.linspace(0, total - 1, count).round().astype(int).tolist()))


def opencv_frames(path, count, decoder_threads=None):
    """The DFDC-winning recipe: grab() every frame (cheap, no conversion), retrieve() only sampled ones.
    decoder_threads: FFmpeg threads inside OpenCV (None: OpenCV's default, one per core)."""
    import cv2
    if decoder_threads is None:
        capture = cv2.VideoCapture(path)
    else:
        capture = cv2.VideoCapture(path, cv2.CAP_FFMPEG, [cv2.CAP_PROP_N_THREADS, decoder_threads])
    total = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    wanted = set(sampled_indices(total, count))
    frames = []
    for index in range(total):
        if not capture.grab():
            break
        if index in wanted:
            ok, frame = capture.retrieve()
            if ok:
                frame = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
                frames.append(cv2.resize(frame, (224, 224), interpolation=cv2.INTER_AREA))
    capture.release()
    return np.stack(frames), total


def opencv_sampler(args):
    """--concurrent 1: one video after another; N > 1: N videos at once in threads (OpenCV releases the GIL
    while decoding), one FFmpeg thread each, as our concurrent row runs."""
    import cv2
    from concurrent.futures import ThreadPoolExecutor
    decoded = [0]

    def one_pass():
        if args.concurrent <= 1:
            decoded[0] = sum(opencv_frames(clip, args.frames)[1] for clip in args.clips)
        else:
            with ThreadPoolExecutor(args.concurrent) as pool:
                decoded[0] = sum(total for _, total in pool.map(lambda c: opencv_frames(c, args.frames, 1), args.clips))
    times = timed_runs(args.repeats, one_pass, warmup=0)
    median = statistics.median(times)
    return {"opencv": cv2.__version__, "clips": len(args.clips), "frames": args.frames, "concurrent": args.concurrent,
            "secondsPerPass": times, "videosPerSecond": len(args.clips) / median,
            "decodedFramesPerSecond": decoded[0] / median}


def python_e2e(args):
    import cv2
    session, version = ort_session(os.path.join(args.onnx, f"{args.backbone}.onnx"), args.threads)

    def one_pass():
        for clip in args.clips:
            frames, _ = opencv_frames(clip, args.frames)
            session.run(None, {"images": frames})
    times = timed_runs(args.repeats, one_pass, warmup=0)
    return {"opencv": cv2.__version__, "onnxruntime": version, "clips": len(args.clips), "frames": args.frames,
            "secondsPerPass": times, "videosPerSecond": len(args.clips) / statistics.median(times)}


def keras_train(args):
    import tensorflow as tf
    from tensorflow import keras
    layers = keras.layers
    labels = np.fromfile(os.path.join(args.data, "labels.u8"), dtype=np.uint8)
    x = np.fromfile(os.path.join(args.data, "sequences.f32"), dtype="<f4").reshape(len(labels), args.sequence_frames, -1)
    # 70/15/15 like the project; only the sizes matter for timing. Standardised on the train part.
    train_count, validation_count = int(round(0.7 * len(labels))), int(round(0.15 * len(labels)))
    mean, std = x[:train_count].mean(axis=(0, 1)), x[:train_count].std(axis=(0, 1)) + 1e-6
    x = (x - mean) / std
    train = (x[:train_count], labels[:train_count].astype(np.float32))
    validation = (x[train_count:train_count + validation_count],
                  labels[train_count:train_count + validation_count].astype(np.float32))
    rows = []
    for batch in args.batches:
        keras.utils.set_random_seed(42)
        model = keras.Sequential([
            keras.Input((args.sequence_frames, x.shape[2])),
            layers.GRU(64, return_sequences=True), layers.GRU(32), layers.Dropout(0.5),
            layers.Dense(32, activation="relu"), layers.Dropout(0.5), layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy", metrics=["accuracy"])
        epoch_times = []

        class EpochTimer(keras.callbacks.Callback):
            def on_epoch_begin(self, epoch, logs=None):
                self.start = time.perf_counter()

            def on_epoch_end(self, epoch, logs=None):
                epoch_times.append(time.perf_counter() - self.start)
        # Epoch 0 traces the graph: it is reported apart and left out of the median.
        model.fit(train[0], train[1], batch_size=batch, epochs=args.epochs + 1, validation_data=validation,
                  shuffle=True, verbose=0, callbacks=[EpochTimer()])
        rows.append({"batchSize": batch, "firstEpochSeconds": epoch_times[0], "epochSeconds": epoch_times[1:],
                     "secondsPerEpoch": statistics.median(epoch_times[1:])})
        print(f"peers: keras batch {batch}: {rows[-1]['secondsPerEpoch']:.3f} s/epoch", file=sys.stderr)
    return {"tensorflow": tf.__version__, "trainVideos": train_count, "validationVideos": validation_count,
            "architecture": "GRU64(seq)-GRU32-Dropout.5-Dense32relu-Dropout.5-Dense1sigmoid", "batches": rows}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["gemm", "ort-backbone", "ort-check", "ort-layers", "keras-backbone",
                                            "opencv-sampler", "python-e2e", "keras-train"])
    parser.add_argument("--size", type=int, default=2048)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--backbone", default="mobilenetv2")
    parser.add_argument("--batches", type=lambda s: [int(v) for v in s.split(",")], default=[1, 16])
    parser.add_argument("--frames", type=int, default=64, help="frames per timed run (backbones); sampled frames (video)")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--concurrent", type=int, default=1, help="videos decoded at once (opencv-sampler)")
    parser.add_argument("--onnx", default="bench/work/onnx")
    parser.add_argument("--bench", help="ort-check: our bench binary, to compare our embedding too")
    parser.add_argument("--clips", type=lambda s: s.split(","), default=[])
    parser.add_argument("--data")
    parser.add_argument("--sequence-frames", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()
    commands = {"gemm": gemm, "ort-backbone": ort_backbone, "ort-check": ort_check, "ort-layers": ort_layers,
                "keras-backbone": keras_backbone,
                "opencv-sampler": opencv_sampler, "python-e2e": python_e2e, "keras-train": keras_train}
    print(json.dumps(commands[args.command](args)))


if __name__ == "__main__":
    main()
