#!/usr/bin/env bash
# torch >= 2.10 headers need C++20, but mmcv 2.1.0's setup.py pins -std=c++17
# (it comes last on the command line, so CXXFLAGS cannot override it). This
# wrapper, set as CXX for mmcv's build only, swaps the standard and nothing else.
args=()
for a in "$@"; do
  if [ "$a" = "-std=c++17" ] || [ "$a" = "-std=c++14" ]; then a="-std=c++20"; fi
  args+=("$a")
done
exec "${MMINTERN_REAL_CXX:-c++}" "${args[@]}"
