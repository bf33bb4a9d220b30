#!/usr/bin/env bash
# Makes the project ready to run: installs the Debian packages it needs (only the missing
# ones; `apt-get update` once, only when something must be installed), installs the npm
# packages of the JS client tests, then configures and builds. Safe to run again: it does
# only what is missing.
#
#   scripts/setup.sh            packages + build
#   scripts/setup.sh --no-build packages only
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  g++ cmake ninja-build pkg-config
  libboost-dev nlohmann-json3-dev libcurl4-openssl-dev libssl-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libre2-dev
  libxml2-dev libxml2-utils
  dpkg-dev  # dpkg-shlibdeps: the .deb's Depends (cpack -G DEB, ctest -L package)
  clang libfuzzer-14-dev libclang-rt-14-dev
  curl python3 python3-websockets ca-certificates
  chromium fonts-dejavu-core
  tmux  # the interactive chat client is tested in a real terminal pane
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js runs the official Ollama client test; the machine's own node is used if present.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: need root to install packages (run as root, or install them yourself)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The JS client tests' dependencies, from the npm registry, exactly as locked.
if [[ ! -d tests/js/node_modules || tests/js/package-lock.json -nt tests/js/node_modules ]]; then
  if [[ -f tests/js/package-lock.json ]]; then
    echo "setup: npm ci (tests/js)"
    (cd tests/js && npm ci --no-audit --no-fund --loglevel=error)
    touch tests/js/node_modules
  fi
fi

[[ "${1:-}" == "--no-build" ]] && exit 0

BUILD_DIR=${BUILD_DIR:-build}
if [[ ! -f "$BUILD_DIR/build.ninja" ]]; then
  # -g1: line tables (backtraces, sanitizer and valgrind reports) without the variable and
  # type info of -g, which costs about a third of the compile time of a Beast-heavy file.
  # Configure your own tree with -g for a debugger.
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" >/dev/null
fi
cmake --build "$BUILD_DIR" -j "$(nproc)"
