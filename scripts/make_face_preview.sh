#!/usr/bin/env bash
# Rebuilds docs/images/face-preview.png, the README's contact sheet: five 2-second clips of scikit-image's
# astronaut photo (public domain, fetched by `make setup`) run through `extract faces --preview`.
set -euo pipefail
cd "$(dirname "$0")/.."
photo=models/test-media/astronaut.png
[ -f "$photo" ] || { echo "make_face_preview: $photo is missing: run make setup" >&2; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
clips=$work/data/faces; mkdir -p "$clips/real" "$clips/fake"
# encode INPUT-OPTIONS... OUTPUT: two seconds at 15 frames/s, H.264.
encode() { ffmpeg -v error -y "${@:1:$#-1}" -t 2 -r 15 -c:v libx264 -pix_fmt yuv420p "${@: -1}"; }
encode -loop 1 -framerate 15 -i "$photo" -filter_complex \
    "scale=480:480,zoompan=z='1+0.006*on':x='iw/2-(iw/zoom/2)':y='0':d=30:s=480x480" "$clips/real/astronaut-zoom.mp4"
# A phone clip: stored turned, upright through its display matrix (FFmpeg 5 keeps the tag on a stream copy).
encode -loop 1 -framerate 15 -i "$photo" -filter_complex "scale=360:480,transpose=clock" "$work/stored.mov"
ffmpeg -v error -y -i "$work/stored.mov" -c copy -metadata:s:v rotate=90 "$clips/real/astronaut-rotated-phone.mp4"
encode -f lavfi -i "color=c=0x303840:size=960x540:rate=15" -loop 1 -framerate 15 -i "$photo" -filter_complex \
    "[1]scale=300:300[a];[0][a]overlay=x='40+260*t':y=120:shortest=1,hflip" "$clips/fake/astronaut-moving.mp4"
encode -loop 1 -framerate 15 -i "$photo" -filter_complex \
    "scale=480:480,drawbox=x=150:y=60:w=180:h=200:color=black:t=fill:enable='between(t,0.6,1.2)'" \
    "$clips/fake/astronaut-occluded.mp4"
encode -f lavfi -i "testsrc2=size=320x240:rate=15" "$clips/real/no-face.mp4"
.build/release/extract faces --data faces --data-dir "$work/data" --cache-dir "$work/cache" --frames 10 --preview
# The sheet is stored uncompressed; ffmpeg's PNG encoder deflates it for the repository.
ffmpeg -v error -y -i "$work/cache/faces/faces_f10.preview.png" -compression_level 9 docs/images/face-preview.png
