#!/usr/bin/env python3
"""Writes a small synthetic checkpoint in torch's zip format (torch >= 1.6) without torch installed.

Mirrors what torch.save writes: a stored (uncompressed) zip archive with
    <prefix>/data.pkl             protocol-2 pickle of the object; tensors reduce to
                                  torch._utils._rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())
                                  and storages are persistent ids ('storage', torch.FloatStorage, key, 'cpu', numel)
    <prefix>/byteorder            'little'
    <prefix>/data/<key>           raw little-endian storage bytes
    <prefix>/version              '3\n'
The GLOBAL opcodes name the real torch functions and classes: stand-in modules are registered under
those names so the standard pickler can reference them.

Also writes the expected values (computed from the numpy arrays, not by reading the file back) as JSON:
    {"<name>": {"shape": [...], "values": [flattened row-major values as float]}}

With --legacy it writes the same dict (plus a storage view) in the torch < 1.6 format instead.

Usage: make_zip_checkpoint.py OUT.pt EXPECTED.json [--wrap] [--zip64] [--prefix NAME] [--legacy]
  --wrap   save {'epoch': 3, 'state_dict': sd, 'optimizer': {...}} instead of the bare state_dict
  --legacy write the pre-1.6 format (a run of pickles, then raw storages)
  --zip64  write zip64 end-of-directory records and zip64 extra fields (as torch does past 4 GiB)
"""
import argparse
import collections
import io
import json
import pickle
import struct
import sys
import types
import zipfile

import numpy as np


def install_torch_stand_ins():
    """Registers modules `torch` and `torch._utils` holding objects whose qualified names match torch's."""
    torch = types.ModuleType("torch")
    utils = types.ModuleType("torch._utils")
    torch._utils = utils

    def _rebuild_tensor_v2(*args):
        raise NotImplementedError

    def _rebuild_parameter(*args):
        raise NotImplementedError

    for function in (_rebuild_tensor_v2, _rebuild_parameter):
        function.__module__ = "torch._utils"
        function.__qualname__ = function.__name__
        setattr(utils, function.__name__, function)

    storage_classes = {}
    for name, dtype in [("FloatStorage", "<f4"), ("DoubleStorage", "<f8"), ("HalfStorage", "<f2"),
                        ("LongStorage", "<i8"), ("IntStorage", "<i4"), ("ByteStorage", "u1")]:
        cls = type(name, (), {"__module__": "torch"})
        setattr(torch, name, cls)
        storage_classes[np.dtype(dtype)] = cls
    sys.modules["torch"] = torch
    sys.modules["torch._utils"] = utils
    return utils, storage_classes


UTILS, STORAGE_CLASSES = install_torch_stand_ins()


class Storage:
    def __init__(self, key, array, root=None, root_offset=0):
        self.key = str(key)
        self.array = np.ascontiguousarray(array).reshape(-1)
        # Legacy files only: this storage is elements [root_offset, root_offset + size) of `root`.
        self.root, self.root_offset = root, root_offset

    @staticmethod
    def view_of(root, key, offset, count):
        return Storage(key, root.array[offset:offset + count], root, offset)


class Tensor:
    """A strided view of a Storage; pickles exactly as torch.Tensor does for a CPU dense tensor."""
    def __init__(self, storage, offset, size, stride, parameter=False):
        self.storage, self.offset, self.size, self.stride = storage, offset, tuple(size), tuple(stride)
        self.parameter = parameter

    def values(self):
        item = self.storage.array.itemsize
        flat = self.storage.array[self.offset:]
        if not self.size:
            return np.array([flat[0]])
        return np.lib.stride_tricks.as_strided(flat, self.size, [s * item for s in self.stride]).reshape(-1)

    def __reduce_ex__(self, protocol):
        rebuilt = (UTILS._rebuild_tensor_v2,
                   (self.storage, self.offset, self.size, self.stride, False, collections.OrderedDict()))
        if not self.parameter:
            return rebuilt
        # nn.Parameter reduces to _rebuild_parameter(tensor, requires_grad, backward_hooks).
        inner = Tensor(self.storage, self.offset, self.size, self.stride)
        return (UTILS._rebuild_parameter, (inner, True, collections.OrderedDict()))


class TorchPickler(pickle.Pickler):
    legacy = False

    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            if obj.root is not None:
                view = (obj.key, obj.root_offset, obj.array.size)
                return ("storage", STORAGE_CLASSES[obj.array.dtype], obj.root.key, "cpu", obj.root.array.size, view)
            if self.legacy:
                return ("storage", STORAGE_CLASSES[obj.array.dtype], obj.key, "cpu", obj.array.size, None)
            return ("storage", STORAGE_CLASSES[obj.array.dtype], obj.key, "cpu", obj.array.size)
        return None


def contiguous(storage, shape, offset=0):
    strides, step = [], 1
    for extent in reversed(shape):
        strides.insert(0, step)
        step *= extent
    return Tensor(storage, offset, shape, strides)


