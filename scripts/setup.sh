#!/usr/bin/env bash
# Installs everything the pipeline needs on a fresh Debian 12 + Swift machine:
# system packages (FFmpeg, HDF5, OpenBLAS, oneDNN, sample media, Slurm and munge for the cluster scripts'
# test) and the pretrained weight files.
# Safe to re-run: it only installs or fetches what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(pkg-config libavformat-dev libavcodec-dev libswscale-dev libavutil-dev
          libhdf5-dev hdf5-tools libopenblas-dev libdnnl-dev ffmpeg opencv-doc unzip python3
          slurm-wlm munge)
missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "setup: installing Debian packages: ${missing[*]}" >&2
    sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
python3 -c "import numpy" 2>/dev/null || pip install -q numpy

scripts/fetch-weights.sh
