#!/usr/bin/env python3
"""Exports the torchvision / timm backbones as ONNX graphs of what our `Backbone.embed` computes, with seeded
random weights (their published weights cannot be downloaded everywhere the bench runs; pixel values and
weights do not change the work a CNN does, so random weights time the same function).

For each backbone NAME (the models and the weight filler are scripts/reference/backbone_random_reference.py's,
so the bench, the reference fixtures and the Swift tests all use the same random weights), writes into OUT:

  weights/NAME-random.pth   (--weights-out) the seeded state dict in the published key layout, written by the
                            reference script itself (make_reference, its --save-checkpoint), for
                            `bench backbone --backbone NAME --weights ...` (our side of the timing)
  reference/NAME.*          that script's manifest and embeddings; the exported graph must agree with them
  NAME.onnx                 uint8 RGB frames [N, S, S, 3] -> float -> the backbone's normalisation -> network
                            -> global average pooled embedding [N, D]; dynamic batch axis, opset 13
  NAME.json                 input size, embedding length, MACs per frame (forward hooks: conv = output elements
                            x in/groups x kh x kw, linear = in x out; elementwise ops ignored), file names
  NAME.photo.rgb            squirrel_cls.jpg decoded to S x S RGB24 (as the Swift tests decode it)
  NAME.torch.f32            torch's embedding of that photo through the same uint8 -> embedding function

The ONNX Runtime side of the check (ORT's embedding of the photo against torch's and ours) runs in bench/.venv:
`peers.py ort-check`. Run this with bench/work/venv-torch/bin/python (Debian's torch 1.13 + torchvision 0.14,
timm==0.9.16 for xception; bench/setup-venv.sh makes it). Up-to-date outputs are left alone (--force redoes).

usage: export_backbones.py [--only NAME ...] [--out bench/work/onnx] [--weights-out bench/work/weights] [--force]
Prints one JSON object: {"exported": {NAME: json path}, "skipped": {NAME: why}}.
"""
import argparse
import contextlib
import functools
import json
import os
import sys

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REFERENCE_DIR = os.path.join(ROOT, "scripts", "reference")
sys.path.insert(0, REFERENCE_DIR)
try:
    import backbone_random_reference as reference  # noqa: E402  (model table, seeded filler, photo decoding)
except ImportError as error:
    sys.exit(f"export_backbones: scripts/reference/backbone_random_reference.py is not importable ({error}); "
             "it comes with the ref-harness branch")

OPSET = 13
PHOTO = "squirrel_cls.jpg"
DEFAULT_OUT = os.path.join(ROOT, "bench", "work", "onnx")
# bench/build_onnx.py builds these into DEFAULT_OUT from the published weights in models/ (the bench's own rows);
# a random-weight graph of the same name there would replace them, so they go elsewhere (--out) or not at all.
PUBLISHED_GRAPHS = ("mobilenetv2", "efficientnet-lite0", "efficientnet-lite1", "efficientnet-lite2")


