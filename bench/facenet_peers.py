#!/usr/bin/env python3
"""The face rows' peers: facenet-pytorch's MTCNN, and the usual Python face pipeline around it.

Run with bench/work/venv-torch/bin/python (a venv over Debian's python3-torch, made by bench/setup-venv.sh);
each command prints one JSON object on stdout, like bench/peers.py. Torch runs on --threads threads (2:
this machine's cores), as do ONNX Runtime and OpenCV's decoder.

  mtcnn       MTCNN(keep_all=True).detect on raw rgb24 frames bench/run.py dumps (the frames `bench mtcnn` reads)
  face-e2e    per video: cv2.VideoCapture grab() every frame, retrieve() the sampled ones (BGR->RGB), a copy
              downscaled to the detection size (longer side <= 1280, as ours), MTCNN.detect on those copies,
              each frame's largest face (the last seen where a frame has none) mapped back to full resolution,
              a 1.3x square crop (FaceForensics++' get_boundingbox), cv2.resize to 224, ONNX Runtime MobileNetV2
              on the 32 crops at once. Seconds per stage are summed over the pass (where the time goes).
"""
import argparse
import importlib.util
import json
import os
import statistics
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
# bench/peers.py's helpers (ONNX Runtime session, sampled indices), loaded by path: the same code as the other rows.
_spec = importlib.util.spec_from_file_location("bench_peers", os.path.join(HERE, "peers.py"))
common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(common)


def detector(threads):
    import torch
    from facenet_pytorch import MTCNN
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    return MTCNN(keep_all=True, device="cpu"), torch.__version__


def mtcnn(args):
    model, torch_version = detector(args.threads)
    frame_bytes = args.width * args.height * 3
    raw = np.fromfile(args.frames_file, dtype=np.uint8)
    frames = raw.reshape(raw.size // frame_bytes, args.height, args.width, 3)
    found = [None]

    def detect():
        found[0], _ = model.detect(frames)
    times = common.timed_runs(args.repeats, detect)
    import facenet_pytorch
    return {"torch": torch_version, "facenetPytorch": getattr(facenet_pytorch, "__version__", "2.6.0"),
            "threads": args.threads, "width": args.width, "height": args.height, "frames": len(frames),
            "secondsPerRun": times, "framesPerSecond": len(frames) / statistics.median(times),
            "bestFramesPerSecond": len(frames) / min(times),
            "facesPerFrame": [0 if boxes is None else len(boxes) for boxes in found[0]]}


def detection_size(width, height, max_side=1280):
    """Ours (DetectionResolution): longer side at most max_side, aspect kept, rounded."""
    longer = max(width, height)
    if longer <= max_side:
        return width, height
    scale = max_side / longer
    return max(1, round(width * scale)), max(1, round(height * scale))


def face_square(box, scale, width, height):
    """FaceForensics++' get_boundingbox: side int(scale * max(w, h)) centred on the box, clipped to the frame."""
    x1, y1, x2, y2 = box
    size = int(max(x2 - x1, y2 - y1) * scale)
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    x1, y1 = max(int(cx - size // 2), 0), max(int(cy - size // 2), 0)
    size = min(width - x1, size, height - y1)
    return x1, y1, size


def face_e2e(args):
    import cv2
    model, torch_version = detector(args.threads)
    session, ort_version = common.ort_session(os.path.join(args.onnx, "mobilenetv2.onnx"), args.threads)
    stages = {"decode": 0.0, "downscale for detection": 0.0, "detect (MTCNN)": 0.0, "crop + resize to 224": 0.0,
              "embed (MobileNetV2)": 0.0}
    faces_found = [0, 0]

    def video(path):
        clock = time.perf_counter()
        capture = cv2.VideoCapture(path)
        total = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
        wanted = set(common.sampled_indices(total, args.frames))
        frames = []
        for index in range(total):
            if not capture.grab():
                break
            if index in wanted:
                ok, frame = capture.retrieve()
                if ok:
                    frames.append(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
        capture.release()
        now = time.perf_counter(); stages["decode"] += now - clock; clock = now
        height, width = frames[0].shape[:2]
        small_width, small_height = detection_size(width, height)
        small = np.stack([cv2.resize(f, (small_width, small_height), interpolation=cv2.INTER_AREA) for f in frames])
        now = time.perf_counter(); stages["downscale for detection"] += now - clock; clock = now
        boxes, _ = model.detect(small)
        now = time.perf_counter(); stages["detect (MTCNN)"] += now - clock; clock = now
        scale_x, scale_y = width / small_width, height / small_height
        largest = [None if b is None else max(b, key=lambda r: (r[2] - r[0]) * (r[3] - r[1])) for b in boxes]
        faces_found[0] += sum(b is not None for b in largest)
        faces_found[1] += len(largest)
        fallback = next((b for b in largest if b is not None), None)
        crops = []
        for frame, box in zip(frames, largest):
            box = fallback if box is None else box
            fallback = box
            if box is None:  # no face in the whole video: the whole frame
                crop = frame
            else:
                x, y, size = face_square((box[0] * scale_x, box[1] * scale_y, box[2] * scale_x, box[3] * scale_y),
                                         1.3, width, height)
                crop = frame[y:y + size, x:x + size]
            crops.append(cv2.resize(crop, (224, 224), interpolation=cv2.INTER_AREA))
        now = time.perf_counter(); stages["crop + resize to 224"] += now - clock; clock = now
        session.run(None, {"images": np.stack(crops)})
        stages["embed (MobileNetV2)"] += time.perf_counter() - clock

    video(args.clips[0])  # warm-up (torch and ORT first-call costs), not timed
    for key in stages:
        stages[key] = 0.0
    faces_found[:] = [0, 0]

    def one_pass():
        for clip in args.clips:
            video(clip)
    times = common.timed_runs(args.repeats, one_pass, warmup=0)
    videos = len(args.clips) * len(times)
    return {"opencv": cv2.__version__, "onnxruntime": ort_version, "torch": torch_version, "threads": args.threads,
            "clips": len(args.clips), "frames": args.frames, "secondsPerPass": times,
            "videosPerSecond": len(args.clips) / statistics.median(times),
            "stages": [{"name": k, "seconds": v / videos} for k, v in stages.items()],
            "framesWithFace": faces_found[0] / max(faces_found[1], 1)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["mtcnn", "face-e2e"])
    parser.add_argument("--frames-file")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=720)
    parser.add_argument("--clips", type=lambda s: s.split(","), default=[])
    parser.add_argument("--frames", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--onnx", default="bench/work/onnx")
    args = parser.parse_args()
    result = {"mtcnn": mtcnn, "face-e2e": face_e2e}[args.command](args)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
