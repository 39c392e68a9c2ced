#!/usr/bin/env bash
# GPU check: MetaNet-B4 against mmpretrain's Swin-T, training throughput
# (forward + backward + SGD step), bf16 autocast, batch 64, 224x224, on a
# fresh machine with one NVIDIA GPU. Fits in 8 minutes: it uses the torch
# that is there (or installs it), installs the OpenMMLab Python packages and
# builds mmcv with CPU ops only (MetaNet and Swin are plain PyTorch; a
# backbone timing needs no compiled CUDA op), all in about 3 minutes on 16
# cores, then times both models with tools/analysis_tools/benchmark.py.
#
#   bash tools/gpu_check.sh fetch   # where pip reaches PyPI: wheels into .whl/
#   bash tools/gpu_check.sh         # on the GPU machine (uses .whl/ if there)
set -euo pipefail
cd "$(dirname "$0")/.."
# The Python packages of the timing beyond torch, torchvision and numpy.
# (The workplace's GPU image has numpy, opencv, rich, timm, scipy already.)
PKGS=(mmengine==0.10.7 mmpretrain==1.2.0 addict yapf termcolor mat4py
      model-index ordered-set einops platformdirs tomli
      'setuptools<81')  # mmcv's setup.py needs pkg_resources
if [ "${1:-}" = fetch ]; then
  # For a GPU machine without internet: Python 3.12 wheels + mmcv's sdist.
  py=${GPU_PYTHON_VERSION:-3.12}
  python3 -m pip download -q --no-deps --only-binary=:all: --python-version "$py" \
    --implementation cp --platform manylinux_2_28_x86_64 \
    --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
    -d .whl "${PKGS[@]}"
  # pip cannot download mmcv's sdist without running its setup.py, which
  # needs torch: take the file the index lists.
  url=$(curl -fsS https://pypi.org/simple/mmcv/ | grep -o 'https://[^"#]*/mmcv-2.1.0.tar.gz' | head -n1)
  curl -fsS -o .whl/mmcv-2.1.0.tar.gz "$url"
  du -sh .whl
  exit 0
fi

start=$SECONDS
python3 -c 'import torch; assert torch.cuda.is_available(), "no CUDA device visible to torch"'
python3 -c 'import torch, torchvision' 2>/dev/null || python3 -m pip install -q torch torchvision
SITE=${GPU_CHECK_SITE:-/tmp/gpu_check_site}
mkdir -p "$SITE"
export PYTHONPATH="$SITE:$PWD"
if [ -d .whl ]; then src=(--no-index --find-links .whl); else src=(); fi
python3 -m pip install -q --no-deps --upgrade --target "$SITE" "${src[@]}" "${PKGS[@]}"
python3 -c 'import pkg_resources' # the build below needs it
echo "[gpu_check] python packages in $((SECONDS - start)) s"
# CPU ops only (FORCE_CUDA=0 and no device visible to the build): the CUDA
# ops would take most of the 8 minutes and the timing uses none of them.
FORCE_CUDA=0 CUDA_VISIBLE_DEVICES= MMCV_WITH_OPS=1 MAX_JOBS=$(nproc) \
  CXX="$PWD/tools/cxx20.sh" python3 -m pip install -q --no-deps \
  --no-build-isolation --target "$SITE" "${src[@]}" mmcv==2.1.0
echo "[gpu_check] mmcv 2.1.0 (CPU ops) built by $((SECONDS - start)) s"
python3 tools/analysis_tools/benchmark.py --archs b4 --peers Swin-T \
  --device cuda --train --bf16 --batches 64 --iters 20 --warmup 5
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv || true
echo "[gpu_check] done in $((SECONDS - start)) s"