class FrameEmbedder(torch.nn.Module):
    """uint8 RGB frames [N, S, S, 3] -> embedding [N, D], the whole of `Backbone.embed`, so both sides of the bench
    start from decoded frames and include the normalisation."""

    def __init__(self, net, model):
        super().__init__()
        self.model, self.embed = model, net["embed"]
        self.register_buffer("mean", torch.tensor(net["mean"], dtype=torch.float32).reshape(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(net["std"], dtype=torch.float32).reshape(1, 3, 1, 1))

    def forward(self, images):
        x = images.permute(0, 3, 1, 2).float() / 255.0
        return self.embed(self.model, (x - self.mean) / self.std)


def random_model(net):
    """The owners' model in eval mode, every floating tensor drawn from the net's seeded stream, filled as the
    reference script fills it (export checks that against the script's own embeddings)."""
    torch.manual_seed(0)  # only the owners' own initialisation, which the filler overwrites
    model = net["build"]().eval()
    reference.fill_random(model, net["seed"], net.get("branch_end"), net.get("linear_conv"))
    return model


def save_reference_checkpoint(net, out, weights_out):
    """The reference script writes the checkpoint itself (its --save-checkpoint: the published key layout, old-style
    for densenet121) and its embeddings of its photos; returns the row of those for PHOTO."""
    reference_dir = os.path.join(out, "reference")
    os.makedirs(reference_dir, exist_ok=True)
    with contextlib.redirect_stdout(sys.stderr):  # its summary line is for people; stdout is this script's JSON
        reference.make_reference(net, reference_dir, weights_out)
    embeddings = np.fromfile(os.path.join(reference_dir, f"{net['name']}.embeddings.f32"), dtype="<f4")
    return embeddings.reshape(len(reference.PHOTOS), -1)[reference.PHOTOS.index(PHOTO)].astype(np.float64)


def cosine(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


def count_macs(net, model):
    """Multiply-accumulates of one frame through the embedding, from forward hooks on every conv and linear.
    Work done after the network's last global average pool (inception-v3's eval forward still runs its
    classifier, which the embedding discards) is not part of the embedding and is left out."""
    events, handles = [], []

    def hook(name, module, inputs, output):
        if isinstance(module, torch.nn.Conv2d):
            kh, kw = module.kernel_size
            events.append(("conv", name, output[0].numel() * module.in_channels // module.groups * kh * kw))
        elif isinstance(module, torch.nn.Linear):
            events.append(("linear", name, output[0].numel() * module.in_features))
        else:
            events.append(("pool", name, 0))
    for name, module in model.named_modules():
        if isinstance(module, (torch.nn.Conv2d, torch.nn.Linear, torch.nn.AdaptiveAvgPool2d)):
            handles.append(module.register_forward_hook(functools.partial(hook, name)))
    size = net["size"]
    with torch.no_grad():
        FrameEmbedder(net, model)(torch.zeros(1, size, size, 3, dtype=torch.uint8))
    for handle in handles:
        handle.remove()
    last_pool = max((i for i, event in enumerate(events) if event[0] == "pool"), default=len(events))
    counted, dropped = events[:last_pool + 1], events[last_pool + 1:]
    return {"macs": sum(macs for _, _, macs in counted),
            "convMacs": sum(macs for kind, _, macs in counted if kind == "conv"),
            "linearMacs": sum(macs for kind, _, macs in counted if kind == "linear"),
            "notCounted": [f"{name} ({macs} MACs, after the last global pool)" for _, name, macs in dropped if macs]}


def export_onnx(embedder, size, path):
    """Traced export with a dynamic batch axis; written to a side file first so a failed export leaves no graph."""
    partial = path + ".partial"
    example = torch.zeros(2, size, size, 3, dtype=torch.uint8)
    with torch.no_grad():
        torch.onnx.export(embedder, (example,), partial, opset_version=OPSET, input_names=["images"],
                          output_names=["embedding"], dynamic_axes={"images": {0: "N"}, "embedding": {0: "N"}},
                          do_constant_folding=True)
    os.replace(partial, path)


def export(net, out, weights_out):
    """Every output file for one backbone; returns the path of its NAME.json."""
    name, size = net["name"], net["size"]
    expected = save_reference_checkpoint(net, out, weights_out)
    weights = os.path.join(weights_out, f"{name}-random.pth")
    model = random_model(net)
    embedder = FrameEmbedder(net, model).eval()
    onnx_path = os.path.join(out, f"{name}.onnx")
    export_onnx(embedder, size, onnx_path)
    photo = reference.decode(PHOTO, size)
    photo_path = os.path.join(out, f"{name}.photo.rgb")
    photo.tofile(photo_path)
    with torch.no_grad():
        embedding = embedder(torch.from_numpy(photo.copy())[None]).numpy()[0]
    # The graph must hold the weights the checkpoint holds, or our side would time a different network.
    agreement = cosine(embedding, expected)
    if agreement < 0.9999:
        raise ValueError(f"the exported model is not the reference script's (cosine {agreement:.6f} on {PHOTO})")
    embedding_path = os.path.join(out, f"{name}.torch.f32")
    embedding.astype("<f4").tofile(embedding_path)
    macs = count_macs(net, model)
    summary = {"backbone": name, "owner": net["owner"], "seed": net["seed"], "inputSize": size,
               "embeddingDimension": int(embedding.shape[0]), "gmacs": macs["macs"] / 1e9, **macs,
               "weights": os.path.relpath(weights, ROOT), "onnx": os.path.relpath(onnx_path, ROOT),
               "photo": os.path.relpath(photo_path, ROOT), "torchEmbedding": os.path.relpath(embedding_path, ROOT),
               "cosineVsReferenceScript": agreement, "torch": torch.__version__, "opset": OPSET}
    summary_path = os.path.join(out, f"{name}.json")
    with open(summary_path, "w") as f:
        json.dump(summary, f, indent=1)
    print(f"export_backbones: {name}: {size}x{size} -> {summary['embeddingDimension']}, "
          f"{summary['gmacs']:.2f} GMACs", file=sys.stderr)
    return summary_path


def up_to_date(name, out, weights_out):
    """All outputs exist and are newer than this script and the reference script (the weights' definition)."""
    paths = [os.path.join(out, f"{name}{suffix}") for suffix in (".json", ".onnx", ".photo.rgb", ".torch.f32")]
    paths.append(os.path.join(weights_out, f"{name}-random.pth"))
    if not all(os.path.exists(path) for path in paths):
        return False
    sources = [os.path.abspath(__file__), reference.__file__]
    return min(os.path.getmtime(p) for p in paths) > max(os.path.getmtime(s) for s in sources)


def known_networks():
    """name -> table row, and name -> why it is missing. The table builds xception's row with timm imported;
    without timm the other rows must still get their graphs, so that row alone is left out."""
    try:
        return {net["name"]: net for net in reference.networks()}, {}
    except ImportError as error:
        original = reference.xception_net
        reference.xception_net = lambda: None
        try:
            nets = {net["name"]: net for net in reference.networks() if net}
        finally:
            reference.xception_net = original
        return nets, {"xception": f"{error} (bench/setup-venv.sh installs timm==0.9.16 --no-deps)"}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", help="backbone names (default: every net of the reference table)")
    parser.add_argument("--out", default=DEFAULT_OUT)
    parser.add_argument("--weights-out", default=os.path.join(ROOT, "bench", "work", "weights"))
    parser.add_argument("--force", action="store_true", help="export even when the outputs are up to date")
    args = parser.parse_args()
    torch.set_num_threads(2)
    os.makedirs(args.out, exist_ok=True)
    os.makedirs(args.weights_out, exist_ok=True)
    nets, missing = known_networks()
    names = args.only or sorted(nets)
    exported, skipped = {}, {name: why for name, why in missing.items() if name in names}
    for name in names:
        if name not in nets:
            skipped.setdefault(name, "not in scripts/reference/backbone_random_reference.py's table "
                                     "(not a torchvision/timm net)")
            continue
        if name in PUBLISHED_GRAPHS and os.path.abspath(args.out) == DEFAULT_OUT:
            skipped[name] = f"bench/build_onnx.py builds {name}.onnx there from the published weights (use --out)"
            continue
        if not args.force and up_to_date(name, args.out, args.weights_out):
            exported[name] = os.path.join(args.out, f"{name}.json")
            continue
        try:
            exported[name] = export(nets[name], args.out, args.weights_out)
        except Exception as error:  # one net's failure must not cost the others their rows
            skipped[name] = f"export failed: {type(error).__name__}: {error}"
            print(f"export_backbones: {name}: {skipped[name]}", file=sys.stderr)
    print(json.dumps({"exported": exported, "skipped": skipped}))


if __name__ == "__main__":
    main()
