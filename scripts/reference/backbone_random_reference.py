#!/usr/bin/env python3
"""Random-weight reference embeddings of the backbones, computed by the owners' own code (torchvision, timm).

The published weights cannot be downloaded everywhere the tests run, so each network is checked with weights
anyone can regenerate: every floating tensor of the owner's state dict (parameters and batch-norm running
statistics, not the integer num_batches_tracked) is drawn, in state-dict order and row-major within a tensor,
from ONE SplitMix64 stream per network:

    u = (next() >> 40) / 2**24                              # exact in a double
    value = float32(offset + scale * (2 * u - 1))           # in double, then rounded once to float32

with (offset, scale) chosen per tensor by its role (conv/linear weight: offset 0, scale sqrt(3 * gain / fan_in);
bias; batch-norm weight, bias, running mean, running variance) so activations stay O(1) through the whole
depth. Everything the Swift side needs to rebuild the state dict is in the manifest.

Writes, for each network, into OUT_DIR (Tests/ExtractTests/Fixtures/backbones):
  <name>.reference.json    backbone, owner, seed, input_size, normalization, photos, embedding_dimension,
                           notes, samples ([tensor, flat index, value] to check a generator), tensors
                           ([{name, shape, offset, scale}] in draw order, names in the published key layout)
  <name>.embeddings.f32    little-endian float32 [photos, embedding_dimension], row-major: the pooled
                           features of squirrel_cls.jpg, orange.jpg, baboon.jpg (one float32 batch)

Photos are decoded as the Swift tests do: `ffmpeg -v error -i PATH -vf scale=S:S -pix_fmt rgb24 -f rawvideo -`.

usage: backbone_random_reference.py OUT_DIR [--only NAME ...] [--save-checkpoint DIR]
  --save-checkpoint DIR  also writes DIR/<name>-random.pth (torch.save of the state dict in the published
                         key layout, old-style for densenet121) for manual `extract --weights` checks;
                         never commit those.

Needs Debian 12's python3-torch 1.13 / python3-torchvision 0.14 and, for xception, a venv with system site
packages and `pip install --no-deps timm==0.9.16`. It is never run by the toolkit itself.
"""
import argparse
import json
import math
import os
import re
import subprocess
import sys

import numpy as np
import torch
import torch.nn.functional as F
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from splitmix64 import SplitMix64  # noqa: E402

PHOTO_DIR = "/usr/share/doc/opencv-doc/examples/data"
PHOTOS = ["squirrel_cls.jpg", "orange.jpg", "baboon.jpg"]
IMAGENET_MEAN, IMAGENET_STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
GAMMA = 0x9E3779B97F4A7C15
MASK = (1 << 64) - 1

# ---------------------------------------------------------------- the stream


def splitmix_block(state, count):
    """The next `count` SplitMix64 outputs after `state`, vectorised (state_k = state + k * gamma mod 2^64)."""
    with np.errstate(over="ignore"):
        steps = np.arange(1, count + 1, dtype=np.uint64)
        z = np.uint64(state) + steps * np.uint64(GAMMA)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return z, (state + count * GAMMA) & MASK


def check_block_matches_class(seed):
    """The vectorised stream must be scripts/reference/splitmix64.py's, output for output."""
    expected = SplitMix64(seed)
    block, state = splitmix_block(seed, 1000)
    assert [int(v) for v in block] == [expected.next() for _ in range(1000)]
    assert state == expected.state


def draw(state, count, offset, scale):
    raw, state = splitmix_block(state, count)
    u = (raw >> np.uint64(40)).astype(np.float64) / float(2 ** 24)
    return (offset + scale * (2.0 * u - 1.0)).astype(np.float32), state

# ---------------------------------------------------------------- roles


