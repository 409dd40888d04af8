#!/usr/bin/env python3
"""Builds ONNX graphs of our backbones with published weights in models/ (MobileNetV2, EfficientNet-Lite0/1/2)
from those .pth files, offline, and checks them.

The graphs compute exactly what the Swift `Backbone.embed` computes: uint8 RGB frames [N, S, S, 3]
(NHWC, as decoded) -> the network's input normalisation -> convolutions with batch norm folded in ->
global average pool -> embedding [N, 1280]. Each graph's MACs per frame (conv: output elements x in/groups
x kh x kw) go to <out>/<name>.json, as bench/export_backbones.py writes them for the torchvision nets. Weights are read with the project's own torch-free pickle
reader (scripts/reference/backbone_reference.py); graphs are written with onnx.helper.

The check runs ONNX Runtime on the squirrel photo and compares its embedding with the float64 numpy
reference (the fixture the Swift tests use) and, when --bench is given, with the Swift backbone itself,
so the ONNX Runtime timings in `make bench` are for the same function as ours.

usage: build_onnx.py --models models --out bench/work/onnx [--bench .build/release/bench]
"""
import argparse
import functools
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

    def model(self, x_name, y, name, size=224, dimension=1280):
        pooled = self.node("GlobalAveragePool", [y], "pool")
        self.nodes.append(helper.make_node("Flatten", [pooled], ["embedding"], axis=1))
        graph = helper.make_graph(
            self.nodes, name,
            [helper.make_tensor_value_info(x_name, TensorProto.UINT8, ["N", size, size, 3])],
            [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["N", dimension])],
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


def lite_stages(depth):
    """Lite0's stage table with the repeats scaled by the variant's depth multiplier (rounded up), the first and
    last stage kept at one block, as the Lite builder does. Channels are read from the weights instead."""
    last = len(ref.EFFICIENTNET_LITE0_STAGES) - 1
    return [(e, k, s, c, n if i in (0, last) else int(np.ceil(n * depth)))
            for i, (e, k, s, c, n) in enumerate(ref.EFFICIENTNET_LITE0_STAGES)]