def synthetic_state_dict(legacy):
    rng = np.random.default_rng(20240601)
    keys = iter(range(100))
    sd = collections.OrderedDict()
    sd["conv.weight"] = contiguous(Storage(next(keys), rng.standard_normal(4 * 3 * 3 * 3).astype("<f4")), [4, 3, 3, 3])
    sd["conv.bias"] = contiguous(Storage(next(keys), rng.standard_normal(4).astype("<f4")), [4])
    sd["bn.num_batches_tracked"] = Tensor(Storage(next(keys), np.array([12345], dtype="<i8")), 0, [], [])
    # A transposed matrix: storage is [5, 6] row-major, the tensor is its [6, 5] transpose.
    sd["fc.weight"] = Tensor(Storage(next(keys), rng.standard_normal(30).astype("<f4")), 0, [6, 5], [1, 6])
    # Two tensors sharing one storage at different offsets.
    shared = Storage(next(keys), rng.standard_normal(20).astype("<f4"))
    sd["shared.first"] = Tensor(shared, 0, [2, 5], [5, 1])
    sd["shared.second"] = Tensor(shared, 12, [8], [1])
    # Channels-last 4-D layout, as EfficientNet's stem weight is stored.
    sd["cl.weight"] = Tensor(Storage(next(keys), rng.standard_normal(24).astype("<f4")), 0, [2, 3, 2, 2], [12, 1, 6, 3])
    # Half precision including subnormals (6e-8, -3e-5), the largest finite value, and a negative zero.
    halves = np.concatenate([rng.standard_normal(8) * 100, [6e-8, -3e-5, 65504, -0.0]]).astype("<f2")
    sd["half.weight"] = contiguous(Storage(next(keys), halves), [3, 4])
    sd["double.weight"] = contiguous(Storage(next(keys), rng.standard_normal(4).astype("<f8")), [2, 2])
    sd["int.index"] = contiguous(Storage(next(keys), np.array([-7, 0, 3, 2**20, -2**30], dtype="<i4")), [5])
    sd["byte.mask"] = contiguous(Storage(next(keys), np.array([0, 1, 255, 128, 7], dtype="u1")), [5])
    param = contiguous(Storage(next(keys), rng.standard_normal(6).astype("<f4")), [3, 2])
    param.parameter = True
    sd["param.weight"] = param
    if legacy:
        # Only the legacy format has storage views: a tensor over elements 4..13 of a 16-element root storage.
        root = Storage(next(keys), rng.standard_normal(16).astype("<f4"))
        sd["view.root"] = contiguous(root, [16])
        sd["view.weight"] = Tensor(Storage.view_of(root, next(keys), 4, 10), 1, [3, 3], [3, 1])
    sd._metadata = collections.OrderedDict([("", {"version": 1}), ("conv", {"version": 1})])
    return sd


def root_storages(saved):
    """Storages by key, as the file stores them: views are written as their root."""
    storages = {}

    def collect(value):
        if isinstance(value, Tensor):
            storage = value.storage.root or value.storage
            storages[storage.key] = storage
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)

    collect(saved)
    return storages


def write_legacy(path, saved):
    """torch < 1.6: magic, protocol version, sys_info, the object, the storage keys, then each storage."""
    storages = root_storages(saved)
    with open(path, "wb") as f:
        pickle.dump(0x1950A86A20F9469CFC6C, f, protocol=2)
        pickle.dump(1001, f, protocol=2)
        sys_info = {"protocol_version": 1001, "little_endian": True,
                    "type_sizes": {"short": 2, "int": 4, "long": 4}}
        pickle.dump(sys_info, f, protocol=2)
        pickler = TorchPickler(f, protocol=2)
        pickler.legacy = True
        pickler.dump(saved)
        keys = sorted(storages, key=int, reverse=True)  # any order: readers must follow this list
        pickle.dump(keys, f, protocol=2)
        for key in keys:
            f.write(struct.pack("<q", storages[key].array.size))
            f.write(storages[key].array.tobytes())


def write(path, saved, prefix, zip64):
    buffer = io.BytesIO()
    TorchPickler(buffer, protocol=2).dump(saved)
    storages = root_storages(saved)
    if zip64:
        # Makes zipfile emit zip64 extra fields and end records for every entry, as for > 4 GiB archives.
        zipfile.ZIP64_LIMIT = -1
        zipfile.ZIP_FILECOUNT_LIMIT = 0
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(prefix + "/data.pkl", buffer.getvalue())
        archive.writestr(prefix + "/byteorder", "little")
        for key in sorted(storages, key=int):
            archive.writestr(prefix + "/data/" + key, storages[key].array.tobytes())
        archive.writestr(prefix + "/version", "3\n")
    if zip64:
        saturate_end_record(path)


def saturate_end_record(path):
    """Marks the classic end record's counts, size and offset as 'see zip64 record', as large archives must."""
    with open(path, "r+b") as f:
        data = f.read()
        end = data.rfind(b"PK\x05\x06")
        assert data.rfind(b"PK\x06\x06") != -1, "zipfile wrote no zip64 end record"
        f.seek(end + 8)
        f.write(struct.pack("<HHLL", 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("output")
    parser.add_argument("expected")
    parser.add_argument("--wrap", action="store_true")
    parser.add_argument("--zip64", action="store_true")
    parser.add_argument("--prefix", default="archive")
    parser.add_argument("--legacy", action="store_true")
    options = parser.parse_args()

    sd = synthetic_state_dict(options.legacy)
    saved = {"epoch": 3, "state_dict": sd, "optimizer": {"lr": 0.1, "momentum": 0.9}} if options.wrap else sd
    if options.legacy:
        write_legacy(options.output, saved)
    else:
        write(options.output, saved, options.prefix, options.zip64)
    expected = {name: {"shape": list(t.size), "values": [float(v) for v in t.values()]} for name, t in sd.items()}
    with open(options.expected, "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