def tensor_roles(model, branch_end=None, linear_conv=None):
    """state-dict key -> (offset, scale) for every floating tensor, by the module that owns it.
    branch_end: regex of the batch norms that end a residual branch; their small weights keep the sum O(1).
    linear_conv: regex of convolutions followed by no activation (gain 1 instead of He's 2)."""
    modules = dict(model.named_modules())
    roles = {}
    for key, value in model.state_dict().items():
        if not value.is_floating_point():
            continue
        owner_name, _, leaf = key.rpartition(".")
        owner = modules[owner_name]
        if isinstance(owner, torch.nn.modules.batchnorm._BatchNorm):
            if leaf == "weight" and branch_end and re.fullmatch(branch_end, owner_name):
                roles[key] = (0.0, 0.5)
                continue
            roles[key] = {"weight": (1.0, 0.2), "bias": (0.0, 0.1),
                          "running_mean": (0.0, 0.1), "running_var": (1.0, 0.3)}[leaf]
        elif isinstance(owner, (torch.nn.Conv2d, torch.nn.Linear)) and leaf == "weight":
            fan_in = value[0].numel()  # in / groups * kh * kw
            linear = isinstance(owner, torch.nn.Linear) or (linear_conv and re.fullmatch(linear_conv, owner_name))
            gain = 1.0 if linear else 2.0  # He gain before ReLU-like activations
            roles[key] = (0.0, math.sqrt(3.0 * gain / fan_in))
        elif leaf == "bias":
            roles[key] = (0.0, 0.05)
        else:
            raise ValueError(f"no role for {key} ({type(owner).__name__})")
    return roles


def fill_random(model, seed, branch_end=None, linear_conv=None):
    """Overwrites the model's floating state from the stream; returns the draw-ordered tensor records."""
    check_block_matches_class(seed)
    roles = tensor_roles(model, branch_end, linear_conv)
    state_dict = model.state_dict()
    state, records = seed, []
    for key, value in state_dict.items():
        if key not in roles:
            continue
        offset, scale = roles[key]
        values, state = draw(state, value.numel(), offset, scale)
        with torch.no_grad():
            value.copy_(torch.from_numpy(values).reshape(value.shape))
        records.append({"name": key, "shape": list(value.shape), "offset": offset, "scale": scale})
    return records

# ---------------------------------------------------------------- densenet's old key layout

NEW_DENSE_KEY = re.compile(r"^(.*denselayer\d+\.(?:norm|relu|conv))([12])\.(weight|bias|running_mean|running_var)$")


def densenet_old_key(key):
    """features.denseblock1.denselayer1.norm1.weight -> ...norm.1.weight (densenet121-a639ec97.pth's layout)."""
    return NEW_DENSE_KEY.sub(r"\1.\2.\3", key)


def check_densenet_roundtrip(state_dict_old, model):
    """Loads the old-style dict through torchvision's own remapping into a fresh model; must be identical."""
    fresh = torchvision.models.densenet121()
    torchvision.models.densenet._load_state_dict(fresh, _DictWeights(state_dict_old), progress=False)
    for key, value in model.state_dict().items():
        assert torch.equal(fresh.state_dict()[key], value), key


class _DictWeights:
    """Stands in for a torchvision WeightsEnum: _load_state_dict only calls get_state_dict()."""

    def __init__(self, state_dict):
        self.state_dict = state_dict

    def get_state_dict(self, progress):
        return dict(self.state_dict)

# ---------------------------------------------------------------- networks


def pooled(features):
    return torch.flatten(F.adaptive_avg_pool2d(features, 1), 1)


def torchvision_net(name, factory, embed, size, seed, notes, branch_end=None, **kwargs):
    return dict(name=name, branch_end=branch_end, build=lambda: getattr(torchvision.models, factory)(**kwargs), embed=embed,
                size=size, seed=seed, mean=IMAGENET_MEAN, std=IMAGENET_STD, notes=notes,
                owner=f"torchvision {torchvision.__version__} {factory}({format_kwargs(kwargs)})",
                normalization="rgb / 255, then (x - ImageNet mean (0.485, 0.456, 0.406)) / std (0.229, 0.224, 0.225)")


def format_kwargs(kwargs):
    return ", ".join(f"{k}={v}" for k, v in kwargs.items())


def resnet_embed(m, x):
    x = m.maxpool(m.relu(m.bn1(m.conv1(x))))
    x = m.layer4(m.layer3(m.layer2(m.layer1(x))))
    return torch.flatten(m.avgpool(x), 1)


def inception_embed(m, x):
    captured = {}
    handle = m.avgpool.register_forward_hook(lambda mod, inp, out: captured.setdefault("pool", out))
    m(x)  # eval: transform_input inside, aux head skipped
    handle.remove()
    return torch.flatten(captured["pool"], 1)


