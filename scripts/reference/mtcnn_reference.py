#!/usr/bin/env python3
"""facenet-pytorch 2.6.0's MTCNN on real photos: the reference the Swift MTCNN is tested against.

Every image is decoded (and scaled, cropped or flipped) by the ffmpeg CLI to packed rgb24, exactly as the
Swift test rebuilds it, so both sides see the same bytes; composites are side-by-side stacks of such images.
For each image it writes Tests/ExtractTests/Fixtures/mtcnn/<name>.json: how the image is made, its size and
the SHA-256 of its RGB bytes, and facenet-pytorch's `MTCNN(keep_all=True).detect(img, landmarks=True)`
(boxes x1 y1 x2 y2, probabilities, 5 landmarks as x y). networks.json holds the raw P-Net, R-Net and O-Net
outputs for a deterministic input (value of NHWC element i: ((i * 7919) % 256 - 127.5) / 128).

Needs torch + torchvision (Debian: python3-torch python3-torchvision) and facenet-pytorch==2.6.0
(pip install --no-deps facenet-pytorch==2.6.0 tqdm requests in a venv with system site packages).

usage: mtcnn_reference.py OUT_DIR [--bench]
  --bench: also time detect() on a 1280x720 frame, 2 torch threads, and print frames/s.
"""
import hashlib
import json
import os
import subprocess
import sys
import time

import numpy as np
import torch
from facenet_pytorch import MTCNN

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
# Where `make setup` (scripts/fetch-weights.sh) puts the scikit-image photos, and Debian's opencv-doc photos.
DIRECTORIES = {
    "test-media": os.path.join(ROOT, "models", "test-media"),
    "opencv-doc": "/usr/share/doc/opencv-doc/examples/data",
}

# name -> parts stacked left to right; each part: (directory, file, ffmpeg filter or None).
IMAGES = {
    "astronaut": [("test-media", "astronaut.png", None)],
    "camera": [("test-media", "camera.png", None)],
    "messi5": [("opencv-doc", "messi5.jpg", None)],
    "astronaut-pair": [("test-media", "astronaut.png", None), ("test-media", "astronaut.png", "hflip")],
    "messi5-downscaled": [("opencv-doc", "messi5.jpg", "scale=366:228")],
    "astronaut-small": [("test-media", "astronaut.png", "scale=160:160")],
    "frame-720p": [("test-media", "astronaut.png", "scale=640:720"), ("test-media", "astronaut.png", "hflip,scale=640:720")],
    "fruits-no-face": [("opencv-doc", "fruits.jpg", None)],
    "building-no-face": [("opencv-doc", "building.jpg", "crop=320:240:0:0")],
}


def probe_size(path, video_filter):
    """Width and height of the ffmpeg output (one decoded frame to rgb24, counted)."""
    args = ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height",
            "-of", "csv=p=0", path]
    width, height = map(int, subprocess.run(args, check=True, capture_output=True, text=True).stdout.split(","))
    if video_filter is None:
        return width, height
    # Let ffmpeg itself say what its filter makes: decode once and read the frame size from the byte count
    # is ambiguous, so run the filter through ffprobe's lavfi input instead.
    args = ["ffprobe", "-v", "error", "-f", "lavfi", "-i", f"movie={path},{video_filter}",
            "-show_entries", "stream=width,height", "-of", "csv=p=0"]
    width, height = map(int, subprocess.run(args, check=True, capture_output=True, text=True).stdout.split(","))
    return width, height


def decode(path, video_filter):
    """The same command the Swift test runs: ffmpeg -v error -i PATH [-vf FILTER] -pix_fmt rgb24 -f rawvideo -"""
    width, height = probe_size(path, video_filter)
    args = ["ffmpeg", "-v", "error", "-i", path]
    if video_filter is not None:
        args += ["-vf", video_filter]
    args += ["-pix_fmt", "rgb24", "-f", "rawvideo", "-"]
    data = subprocess.run(args, check=True, capture_output=True).stdout
    assert len(data) == width * height * 3, (path, video_filter, len(data), width, height)
    return np.frombuffer(data, dtype=np.uint8).reshape(height, width, 3)


