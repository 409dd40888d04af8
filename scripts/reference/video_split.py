#!/usr/bin/env python3
"""Independent implementation of VideoSplitter's documented rules (Sources/Shared/Dataset/VideoSplitter.swift)
to produce the pinned held-out groups VideoSplitterTests checks, so the Swift result is confirmed by a second
implementation rather than by itself. Run: python3 scripts/reference/video_split.py"""
from splitmix64 import SplitMix64

NAMES = ["train", "val", "test"]


def split(paths, labels, groups, fixed, seed, fractions=(0.7, 0.15, 0.15)):
    n = len(paths)
    out = [""] * n
    closed = set()
    keys = [("group:" + g) if g is not None else ("path:" + p) for p, g in zip(paths, groups)]
    members = {}
    for i in range(n):
        if fixed[i] is not None:
            out[i] = fixed[i]
            closed.add(fixed[i])
        else:
            members.setdefault(keys[i], []).append(i)
    open_ = [s for s in range(3) if NAMES[s] not in closed] or [0, 1, 2]
    if all(fractions[s] == 0 for s in open_):
        open_ = [s for s in range(3) if fractions[s] > 0]
    order = sorted(members)
    SplitMix64(seed).shuffle(order)
    counts = [[sum(1 for i in members[k] if labels[i] == c) for c in (0, 1)] for k in order]
    totals = [sum(c[0] for c in counts), sum(c[1] for c in counts)]
    wsum = sum(fractions[s] for s in open_)
    target = {s: [fractions[s] / wsum * totals[c] for c in (0, 1)] for s in open_}
    filled = {s: [0.0, 0.0] for s in range(3)}
    placed = []
    for cnt in counts:
        best, best_change = open_[0], float("inf")
        for s in open_:
            change = 0.0
            for c in (0, 1):
                if totals[c] > 0:
                    before = (filled[s][c] - target[s][c]) / totals[c]
                    after = (filled[s][c] + cnt[c] - target[s][c]) / totals[c]
                    change += after * after - before * before
            if change < best_change:
                best, best_change = s, change
        placed.append(best)
        filled[best][0] += cnt[0]
        filled[best][1] += cnt[1]
    wanted = [s for s in open_ if fractions[s] > 0]
    sizes = [c[0] + c[1] for c in counts]
    for empty in wanted:
        if empty in placed:
            continue
        per = [placed.count(s) for s in wanted]
        donor_pos = max(range(len(per)), key=lambda j: (per[j], -j))
        if per[donor_pos] <= 1:
            break
        donor = wanted[donor_pos]
        cands = [j for j in range(len(placed)) if placed[j] == donor]
        smallest = min(cands, key=lambda j: (sizes[j], j))
        placed[smallest] = empty
    for k, s in zip(order, placed):
        for i in members[k]:
            out[i] = NAMES[s]
    return out


def grouped_videos(seed):
    """The 60-identity fixture of VideoSplitterTests.groupedVideos."""
    g = SplitMix64(seed)
    paths, labels, groups = [], [], []
    for identity in range(60):
        for clip in range(1 + g.next_int(12)):
            paths.append(f"id{identity}/{clip}.mp4")
            labels.append(0 if g.next_int(4) == 0 else 1)
            groups.append(f"id{identity}")
    return paths, labels, groups


if __name__ == "__main__":
    paths, labels, groups = grouped_videos(9)
    out = split(paths, labels, groups, [None] * len(paths), 42)
    for name in ("val", "test"):
        print(name + ": " + ",".join(sorted({g for g, s in zip(groups, out) if s == name})))
