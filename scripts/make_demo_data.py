#!/usr/bin/env python3
"""Builds the built-in demo dataset from the videos Debian's opencv-doc ships.

Each "real" clip is a 2 s window of a source video, scaled to 320x240 and encoded as H.264. `--sources videos`
(the default, data/demo) takes the windows from opencv-doc's three videos; `--sources photos` (data/demo2) from
footage of other scenes, made by panning and zooming a camera-like window over four of its photographs, so a
second dataset made the same way shares no source with the first (for cross-dataset evaluation). Its "fake"
twin is the same window with a face-swap-like manipulation: a rectangular region is replaced by content
from another video (another time and place), blended into the frame through a feathered border, as a
face swap pastes a generated face over the original one. Everything is derived from --seed, so the same
seed gives the same clips (byte-identical with the same FFmpeg build). Nothing here is committed.

Layout written: <out>/real/*.mp4, <out>/fake/*.mp4 and <out>/labels.csv (path,label,group): a real clip and
its fake twin share a group, so `train` keeps each pair on one side of the split, as FaceForensics++'s
official split keeps a source video with its fakes (otherwise the test set would hold the twins of
training clips).
"""
import argparse
import os
import random
import shutil
import subprocess
import sys

MEDIA = os.environ.get("OPENCV_DATA", "/usr/share/doc/opencv-doc/examples/data")
VIDEO_SOURCES = [("Megamind.avi", 11.0), ("vtest.avi", 79.0), ("tree.avi", 29.0)]
PHOTOS = ["messi5.jpg", "home.jpg", "building.jpg", "baboon.jpg"]
PHOTO_SECONDS = 12.0
CLIP_SECONDS = 2.0
WIDTH, HEIGHT = 320, 240


def run(args):
    result = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        sys.exit(f"make_demo_data: ffmpeg failed: {result.stderr.strip().splitlines()[-1:]}\n  command: {' '.join(args)}")


def photo_footage(folder, rng):
    """A 640x480, 25 fps clip of each photo: a window that zooms in while drifting across it, as a hand-held
    camera would film a still scene; returns the sources list with each clip's duration."""
    sources = []
    frames = int(PHOTO_SECONDS * 25)
    for name in PHOTOS:
        zoom_end = rng.uniform(1.3, 1.6)
        dx, dy = rng.choice([-1, 1]), rng.choice([-1, 1])
        # x and y move the window from one side of the zoomed photo to the other over the clip.
        pan = (f"zoompan=z='1.05+{zoom_end - 1.05:.3f}*on/{frames}':d={frames}:s=640x480:fps=25:"
               f"x='(iw-iw/zoom)*(0.5+{dx}*0.45*(2*on/{frames}-1))':y='(ih-ih/zoom)*(0.5+{dy}*0.3*(2*on/{frames}-1))'")
        out = os.path.join(folder, os.path.splitext(name)[0] + ".mp4")
        run(["ffmpeg", "-v", "error", "-i", os.path.join(MEDIA, name), "-vf", f"scale=1280:-2,{pan},format=yuv420p",
             "-frames:v", str(frames), "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-an", "-y", out])
        sources.append((out, PHOTO_SECONDS))
    return sources


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="data/demo", help="dataset folder to create (default data/demo)")
    parser.add_argument("--pairs", type=int, default=30, help="number of real/fake clip pairs (default 30)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--sources", choices=["videos", "photos"], default="videos",
                        help="footage the clips come from: opencv-doc's videos (default, data/demo) or pan-and-zoom "
                             "clips of its photographs (data/demo2)")
    args = parser.parse_args()

    needed = [name for name, _ in VIDEO_SOURCES] if args.sources == "videos" else PHOTOS
    for name in needed:
        if not os.path.exists(os.path.join(MEDIA, name)):
            sys.exit(f"make_demo_data: {os.path.join(MEDIA, name)} is missing: run `make setup` (installs opencv-doc)")
    rng = random.Random(args.seed)
    partial = args.out.rstrip("/") + ".partial"
    shutil.rmtree(partial, ignore_errors=True)
    os.makedirs(os.path.join(partial, "real"))
    os.makedirs(os.path.join(partial, "fake"))
    # The photo footage is an input, not part of the dataset: it lives beside it until the end.
    footage = os.path.join(partial, "footage")
    if args.sources == "photos":
        os.makedirs(footage)
        sources = photo_footage(footage, rng)
    else:
        sources = [(os.path.join(MEDIA, name), duration) for name, duration in VIDEO_SOURCES]

    rows = ["path,label,group"]
    scale = f"scale={WIDTH}:{HEIGHT},fps=25,format=yuv420p"
    encode = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-g", "25", "-an", "-y"]
    for i in range(args.pairs):
        source, duration = sources[i % len(sources)]
        start = rng.uniform(0, duration - CLIP_SECONDS - 0.2)
        donor, donor_duration = sources[(i + 1 + rng.randrange(len(sources) - 1)) % len(sources)]
        donor_start = rng.uniform(0, donor_duration - CLIP_SECONDS - 0.2)
        pw, ph = rng.randrange(96, 144, 8), rng.randrange(96, 136, 8)
        px, py = rng.randrange(0, WIDTH - pw, 4), rng.randrange(0, HEIGHT - ph, 4)
        feather = 12
        stem = f"{os.path.splitext(os.path.basename(source))[0].lower()}_{i:03d}"
        src = source
        run(["ffmpeg", "-v", "error", "-ss", f"{start:.3f}", "-t", str(CLIP_SECONDS), "-i", src,
             "-vf", scale, *encode, os.path.join(partial, "real", stem + ".mp4")])
        patch = (f"[1:v]{scale},crop={pw}:{ph}:{(WIDTH - pw) // 2}:{(HEIGHT - ph) // 2},format=rgba,"
                 f"geq=r='r(X,Y)':g='g(X,Y)':b='b(X,Y)':"
                 f"a='255*clip(min(min(X,Y),min(W-1-X,H-1-Y))/{feather},0,1)'[patch];"
                 f"[0:v]{scale}[base];[base][patch]overlay={px}:{py}:shortest=1,format=yuv420p")
        run(["ffmpeg", "-v", "error", "-ss", f"{start:.3f}", "-t", str(CLIP_SECONDS), "-i", src,
             "-ss", f"{donor_start:.3f}", "-t", str(CLIP_SECONDS), "-i", donor,
             "-filter_complex", patch, *encode, os.path.join(partial, "fake", stem + ".mp4")])
        rows += [f"real/{stem}.mp4,real,{stem}", f"fake/{stem}.mp4,fake,{stem}"]
        print(f"\rmake_demo_data: {i + 1}/{args.pairs} pairs", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    shutil.rmtree(footage, ignore_errors=True)
    with open(os.path.join(partial, "labels.csv"), "w") as labels:
        labels.write("\n".join(rows) + "\n")
    shutil.rmtree(args.out, ignore_errors=True)
    os.rename(partial, args.out)
    print(f"make_demo_data: {args.pairs} real + {args.pairs} fake clips in {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
