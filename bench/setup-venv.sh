#!/usr/bin/env bash
# Creates bench/.venv (git-ignored) with the peers the benchmark compares against: ONNX Runtime,
# OpenCV, numpy and TensorFlow-Keras. A package PyPI cannot give is skipped; the harness then prints n/a.
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
exit 0
