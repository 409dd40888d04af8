#!/usr/bin/env python3
"""Independent reader for a cache journal (<cache>.h5.journal: embedding or face-track cache), written
from docs/cache-format.md and docs/face-cache-format.md alone. Prints the header metadata and every intact record as JSON;
stops at the first torn or corrupted record, like the Swift reader.

usage: read_cache_journal.py JOURNAL
"""
import json
import struct
import sys
import zlib

MAGIC = b"DFHJRNL1"


def records(data, offset):
    """Yields (offset, body) for each intact record from offset on."""
    while offset + 4 <= len(data):
        (length,) = struct.unpack_from("<I", data, offset)
        end = offset + 4 + length + 4
        if length == 0 or end > len(data):
            return
        body = data[offset + 4 : offset + 4 + length]
        (crc,) = struct.unpack_from("<I", data, offset + 4 + length)
        if zlib.crc32(body) & 0xFFFFFFFF != crc:
            return
        yield offset, body
        offset = end


class Fields:
    def __init__(self, body):
        self.body, self.at = body, 0

    def take(self, fmt):
        values = struct.unpack_from("<" + fmt, self.body, self.at)
        self.at += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    def array(self, code, count):
        values = list(struct.unpack_from(f"<{count}{code}", self.body, self.at))
        self.at += struct.calcsize(f"<{count}{code}")
        return values

    def string(self):
        count = self.take("I")
        text = self.body[self.at : self.at + count].decode("utf-8")
        self.at += count
        return text


def row_header(fields):
    """The fields every row record starts with (path, label, split, source stamp, total frames)."""
    path = fields.string()
    label = fields.take("b")
    has_split = fields.take("B")
    split = fields.string()
    size, mtime, total = fields.take("q"), fields.take("d"), fields.take("i")
    return {"path": path, "label": label, "split": split if has_split else None, "bytes": size, "mtime": mtime,
            "total_frames": total}


def decode(body):
    fields = Fields(body)
    kind = fields.take("B")
    if kind == 2:
        row = row_header(fields)
        frames, values = fields.take("I"), fields.take("I")
        indices = fields.array("i", frames)
        valid = fields.array("B", frames)
        embeddings = fields.array("f", values)
        assert fields.at == len(body), "trailing bytes in a video record"
        return {"kind": "video", **row, "frame_indices": indices, "valid": [bool(v) for v in valid],
                "embeddings": embeddings}
    if kind == 4:
        row = row_header(fields)
        has_group = fields.take("B")
        group = fields.string()
        width, height, frames = fields.take("i"), fields.take("i"), fields.take("I")
        indices = fields.array("i", frames)
        valid = fields.array("B", frames)
        found = fields.array("B", frames)
        scores = fields.array("f", frames)
        boxes = fields.array("f", frames * 4)
        landmarks = fields.array("f", frames * 10)
        assert fields.at == len(body), "trailing bytes in a face-track record"
        return {"kind": "face-track", **row, "group": group if has_group else None, "frame_size": [width, height],
                "frame_indices": indices, "valid": [bool(v) for v in valid],
                "face_found": [bool(v) for v in found], "scores": scores,
                "boxes": [boxes[i:i + 4] for i in range(0, len(boxes), 4)],
                "landmarks": [landmarks[i:i + 10] for i in range(0, len(landmarks), 10)]}
    if kind == 3:
        path = fields.string()
        size, mtime = fields.take("q"), fields.take("d")
        return {"kind": "failure", "path": path, "bytes": size, "mtime": mtime, "reason": fields.string()}
    raise ValueError(f"unknown record kind {kind}")


def main(path):
    data = open(path, "rb").read()
    if data[:8] != MAGIC:
        sys.exit(f"{path}: not a journal (magic {data[:8]!r})")
    items = list(records(data, 8))
    if not items or items[0][1][0] != 1:
        sys.exit(f"{path}: torn or missing header")
    metadata = json.loads(items[0][1][1:])
    entries = [decode(body) for _, body in items[1:]]
    last = items[-1]
    valid_end = last[0] + 8 + len(last[1])
    print(json.dumps({"metadata": metadata, "entries": entries, "valid_bytes": valid_end, "file_bytes": len(data)}))


if __name__ == "__main__":
    main(sys.argv[1])