def xception_net():
    import timm
    return dict(name="xception", build=lambda: timm.create_model("legacy_xception", pretrained=False),
                embed=lambda m, x: m.forward_head(m.forward_features(x), pre_logits=True),
                size=299, seed=0x5EED_0006, mean=(0.5, 0.5, 0.5), std=(0.5, 0.5, 0.5),
                owner=f"timm {timm.__version__} create_model('legacy_xception')",
                normalization="rgb / 255, then (x - 0.5) / 0.5",
                notes=XCEPTION_NOTES + XCEPTION_DRAW_NOTES,
                linear_conv=r".+\.conv1", branch_end=r"block([4-9]|1[01])\.rep\.8")


XCEPTION_NOTES = (
    "timm 0.9.16 legacy_xception (Cadene's port of Keras Xception). Block.forward: x = rep(inp); "
    "skip = skipbn(skip(inp)) if the block has a 1x1 projection (channels or stride change) else inp; x += skip. "
    "The rep's FIRST ReLU is replaced by nn.ReLU(inplace=False) (rep[0] = nn.ReLU(inplace=False) when "
    "start_with_relu), so the skip connection sees the block input BEFORE ReLU; the later ReLUs inside rep are "
    "inplace but act on rep's own intermediates, so they change nothing visible. block1 has "
    "start_with_relu=False (its input is already act2's ReLU output). Strided blocks end rep with "
    "MaxPool2d(3, stride 2, padding 1). block12 is grow_first=False (728 -> 728 -> 1024). SeparableConv2d = "
    "depthwise 3x3 (padding 1, no bias) then pointwise 1x1 (no bias); conv1 3x3/2 and conv2 3x3 have padding 0. "
    "The embedding is after bn4 + act4 (ReLU), global average pooled. Batch-norm eps 1e-5 everywhere.")


XCEPTION_DRAW_NOTES = (
    " Draw: SeparableConv2d depthwise weights use gain 1 (no activation before the pointwise conv) and the "
    "middle blocks' last batch norm (rep.8) small weights, so the residual sums stay O(1).")


def networks():
    imagenet = "batch-norm eps 1e-5."
    return [
        torchvision_net("mobilenetv2", "mobilenet_v2", lambda m, x: pooled(m.features(x)), 224,
                        0x5EED_0001, "Harness check: the Swift MobileNetV2 already exists. " + imagenet),
        torchvision_net("resnet50", "resnet50", resnet_embed, 224, 0x5EED_0002,
                        "Bottleneck v1.5 (stride on the 3x3 conv). bn3 weights drawn small (offset 0, scale 0.5) "
                        "so the 16 residual sums stay O(1). Embedding = avgpool flatten. " + imagenet,
                        branch_end=r"layer\d\.\d+\.bn3"),
        torchvision_net("densenet121", "densenet121", lambda m, x: pooled(F.relu(m.features(x))), 224,
                        0x5EED_0003,
                        "Keys in the OLD layout of densenet121-a639ec97.pth (denselayerN.norm.1/conv.1/norm.2/conv.2), "
                        "checked by loading through torchvision.models.densenet._load_state_dict. "
                        "Embedding = relu(features) -> global average pool. " + imagenet),
        torchvision_net("inception-v3", "inception_v3", inception_embed, 299, 0x5EED_0004,
                        "aux_logits=True, so AuxLogits.* are in the state dict and the stream (the published file "
                        "has them); the eval forward never runs them. transform_input=True: the model itself "
                        "re-maps ImageNet-normalised input to (rgb/255 - 0.5) / 0.5 per channel. BasicConv2d "
                        "batch-norm eps 0.001. Embedding = avgpool output before dropout.",
                        init_weights=False, aux_logits=True, transform_input=True),
        torchvision_net("efficientnet-b0", "efficientnet_b0", lambda m, x: torch.flatten(m.avgpool(m.features(x)), 1),
                        224, 0x5EED_0005, "SiLU, squeeze-excitation with SiLU then sigmoid; "
                        "stochastic depth is identity in eval. Batch-norm eps as torchvision 0.14 builds it "
                        "(see bn_eps). Embedding = avgpool flatten."),
        torchvision_net("efficientnet-b3", "efficientnet_b3", lambda m, x: torch.flatten(m.avgpool(m.features(x)), 1),
                        300, 0x5EED_0007, "As efficientnet-b0 with width 1.2 / depth 1.4. "
                        "Embedding = avgpool flatten."),
        xception_net(),
    ]

# ---------------------------------------------------------------- inputs and outputs