def efficientnet_lite(sd, depth=1.0, input_size=224, name="efficientnet-lite0"):
    g, eps = GraphBuilder(), 1e-3
    x = g.normalise("images", np.full(3, 127.0), np.full(3, 1.0 / 128.0))
    size = input_size
    x = g.conv_bn(x, sd, "_conv_stem.weight", "_bn0", eps, 2, ref.tf_same(size, 3, 2))
    size = -(-size // 2)
    index, channels = 0, 32
    for e, k, s, _, n in lite_stages(depth):
        for r in range(n):
            stride = s if r == 0 else 1
            p = f"_blocks.{index}."
            c = sd[p + "_project_conv.weight"].shape[0]  # width-scaled variants round their channels
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
    return g.model("images", x, name, input_size, sd["_conv_head.weight"].shape[0])


# name -> (published file in models/, graph builder, input size); the Lite variants scale depth (and width, which
# the weights' shapes carry) with the registry's input size.
NETS = {"mobilenetv2": ("mobilenet_v2-b0353104.pth", mobilenet_v2, 224),
        "efficientnet-lite0": ("efficientnet-lite0-57934424.pth", efficientnet_lite, 224),
        "efficientnet-lite1": ("efficientnet-lite1-77cc7160.pth",
                               functools.partial(efficientnet_lite, depth=1.1, input_size=240,
                                                 name="efficientnet-lite1"), 240),
        "efficientnet-lite2": ("efficientnet-lite2-9656183e.pth",
                               functools.partial(efficientnet_lite, depth=1.2, input_size=260,
                                                 name="efficientnet-lite2"), 260)}


def count_macs(model):
    """Multiply-accumulates per frame of every Conv (output elements x in/groups x kh x kw), from ONNX's own
    shape inference with the batch axis taken as 1; elementwise work is left out, as export_backbones.py does."""
    inferred = onnx.shape_inference.infer_shapes(model)
    values = [*inferred.graph.value_info, *inferred.graph.output, *inferred.graph.input]
    shapes = {v.name: [d.dim_value if d.HasField("dim_value") else 1 for d in v.type.tensor_type.shape.dim]
              for v in values}
    weights = {tensor.name: list(tensor.dims) for tensor in model.graph.initializer}
    return sum(int(np.prod(shapes[node.output[0]])) * int(np.prod(weights[node.input[1]][1:]))
               for node in inferred.graph.node if node.op_type == "Conv")


def write_summary(name, model, size, out):
    dimension = model.graph.output[0].type.tensor_type.shape.dim[1].dim_value
    macs = count_macs(model)
    with open(os.path.join(out, f"{name}.json"), "w") as f:
        json.dump({"backbone": name, "inputSize": size, "embeddingDimension": dimension, "macs": macs,
                   "gmacs": macs / 1e9, "weights": None, "source": "bench/build_onnx.py, published weights"}, f,
                  indent=1)


def check(name, path, bench, models, work, size):
    """ONNX Runtime embedding of the squirrel photo vs the numpy reference fixture and our Swift backbone."""
    import onnxruntime as ort
    rgb = ref.decode_photo(PHOTO, size).astype(np.uint8)
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    ours_onnx = session.run(None, {"images": rgb[None]})[0][0].astype(np.float64)
    report = {"backbone": name}
    fixture = os.path.join(ROOT, "Tests", "ExtractTests", "Fixtures", f"{name}_squirrel_embedding.f32")
    if os.path.exists(fixture):
        reference = np.fromfile(fixture, dtype="<f4").astype(np.float64)
        report["max_abs_diff_vs_numpy_reference"] = float(np.abs(ours_onnx - reference).max())
    if bench:
        raw = os.path.join(work, f"squirrel_{size}.rgb")
        rgb.tofile(raw)
        out = subprocess.run([bench, "embed-check", "--backbone", name, "--models", models, "--image", raw],
                             check=True, capture_output=True, text=True).stdout
        swift = np.array(json.loads(out)["embedding"], dtype=np.float64)
        report["max_abs_diff_vs_swift"] = float(np.abs(ours_onnx - swift).max())
    report["embedding_max_abs"] = float(np.abs(ours_onnx).max())
    diffs = [v for k, v in report.items() if k.startswith("max_abs_diff")]
    # float32 through ~50 layers: 1e-3 of the embedding's scale is a different function, not rounding.
    # Nothing to compare with (no fixture, no --bench) proves nothing, so it does not pass either.
    report["same_function"] = bool(diffs) and max(diffs) <= 1e-3 * max(report["embedding_max_abs"], 1.0)
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", default="models")
    parser.add_argument("--out", default="bench/work/onnx")
    parser.add_argument("--bench", help="path of the Swift bench binary, to compare against our embedding too")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    reports = []
    for name, (file, build, size) in NETS.items():
        path = os.path.join(args.out, f"{name}.onnx")
        weights = os.path.join(args.models, file)
        if not os.path.exists(weights):
            sys.exit(f"build_onnx: {weights} is missing: run `make setup` (fetches the weights)")
        summary = os.path.join(args.out, f"{name}.json")
        if not (os.path.exists(path) and os.path.exists(summary)) or os.path.getmtime(path) < os.path.getmtime(__file__):
            model = build(ref.load_legacy_pth(weights))
            onnx.save(model, path)
            write_summary(name, model, size, args.out)
        reports.append(check(name, path, args.bench, args.models, args.out, size))
    print(json.dumps(reports))
    if not all(r["same_function"] for r in reports):
        sys.exit("build_onnx: the ONNX graph and our backbone disagree (see the max_abs_diff values above)")


if __name__ == "__main__":
    main()
