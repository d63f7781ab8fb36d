#!/usr/bin/env bash
# Installs what cpjit needs from Debian's packages (only what is missing),
# then configures and builds the release build in build/.
#   tools/setup.sh            deps + build/
#   tools/setup.sh --deps     deps only
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake ninja-build libfmt-dev doctest-dev python3)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
[ "${1:-}" = "--deps" ] && exit 0

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C build
echo "setup: built build/cpjit"
