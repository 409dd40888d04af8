#!/usr/bin/env python3
"""Independent numpy reference for the Swift backbones (MobileNetV2, EfficientNet-Lite0).

Reads the legacy (non-zip) PyTorch .pth pickles itself, runs each net in float64 with
batch norm applied explicitly (not folded) and its own convolution code, and writes the
1280-d pooled embedding plus the top-5 logits of one photo as little-endian float32/int32
fixtures for Tests/ExtractTests/Fixtures/.

usage: backbone_reference.py MODELS_DIR PHOTO OUT_DIR
"""
import json
import pickle
import struct
import subprocess
import sys

import numpy as np

# ---------------------------------------------------------------- legacy .pth reader

STORAGE_DTYPES = {"FloatStorage": np.float32, "LongStorage": np.int64,
                  "DoubleStorage": np.float64, "IntStorage": np.int32}


class _LazyTensor:
    def __init__(self, storage_key, dtype, offset, size, stride):
        self.storage_key, self.dtype = storage_key, dtype
        self.offset, self.size, self.stride = offset, tuple(size), tuple(stride)


class _LegacyUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if module == "torch._utils" and name == "_rebuild_tensor_v2":
            return lambda storage, offset, size, stride, *rest: _LazyTensor(
                storage[0], storage[1], offset, size, stride)
        if module == "collections" and name == "OrderedDict":
            import collections
            return collections.OrderedDict
        if module == "torch" and name in STORAGE_DTYPES:
            return STORAGE_DTYPES[name]
        raise pickle.UnpicklingError(f"unexpected global {module}.{name}")

    def persistent_load(self, pid):
        # ('storage', dtype, key, location, element count[, view metadata])
        assert pid[0] == "storage", pid
        return (pid[2], pid[1])


def load_legacy_pth(path):
    with open(path, "rb") as f:
        magic = pickle.load(f)
        assert magic == 0x1950A86A20F9469CFC6C, "not a legacy torch file"
        pickle.load(f)  # protocol version
        pickle.load(f)  # sys info
        lazy = _LegacyUnpickler(f).load()
        keys = pickle.load(f)
        storages = {}
        for key in keys:
            (count,) = struct.unpack("<q", f.read(8))
            dtype = next(t.dtype for t in lazy.values() if t.storage_key == key)
            storages[key] = np.frombuffer(f.read(count * np.dtype(dtype).itemsize), dtype=dtype)
    tensors = {}
    for name, t in lazy.items():
        flat = storages[t.storage_key]
        itemsize = flat.itemsize
        view = np.lib.stride_tricks.as_strided(
            flat[t.offset:], shape=t.size, strides=[s * itemsize for s in t.stride])
        tensors[name] = np.array(view, dtype=np.float64 if t.dtype == np.float32 else t.dtype)
    return tensors

# ---------------------------------------------------------------- layers (NCHW, float64)


def conv2d(x, w, stride, pads, groups=1):
    """x [C, H, W], w [O, C/groups, kh, kw], pads (top, bottom, left, right) -> [O, Ho, Wo]."""
    top, bottom, left, right = pads
    x = np.pad(x, ((0, 0), (top, bottom), (left, right)))
    c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    ho, wo = (h - kh) // stride + 1, (wd - kw) // stride + 1
    og = o // groups
    out = np.zeros((o, ho, wo))
    for g in range(groups):
        xs = x[g * cg:(g + 1) * cg]
        ws = w[g * og:(g + 1) * og]
        for i in range(kh):
            for j in range(kw):
                patch = xs[:, i:i + stride * (ho - 1) + 1:stride, j:j + stride * (wo - 1) + 1:stride]
                out[g * og:(g + 1) * og] += np.einsum("oc,chw->ohw", ws[:, :, i, j], patch)
    return out


def depthwise(x, w, stride, pads):
    """x [C, H, W], w [C, 1, kh, kw]: each channel convolved with its own filter."""
    top, bottom, left, right = pads
    x = np.pad(x, ((0, 0), (top, bottom), (left, right)))
    c, h, wd = x.shape
    kh, kw = w.shape[2:]
    ho, wo = (h - kh) // stride + 1, (wd - kw) // stride + 1
    out = np.zeros((c, ho, wo))
    for i in range(kh):
        for j in range(kw):
            out += w[:, 0, i, j][:, None, None] * x[:, i:i + stride * (ho - 1) + 1:stride,
                                                     j:j + stride * (wo - 1) + 1:stride]
    return out


def batch_norm(x, sd, prefix, eps):
    scale = sd[prefix + ".weight"] / np.sqrt(sd[prefix + ".running_var"] + eps)
    return (x - sd[prefix + ".running_mean"][:, None, None]) * scale[:, None, None] \
        + sd[prefix + ".bias"][:, None, None]


def relu6(x):
    return np.clip(x, 0.0, 6.0)