def build(parts):
    images = [decode(os.path.join(DIRECTORIES[d], f), vf) for d, f, vf in parts]
    return np.ascontiguousarray(np.concatenate(images, axis=1))


def detect(mtcnn, image):
    boxes, probs, points = mtcnn.detect(image, landmarks=True)
    if boxes is None:
        return []
    return [{"box": [float(v) for v in box], "probability": float(p),
             "landmarks": [[float(x), float(y)] for x, y in pts]}
            for box, p, pts in zip(boxes, probs, points)]


def deterministic_input(n, h, w):
    """NHWC values ((i * 7919) % 256 - 127.5) / 128, exact in float32, returned as an NCHW tensor."""
    i = np.arange(n * h * w * 3, dtype=np.int64)
    values = (((i * 7919) % 256).astype(np.float64) - 127.5) / 128
    return torch.from_numpy(values.astype(np.float32).reshape(n, h, w, 3)).permute(0, 3, 1, 2).contiguous()


def network_outputs(mtcnn):
    """Raw outputs in torch's layouts (NCHW for P-Net maps), flattened row-major."""
    flat = lambda t: [float(v) for v in t.detach().numpy().reshape(-1)]
    with torch.no_grad():
        reg, prob = mtcnn.pnet(deterministic_input(1, 24, 31))
        pnet = {"input": [1, 24, 31], "regression": flat(reg), "regression_shape": list(reg.shape),
                "probability": flat(prob), "probability_shape": list(prob.shape)}
        reg, prob = mtcnn.rnet(deterministic_input(2, 24, 24))
        rnet = {"input": [2, 24, 24], "regression": flat(reg), "probability": flat(prob)}
        reg, landmarks, prob = mtcnn.onet(deterministic_input(2, 48, 48))
        onet = {"input": [2, 48, 48], "regression": flat(reg), "landmarks": flat(landmarks),
                "probability": flat(prob)}
    return {"formula": "NHWC element i: ((i * 7919) % 256 - 127.5) / 128", "pnet": pnet, "rnet": rnet, "onet": onet}


def bench(mtcnn):
    torch.set_num_threads(2)
    image = build(IMAGES["frame-720p"])
    assert image.shape == (720, 1280, 3)
    for _ in range(2):
        mtcnn.detect(image)
    times = []
    for _ in range(7):
        start = time.perf_counter()
        mtcnn.detect(image)
        times.append(time.perf_counter() - start)
    times.sort()
    print(f"facenet-pytorch {1 / times[0]:.2f} frames/s best, {1 / times[3]:.2f} median, 1280x720, "
          f"torch {torch.__version__}, {torch.get_num_threads()} threads")


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    mtcnn = MTCNN(keep_all=True)
    if "--bench" in sys.argv:
        bench(mtcnn)
        return
    for name, parts in IMAGES.items():
        image = build(parts)
        faces = detect(mtcnn, image)
        record = {
            "name": name,
            "parts": [{"directory": d, "file": f, "filter": vf} for d, f, vf in parts],
            "composition": "parts decoded by ffmpeg to rgb24 and stacked left to right",
            "width": image.shape[1], "height": image.shape[0],
            "rgb_sha256": hashlib.sha256(image.tobytes()).hexdigest(),
            "faces": faces,
        }
        with open(os.path.join(out, f"{name}.json"), "w") as f:
            json.dump(record, f, indent=1)
        print(f"{name}: {image.shape[1]}x{image.shape[0]}, {len(faces)} faces "
              + ", ".join(f"{face['probability']:.4f}" for face in faces))
    with open(os.path.join(out, "networks.json"), "w") as f:
        json.dump(network_outputs(mtcnn), f)
    print(f"facenet-pytorch MTCNN, torch {torch.__version__}, "
          + subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True).stdout.split("\n")[0])


if __name__ == "__main__":
    main()
