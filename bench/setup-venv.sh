#!/usr/bin/env bash
# Creates bench/.venv (git-ignored) with the peers the benchmark compares against: ONNX Runtime,
# OpenCV, numpy and TensorFlow-Keras; and, where the system Python has torch (Debian's python3-torch),
# bench/work/venv-torch for the facenet-pytorch peer. A package PyPI cannot give is skipped; the harness
# then prints n/a.
# Safe to re-run: installed packages are left alone.
set -uo pipefail
cd "$(dirname "$0")"
venv=.venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" || { echo "setup-venv: python3 -m venv failed (apt-get install python3-venv)" >&2; exit 1; }
    "$venv/bin/pip" install -q --upgrade pip >/dev/null 2>&1 || true
fi
pip="$venv/bin/pip"
# Each line: the import name, then the pip requirement (requirements.txt pins the versions).
while read -r module requirement; do
    [ -z "$module" ] && continue
    if "$venv/bin/python" -c "import $module" >/dev/null 2>&1; then continue; fi
    # Probe first, so a missing wheel (new Python, odd platform) is reported rather than half-installed.
    probe=$(mktemp -d)
    if ! "$pip" download -q --no-deps -d "$probe" "$requirement" >/dev/null 2>&1; then
        echo "setup-venv: $requirement is not available from PyPI here; its peer will show n/a" >&2
        rm -rf "$probe"; continue
    fi
    rm -rf "$probe"
    echo "setup-venv: installing $requirement" >&2
    "$pip" install -q "$requirement" >/dev/null 2>&1 \
        || echo "setup-venv: installing $requirement failed; its peer will show n/a" >&2
done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' requirements.txt | awk '{ split($1, a, /[=<>~!]/); m = a[1]; gsub(/-/, "_", m);
    if (m == "opencv_python_headless") m = "cv2"; if (m == "tensorflow_cpu" || m == "tensorflow") m = "tensorflow";
    print m, $1 }')
# The facenet-pytorch peer: a second venv over the system Python's torch (Debian's python3-torch; PyPI's torch
# is ~700 MB), with numpy held below 2 as that torch needs. Without torch the face rows' peers print n/a.
system_python=/usr/bin/python3
torch_venv=work/venv-torch  # under the git-ignored bench/work
# torchvision too: export_backbones.py builds the registry's backbones from it for their ONNX Runtime rows.
if ! "$system_python" -c "import torch, torchvision" >/dev/null 2>&1 \
        && ! { dpkg -s python3-torch && dpkg -s python3-torchvision; } >/dev/null 2>&1; then
    echo "setup-venv: installing Debian's python3-torch and python3-torchvision for the torch peers" >&2
    sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends python3-torch \
        python3-torchvision >/dev/null 2>&1 || true
fi
if ! "$system_python" -c "import torch" >/dev/null 2>&1; then
    echo "setup-venv: no torch for $system_python (apt-get install python3-torch python3-torchvision);" \
         "the facenet-pytorch rows will show n/a" >&2
else
    if [ ! -x "$torch_venv/bin/python" ]; then
        "$system_python" -m venv --system-site-packages "$torch_venv" \
            || { echo "setup-venv: cannot make $torch_venv; the facenet-pytorch rows will show n/a" >&2; exit 0; }
    fi
    tpip="$torch_venv/bin/pip"
    if ! "$torch_venv/bin/python" -c "import cv2, onnxruntime, tqdm, requests, PIL" >/dev/null 2>&1; then
        echo "setup-venv: installing onnxruntime, opencv-python-headless (numpy < 2) into $torch_venv" >&2
        constraints=$(mktemp); echo "numpy<2" > "$constraints"
        "$tpip" install -q -c "$constraints" onnxruntime opencv-python-headless tqdm requests Pillow >/dev/null 2>&1 \
            || echo "setup-venv: installing the facenet-pytorch peer's packages failed; its rows will show n/a" >&2
        rm -f "$constraints"
    fi
    if ! "$torch_venv/bin/python" -c "import facenet_pytorch" >/dev/null 2>&1; then
        echo "setup-venv: installing facenet-pytorch==2.6.0 (--no-deps: it would pull another torch) into $torch_venv" >&2
        "$tpip" install -q --no-deps facenet-pytorch==2.6.0 >/dev/null 2>&1 \
            || echo "setup-venv: installing facenet-pytorch failed; its rows will show n/a" >&2
    fi
    # bench/export_backbones.py builds Xception from timm's legacy_xception, as its owners publish it; --no-deps
    # for the same reason as above. Without it the xception row shows n/a.
    if ! "$torch_venv/bin/python" -c "import timm" >/dev/null 2>&1; then
        echo "setup-venv: installing timm==0.9.16 (--no-deps) into $torch_venv" >&2
        "$tpip" install -q --no-deps timm==0.9.16 >/dev/null 2>&1 \
            || echo "setup-venv: installing timm failed; the xception row will show n/a" >&2
    fi
fi
exit 0
