#!/usr/bin/env python3
"""Reference reader for PyTorch checkpoints (legacy and zip formats) without torch.

Uses Python's own pickle.Unpickler with stand-ins for torch's classes and numpy for the storages,
then prints, for every tensor of the state_dict, its shape and a few statistics as JSON:
    {"<name>": {"shape": [...], "sum": float64 sum, "abs_sum": ..., "first": [up to 3 values]}, ...}
Independent of the Swift reader: it is what the Swift tests compare against.

Usage: read_checkpoint.py CHECKPOINT [OUTPUT.json]
"""
import collections
import io
import json
import pickle
import struct
import sys
import zipfile

import numpy as np

LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
DTYPES = {
    "FloatStorage": np.dtype("<f4"), "DoubleStorage": np.dtype("<f8"), "HalfStorage": np.dtype("<f2"),
    "LongStorage": np.dtype("<i8"), "IntStorage": np.dtype("<i4"), "ShortStorage": np.dtype("<i2"),
    "CharStorage": np.dtype("i1"), "ByteStorage": np.dtype("u1"), "BoolStorage": np.dtype("u1"),
}


class StorageType:
    """Stands in for torch.FloatStorage and friends: only the name matters."""
    def __init__(self, name):
        self.name = name


class Storage:
    """A persistent-id storage whose numpy array is filled in once the bytes are read."""
    def __init__(self, storage_type, key, numel):
        self.dtype = DTYPES[storage_type.name]
        self.key = key
        self.numel = numel
        self.array = None
        self.view = None  # (offset, numel) into the root storage for legacy views


class LazyTensor:
    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, tuple(size), tuple(stride)

    def materialise(self):
        base = self.storage.array
        if self.storage.view is not None:
            base = base[self.storage.view[0]:self.storage.view[0] + self.storage.view[1]]
        item = base.itemsize
        flat = base[self.offset:]
        if len(self.size) == 0:
            return np.array(flat[0])
        view = np.lib.stride_tricks.as_strided(flat, shape=self.size, strides=[s * item for s in self.stride])
        return np.ascontiguousarray(view)


def rebuild_tensor_v2(storage, offset, size, stride, *unused):
    return LazyTensor(storage, offset, size, stride)


def rebuild_parameter(data, *unused):
    return data


class Opaque:
    """Any other class: accepts whatever it is called with."""
    def __init__(self, *args, **kwargs):
        pass

    def __setstate__(self, state):
        pass


class CheckpointUnpickler(pickle.Unpickler):
    def __init__(self, file, storages):
        super().__init__(file)
        self.storages = storages

    def find_class(self, module, name):
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if module == "torch._utils" and name in ("_rebuild_tensor_v2", "_rebuild_tensor"):
            return rebuild_tensor_v2
        if module == "torch._utils" and name == "_rebuild_parameter":
            return rebuild_parameter
        if module == "torch" and name.endswith("Storage"):
            return StorageType(name)
        return Opaque

    def persistent_load(self, pid):
        kind, storage_type, key, location, numel = pid[:5]
        assert kind == "storage", pid
        view = pid[5] if len(pid) > 5 else None
        root = self.storages.setdefault(key, Storage(storage_type, key, numel))
        if view is None:
            return root
        viewed = Storage(storage_type, key, numel)
        viewed.view = (view[1], view[2])
        self.storages.setdefault(("view", view[0]), viewed)
        return _ViewProxy(root, viewed)


class _ViewProxy:
    """A legacy storage view: shares the root's array once it is read."""
    def __init__(self, root, viewed):
        self.root, self.viewed = root, viewed

    @property
    def array(self):
        return self.root.array

    @property
    def view(self):
        return self.viewed.view


def load_legacy(data):
    stream = io.BytesIO(data)
    storages = {}
    magic = pickle.load(stream)
    assert magic == LEGACY_MAGIC, "not a legacy checkpoint"
    assert pickle.load(stream) == 1001
    pickle.load(stream)  # sys_info
    saved = CheckpointUnpickler(stream, storages).load()
    keys = pickle.load(stream)
    for key in keys:
        (numel,) = struct.unpack("<q", stream.read(8))
        storage = storages[key]
        raw = stream.read(numel * storage.dtype.itemsize)
        assert len(raw) == numel * storage.dtype.itemsize, "truncated"
        storage.array = np.frombuffer(raw, dtype=storage.dtype)
    return saved


def load_zip(path):
    storages = {}
    with zipfile.ZipFile(path) as archive:
        pickle_name = next(n for n in archive.namelist() if n.endswith("/data.pkl") and n.count("/") == 1)
        prefix = pickle_name[: -len("data.pkl")]
        saved = CheckpointUnpickler(io.BytesIO(archive.read(pickle_name)), storages).load()
        for key, storage in storages.items():
            storage.array = np.frombuffer(archive.read(prefix + "data/" + key), dtype=storage.dtype)
    return saved


def state_dict(saved):
    for wrapper in ("state_dict", "model", "model_state_dict", "net"):
        if isinstance(saved, dict) and wrapper in saved:
            return state_dict(saved[wrapper])
    return {k: v for k, v in saved.items() if isinstance(v, LazyTensor)}


def summarise(path):
    with open(path, "rb") as f:
        data = f.read()
    saved = load_zip(path) if data[:4] == b"PK\x03\x04" else load_legacy(data)
    report = {}
    for name, lazy in state_dict(saved).items():
        values = lazy.materialise().astype(np.float64)
        flat = values.reshape(-1)
        report[name] = {
            "shape": list(lazy.size),
            "sum": float(flat.sum()),
            "abs_sum": float(np.abs(flat).sum()),
            "first": [float(v) for v in flat[:3]],
        }
    return report


def main():
    report = summarise(sys.argv[1])
    text = json.dumps(report, indent=1, sort_keys=True)
    if len(sys.argv) > 2:
        with open(sys.argv[2], "w") as f:
            f.write(text + "\n")
    else:
        print(text)


if __name__ == "__main__":
    main()