def symmetric(k):
    return (k // 2,) * 4


def tf_same(size, k, stride):
    """TensorFlow 'SAME': output ceil(size/stride), extra padding goes bottom/right."""
    out = -(-size // stride)
    total = max((out - 1) * stride + k - size, 0)
    return (total // 2, total - total // 2, total // 2, total - total // 2)

# ---------------------------------------------------------------- MobileNetV2 (torchvision)


MOBILENET_V2_SETTINGS = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
                         (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]


def mobilenet_v2(sd, rgb):
    eps = 1e-5
    mean = np.array([0.485, 0.456, 0.406])[:, None, None]
    std = np.array([0.229, 0.224, 0.225])[:, None, None]
    x = (rgb.transpose(2, 0, 1) / 255.0 - mean) / std
    x = relu6(batch_norm(conv2d(x, sd["features.0.0.weight"], 2, symmetric(3)), sd, "features.0.1", eps))
    index, channels = 1, 32
    for t, c, n, s in MOBILENET_V2_SETTINGS:
        for r in range(n):
            stride = s if r == 0 else 1
            p = f"features.{index}.conv."
            y, layer = x, 0
            if t != 1:
                y = relu6(batch_norm(conv2d(y, sd[p + "0.0.weight"], 1, (0, 0, 0, 0)), sd, p + "0.1", eps))
                layer = 1
            y = relu6(batch_norm(depthwise(y, sd[p + f"{layer}.0.weight"], stride, symmetric(3)),
                                 sd, p + f"{layer}.1", eps))
            y = batch_norm(conv2d(y, sd[p + f"{layer + 1}.weight"], 1, (0, 0, 0, 0)), sd, p + f"{layer + 2}", eps)
            x = x + y if stride == 1 and channels == c else y
            channels, index = c, index + 1
    x = relu6(batch_norm(conv2d(x, sd["features.18.0.weight"], 1, (0, 0, 0, 0)), sd, "features.18.1", eps))
    embedding = x.mean(axis=(1, 2))
    logits = sd["classifier.1.weight"] @ embedding + sd["classifier.1.bias"]
    return embedding, logits

# ---------------------------------------------------------------- EfficientNet-Lite0 (TF port)


# (expand ratio, kernel, stride, output channels, repeats) from the TF lite builder
EFFICIENTNET_LITE0_STAGES = [(1, 3, 1, 16, 1), (6, 3, 2, 24, 2), (6, 5, 2, 40, 2), (6, 3, 2, 80, 3),
                             (6, 5, 1, 112, 3), (6, 5, 2, 192, 4), (6, 3, 1, 320, 1)]


def efficientnet_lite0(sd, rgb):
    eps = 1e-3
    x = (rgb.transpose(2, 0, 1) - 127.0) / 128.0
    x = relu6(batch_norm(conv2d(x, sd["_conv_stem.weight"], 2, tf_same(x.shape[1], 3, 2)), sd, "_bn0", eps))
    index, channels = 0, 32
    for e, k, s, c, n in EFFICIENTNET_LITE0_STAGES:
        for r in range(n):
            stride = s if r == 0 else 1
            p = f"_blocks.{index}."
            y = x
            if e != 1:
                y = relu6(batch_norm(conv2d(y, sd[p + "_expand_conv.weight"], 1, (0, 0, 0, 0)), sd, p + "_bn0", eps))
            y = relu6(batch_norm(depthwise(y, sd[p + "_depthwise_conv.weight"], stride,
                                           tf_same(y.shape[1], k, stride)), sd, p + "_bn1", eps))
            y = batch_norm(conv2d(y, sd[p + "_project_conv.weight"], 1, (0, 0, 0, 0)), sd, p + "_bn2", eps)
            x = x + y if stride == 1 and channels == c else y
            channels, index = c, index + 1
    x = relu6(batch_norm(conv2d(x, sd["_conv_head.weight"], 1, (0, 0, 0, 0)), sd, "_bn1", eps))
    embedding = x.mean(axis=(1, 2))
    logits = sd["_fc.weight"] @ embedding + sd["_fc.bias"]
    return embedding, logits

# ---------------------------------------------------------------- main


def decode_photo(path, size=224):
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-vf", f"scale={size}:{size}",
                          "-pix_fmt", "rgb24", "-f", "rawvideo", "-"], check=True, capture_output=True).stdout
    return np.frombuffer(raw, dtype=np.uint8).reshape(size, size, 3).astype(np.float64)


def main():
    models_dir, photo, out_dir = sys.argv[1:4]
    rgb = decode_photo(photo)
    nets = [("mobilenetv2", "mobilenet_v2-b0353104.pth", mobilenet_v2),
            ("efficientnet-lite0", "efficientnet-lite0-57934424.pth", efficientnet_lite0)]
    summary = {}
    for name, file, net in nets:
        embedding, logits = net(load_legacy_pth(f"{models_dir}/{file}"), rgb)
        top5 = np.argsort(-logits)[:5]
        embedding.astype("<f4").tofile(f"{out_dir}/{name}_squirrel_embedding.f32")
        np.stack([top5.astype("<f4"), logits[top5].astype("<f4")]).astype("<f4").tofile(
            f"{out_dir}/{name}_squirrel_top5.f32")
        summary[name] = {"top5": top5.tolist(), "logits": logits[top5].round(4).tolist(),
                         "embedding_max_abs": float(np.abs(embedding).max())}
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
