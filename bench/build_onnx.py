#!/usr/bin/env python3
"""Builds ONNX graphs of our two backbones from the .pth files in models/, offline, and checks them.

The graphs compute exactly what the Swift `Backbone.embed` computes: uint8 RGB frames [N, 224, 224, 3]
(NHWC, as decoded) -> the network's input normalisation -> convolutions with batch norm folded in ->
global average pool -> embedding [N, 1280]. Weights are read with the project's own torch-free pickle
reader (scripts/reference/backbone_reference.py); graphs are written with onnx.helper.

The check runs ONNX Runtime on the squirrel photo and compares its embedding with the float64 numpy
reference (the fixture the Swift tests use) and, when --bench is given, with the Swift backbone itself,
so the ONNX Runtime timings in `make bench` are for the same function as ours.

usage: build_onnx.py --models models --out bench/work/onnx [--bench .build/release/bench]
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts", "reference"))
import backbone_reference as ref  # noqa: E402  (torch-free .pth reader, architecture tables, numpy nets)

import onnx  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

OPSET = 13
PHOTO = "/usr/share/doc/opencv-doc/examples/data/squirrel_cls.jpg"


class GraphBuilder:
    """Accumulates nodes and float32 initializers; names are generated so every layer is one call."""

    def __init__(self):
        self.nodes, self.initializers, self.count = [], [], 0

    def name(self, hint):
        self.count += 1
        return f"{hint}_{self.count}"

    def constant(self, array, hint):
        name = self.name(hint)
        self.initializers.append(numpy_helper.from_array(np.asarray(array, dtype=np.float32), name))
        return name

    def node(self, op, inputs, hint, **attributes):
        out = self.name(hint)
        self.nodes.append(helper.make_node(op, inputs, [out], **attributes))
        return out

    def conv_bn(self, x, sd, weight, bn, eps, stride, pads, groups=1, relu6=True):
        """Conv with batch norm folded: W' = W * g/sqrt(v+eps), b' = beta - mean * g/sqrt(v+eps)."""
        w = sd[weight]
        scale = sd[bn + ".weight"] / np.sqrt(sd[bn + ".running_var"] + eps)
        folded = w * scale[:, None, None, None]
        bias = sd[bn + ".bias"] - sd[bn + ".running_mean"] * scale
        top, bottom, left, right = pads
        y = self.node("Conv", [x, self.constant(folded, "w"), self.constant(bias, "b")], "conv",
                      kernel_shape=list(w.shape[2:]), strides=[stride, stride], pads=[top, left, bottom, right],
                      group=groups)
        if relu6:
            y = self.node("Clip", [y, self.constant(0.0, "lo"), self.constant(6.0, "hi")], "relu6")
        return y

    def normalise(self, x, offset, scale):
        """uint8 NHWC -> float NCHW (x - offset) * scale, per channel."""
        x = self.node("Cast", [x], "cast", to=TensorProto.FLOAT)
        x = self.node("Transpose", [x], "nchw", perm=[0, 3, 1, 2])
        x = self.node("Sub", [x, self.constant(np.reshape(offset, (1, 3, 1, 1)), "offset")], "sub")
        return self.node("Mul", [x, self.constant(np.reshape(scale, (1, 3, 1, 1)), "scale")], "mul")

    def model(self, x_name, y, name):
        pooled = self.node("GlobalAveragePool", [y], "pool")
        self.nodes.append(helper.make_node("Flatten", [pooled], ["embedding"], axis=1))
        graph = helper.make_graph(
            self.nodes, name,
            [helper.make_tensor_value_info(x_name, TensorProto.UINT8, ["N", 224, 224, 3])],
            [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["N", 1280])],
            self.initializers)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="bench/build_onnx.py")
        model.ir_version = min(model.ir_version, 8)  # readable by older ONNX Runtime builds too
        onnx.checker.check_model(model)
        return model


def mobilenet_v2(sd):
    g, eps = GraphBuilder(), 1e-5
    mean, std = np.array([0.485, 0.456, 0.406]), np.array([0.229, 0.224, 0.225])
    x = g.normalise("images", 255.0 * mean, 1.0 / (255.0 * std))
    x = g.conv_bn(x, sd, "features.0.0.weight", "features.0.1", eps, 2, ref.symmetric(3))
    index, channels = 1, 32
    for t, c, n, s in ref.MOBILENET_V2_SETTINGS:
        for r in range(n):
            stride = s if r == 0 else 1
            p = f"features.{index}.conv."
            y, layer = x, 0
            if t != 1:
                y = g.conv_bn(y, sd, p + "0.0.weight", p + "0.1", eps, 1, (0, 0, 0, 0))
                layer = 1
            hidden = sd[p + f"{layer}.0.weight"].shape[0]
            y = g.conv_bn(y, sd, p + f"{layer}.0.weight", p + f"{layer}.1", eps, stride, ref.symmetric(3), groups=hidden)
            y = g.conv_bn(y, sd, p + f"{layer + 1}.weight", p + f"{layer + 2}", eps, 1, (0, 0, 0, 0), relu6=False)
            x = g.node("Add", [x, y], "residual") if stride == 1 and channels == c else y
            channels, index = c, index + 1
    x = g.conv_bn(x, sd, "features.18.0.weight", "features.18.1", eps, 1, (0, 0, 0, 0))
    return g.model("images", x, "mobilenetv2")


def efficientnet_lite0(sd):
    g, eps = GraphBuilder(), 1e-3
    x = g.normalise("images", np.full(3, 127.0), np.full(3, 1.0 / 128.0))
    size = 224
    x = g.conv_bn(x, sd, "_conv_stem.weight", "_bn0", eps, 2, ref.tf_same(size, 3, 2))
    size = -(-size // 2)
    index, channels = 0, 32
    for e, k, s, c, n in ref.EFFICIENTNET_LITE0_STAGES:
        for r in range(n):
            stride = s if r == 0 else 1
            p = f"_blocks.{index}."
            y = x
            if e != 1:
                y = g.conv_bn(y, sd, p + "_expand_conv.weight", p + "_bn0", eps, 1, (0, 0, 0, 0))
            hidden = sd[p + "_depthwise_conv.weight"].shape[0]
            y = g.conv_bn(y, sd, p + "_depthwise_conv.weight", p + "_bn1", eps, stride, ref.tf_same(size, k, stride),
                          groups=hidden)
            size = -(-size // stride)
            y = g.conv_bn(y, sd, p + "_project_conv.weight", p + "_bn2", eps, 1, (0, 0, 0, 0), relu6=False)
            x = g.node("Add", [x, y], "residual") if stride == 1 and channels == c else y
            channels, index = c, index + 1
    x = g.conv_bn(x, sd, "_conv_head.weight", "_bn1", eps, 1, (0, 0, 0, 0))
    return g.model("images", x, "efficientnet-lite0")


NETS = {"mobilenetv2": ("mobilenet_v2-b0353104.pth", mobilenet_v2),
        "efficientnet-lite0": ("efficientnet-lite0-57934424.pth", efficientnet_lite0)}


def check(name, path, bench, models, work):
    """ONNX Runtime embedding of the squirrel photo vs the numpy reference fixture and our Swift backbone."""
    import onnxruntime as ort
    rgb = ref.decode_photo(PHOTO).astype(np.uint8)
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    ours_onnx = session.run(None, {"images": rgb[None]})[0][0].astype(np.float64)
    report = {"backbone": name}
    fixture = os.path.join(ROOT, "Tests", "ExtractTests", "Fixtures", f"{name}_squirrel_embedding.f32")
    if os.path.exists(fixture):
        reference = np.fromfile(fixture, dtype="<f4").astype(np.float64)
        report["max_abs_diff_vs_numpy_reference"] = float(np.abs(ours_onnx - reference).max())
    if bench:
        raw = os.path.join(work, "squirrel_224.rgb")
        rgb.tofile(raw)
        out = subprocess.run([bench, "embed-check", "--backbone", name, "--models", models, "--image", raw],
                             check=True, capture_output=True, text=True).stdout
        swift = np.array(json.loads(out)["embedding"], dtype=np.float64)
        report["max_abs_diff_vs_swift"] = float(np.abs(ours_onnx - swift).max())
    report["embedding_max_abs"] = float(np.abs(ours_onnx).max())
    worst = max(v for k, v in report.items() if k.startswith("max_abs_diff"))
    # float32 through ~50 layers: 1e-3 of the embedding's scale is a different function, not rounding.
    report["same_function"] = bool(worst <= 1e-3 * max(report["embedding_max_abs"], 1.0))
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", default="models")
    parser.add_argument("--out", default="bench/work/onnx")
    parser.add_argument("--bench", help="path of the Swift bench binary, to compare against our embedding too")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    reports = []
    for name, (file, build) in NETS.items():
        path = os.path.join(args.out, f"{name}.onnx")
        weights = os.path.join(args.models, file)
        if not os.path.exists(weights):
            sys.exit(f"build_onnx: {weights} is missing: run `make setup` (fetches the weights)")
        if not os.path.exists(path) or os.path.getmtime(path) < os.path.getmtime(__file__):
            onnx.save(build(ref.load_legacy_pth(weights)), path)
        reports.append(check(name, path, args.bench, args.models, args.out))
    print(json.dumps(reports))
    if not all(r["same_function"] for r in reports):
        sys.exit("build_onnx: the ONNX graph and our backbone disagree (see the max_abs_diff values above)")


if __name__ == "__main__":
    main()