def decode(name, size):
    """The Swift tests' decode: ffmpeg squashes the photo to size x size RGB24."""
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", os.path.join(PHOTO_DIR, name), "-vf",
                          f"scale={size}:{size}", "-pix_fmt", "rgb24", "-f", "rawvideo", "-"],
                         check=True, capture_output=True).stdout
    assert len(raw) == size * size * 3, (name, len(raw))
    return np.frombuffer(raw, dtype=np.uint8).reshape(size, size, 3)


def input_batch(size, mean, std):
    rgb = np.stack([decode(name, size) for name in PHOTOS]).astype(np.float32) / np.float32(255)
    x = (rgb - np.array(mean, dtype=np.float32)) / np.array(std, dtype=np.float32)
    return torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))


def batch_norm_eps(model):
    return sorted({m.eps for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)})


def samples(model_state, records):
    """Three regenerated values (first, middle, last tensor) so the Swift side can test its generator alone."""
    picks = [(records[0], 0), (records[len(records) // 2], 7), (records[-1], -1)]
    out = []
    for record, index in picks:
        flat = model_state[record["name"]].reshape(-1)
        index = index % flat.numel()
        out.append([record["name"], index, float(flat[index])])
    return out


def make_reference(net, out_dir, checkpoint_dir):
    torch.manual_seed(0)  # only for the owners' own initialisation, which fill_random overwrites
    model = net["build"]().eval()
    records = fill_random(model, net["seed"], net.get("branch_end"), net.get("linear_conv"))
    state = model.state_dict()
    if net["name"] == "densenet121":
        # The 2017 published file predates num_batches_tracked; torch fills it in when loading a dict without it.
        old = {densenet_old_key(k): v for k, v in state.items() if not k.endswith("num_batches_tracked")}
        check_densenet_roundtrip(old, model)
        state = old
        for record in records:
            record["name"] = densenet_old_key(record["name"])
    with torch.no_grad():
        embedding = net["embed"](model, input_batch(net["size"], net["mean"], net["std"])).float().numpy()
    report(net["name"], embedding)
    manifest = {
        "backbone": net["name"], "owner": net["owner"], "seed": net["seed"], "input_size": net["size"],
        "normalization": net["normalization"], "photos": PHOTOS, "embedding_dimension": embedding.shape[1],
        "bn_eps": batch_norm_eps(model), "notes": net["notes"],
        "draw_rule": "u = (next() >> 40) / 2^24; value = Float(offset + scale * (2u - 1)) in Double; "
                     "one SplitMix64(seed) stream, tensors in this order, row-major",
        "samples": samples(state, records), "tensors": records,
    }
    with open(os.path.join(out_dir, f"{net['name']}.reference.json"), "w") as f:
        f.write(compact_json(manifest))
    embedding.astype("<f4").tofile(os.path.join(out_dir, f"{net['name']}.embeddings.f32"))
    if checkpoint_dir:
        torch.save(state, os.path.join(checkpoint_dir, f"{net['name']}-random.pth"))


def compact_json(manifest):
    """Indented, but one line per tensor record and per sample, so the fixture stays small and diffable."""
    lines = []
    for key, value in manifest.items():
        if key in ("tensors", "samples"):
            items = ",\n  ".join(json.dumps(item) for item in value)
            lines.append(f' "{key}": [\n  {items}\n ]')
        else:
            lines.append(f" {json.dumps(key)}: {json.dumps(value)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def report(name, embedding):
    assert np.isfinite(embedding).all(), name
    per_photo_std = embedding.std(axis=1)
    print(f"{name}: dim {embedding.shape[1]}, mean {embedding.mean():.4g}, std per photo "
          f"{np.array2string(per_photo_std, precision=4)}, max {np.abs(embedding).max():.4g}, "
          f"zeros {(embedding == 0).mean():.3f}")
    assert (per_photo_std > 1e-3).all(), f"{name}: embedding spread too small"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir")
    parser.add_argument("--only", nargs="*", help="backbone names (default: all)")
    parser.add_argument("--save-checkpoint", metavar="DIR")
    args = parser.parse_args()
    torch.set_num_threads(2)
    os.makedirs(args.out_dir, exist_ok=True)
    for net in networks():
        if args.only and net["name"] not in args.only:
            continue
        make_reference(net, args.out_dir, args.save_checkpoint)


if __name__ == "__main__":
    main()
