#!/usr/bin/env bash
# Create (or reuse) .venv and install the pinned OpenMMLab stack + mmintern.
# A re-run with everything installed takes seconds: each step checks before it installs.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
VENV=.venv
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
# The machine's pip config names local index folders that lack most packages;
# pip warns once per package about each. Those lines are noise, not errors.
pip_() {
  "$VENV/bin/python" -m pip install --disable-pip-version-check -q "$@" 2>&1 \
    | { grep -v '^WARNING: Location .* is ignored' || true; }
}
have() { "$VENV/bin/python" - "$@" <<'PYEOF'
import sys
from importlib.metadata import version, PackageNotFoundError
for spec in sys.argv[1:]:
    name, _, want = spec.partition('==')
    try:
        got = version(name)
    except PackageNotFoundError:
        sys.exit(1)
    if want and got != want:
        sys.exit(1)
PYEOF
}
if ! have torch==2.14.1 torchvision==0.29.1 setuptools wheel ninja; then
  echo '[setup] installing torch + build tools'
  pip_ -r requirements/build.txt
fi
if ! have mmcv==2.1.0; then
  echo '[setup] building mmcv 2.1.0 with ops (about 9 minutes on 2 cores the first time)'
  if command -v nvcc >/dev/null 2>&1; then export FORCE_CUDA=1; fi
  # tools/cxx20.sh: torch 2.14 headers need C++20, mmcv 2.1.0 asks for C++17.
  CXX="$PWD/tools/cxx20.sh" MMCV_WITH_OPS=1 MAX_JOBS=${MAX_JOBS:-2} \
    pip_ --no-build-isolation mmcv==2.1.0
fi
if ! have mmengine==0.10.7 mmpretrain==1.2.0 mmdet==3.3.0 mmsegmentation==1.2.2 ftfy regex h5py scipy pytest matplotlib; then
  echo '[setup] installing the OpenMMLab stack'
  pip_ -r requirements/runtime.txt -r requirements/tests.txt -r requirements/optional.txt
fi
if ! have mmintern; then
  echo '[setup] installing mmintern (editable)'
  pip_ --no-build-isolation --no-deps -e .
fi
