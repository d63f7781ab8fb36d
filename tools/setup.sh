#!/usr/bin/env bash
# Installs what cpjit needs from Debian's packages (only what is missing),
# then configures and builds the release build in build/.
#   tools/setup.sh            deps + build/
#   tools/setup.sh --deps     deps only
#   tools/setup.sh --aarch64  deps + the AArch64 cross toolchain, qemu-user and
#                             arm64 multiarch libraries, then the AArch64
#                             cross build in build-aarch64/ (tests run under
#                             qemu: ctest --test-dir build-aarch64)
#   tools/setup.sh --fuzz     deps + clang-19 and libclang-rt-19-dev (libFuzzer
#                             and the sanitizer runtimes for clang 19), then
#                             the fuzz build in build-fuzz/ (docs/reliability.md)
#   tools/setup.sh --browser  deps + Debian's chromium (for the explorer's
#                             browser test, ctest explore.browser; CI only),
#                             then build/ as usual
#   tools/setup.sh --stencils deps + clang-19 and llvm-19-dev, then the build
#                             that regenerates the stencils, build-regen/
#                             (-DCPJIT_REGENERATE_STENCILS=ON; docs/stencils.md)
#   tools/setup.sh --profiling deps + linux-perf and gdb (docs/profiling.md;
#                             the profiling.* tests skip without them), then build/
#   tools/setup.sh --llvm     deps + clang-19 and llvm-19-dev, then the build
#                             with the LLVM backend, build-llvm/
#                             (-DCPJIT_LLVM_BACKEND=ON; docs/backends.md)
set -euo pipefail
cd "$(dirname "$0")/.."

aarch64=0
fuzz=0
stencils=0
profiling=0
llvm=0
browser=0
deps_only=0
for arg in "$@"; do
  case "$arg" in
    --deps) deps_only=1 ;;
    --aarch64) aarch64=1 ;;
    --fuzz) fuzz=1 ;;
    --stencils) stencils=1 ;;
    --profiling) profiling=1 ;;
    --llvm) llvm=1 ;;
    --browser) browser=1 ;;
    *) echo "setup: unknown option $arg (use --deps, --aarch64, --fuzz, --stencils, --llvm, --browser, --profiling)" >&2; exit 2 ;;
  esac
done

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

packages=(build-essential cmake ninja-build libfmt-dev libasmjit-dev libcapstone-dev doctest-dev nlohmann-json3-dev python3)
updated=0
if ((aarch64)); then
  packages+=(qemu-user g++-aarch64-linux-gnu libc6-dev-arm64-cross libfmt-dev:arm64 libasmjit-dev:arm64 libcapstone-dev:arm64)
  # libfmt-dev:arm64 comes from Debian's arm64 multiarch architecture.
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    echo "setup: adding the arm64 dpkg architecture"
    $sudo dpkg --add-architecture arm64
    $sudo apt-get update -qq
    updated=1
  fi
fi
((fuzz)) && packages+=(clang-19 libclang-rt-19-dev)
((stencils)) && packages+=(clang-19 llvm-19-dev)
((profiling)) && packages+=(linux-perf gdb)
((llvm)) && packages+=(clang-19 llvm-19-dev)
((browser)) && packages+=(chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  ((updated)) || $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
((deps_only)) && exit 0

if ((aarch64)); then
  cmake -S . -B build-aarch64 -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/toolchains/aarch64-linux-gnu.cmake" >/dev/null
  ninja -C build-aarch64
  echo "setup: built build-aarch64/cpjit (AArch64; run it with qemu-aarch64)"
  exit 0
fi

if ((fuzz)); then
  CC=clang-19 CXX=clang++-19 cmake -S . -B build-fuzz -G Ninja -DCPJIT_FUZZ=ON \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF >/dev/null
  ninja -C build-fuzz fuzz_text_loader fuzz_binary_loader fuzz_differential
  echo "setup: built the fuzz targets in build-fuzz/tests/fuzz (run: tests/fuzz/run_fuzzers.sh)"
  exit 0
fi

if ((stencils)); then
  cmake -S . -B build-regen -G Ninja -DCMAKE_BUILD_TYPE=Release -DCPJIT_REGENERATE_STENCILS=ON >/dev/null
  ninja -C build-regen
  echo "setup: built build-regen/ (stencils regenerated into build-regen/stencils; ninja -C build-regen regenerate-stencils copies them into jit/copy_patch/generated/)"
  exit 0
fi

if ((llvm)); then
  cmake -S . -B build-llvm -G Ninja -DCMAKE_BUILD_TYPE=Release -DCPJIT_LLVM_BACKEND=ON >/dev/null
  ninja -C build-llvm
  echo "setup: built build-llvm/cpjit with the LLVM backend (--jit=llvm-O0|llvm-O2)"
  exit 0
fi

# (Re)configure: a browser installed since the last run adds its test.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C build
echo "setup: built build/cpjit"
