#!/usr/bin/env bash
# Installs what building and testing zarrnative needs, on Debian/Ubuntu.
# Idempotent and quiet when everything is present already.
#
#   third_party/install-deps.sh          system libraries + build tools
#   third_party/install-deps.sh test     ... + the test dependencies
#   third_party/install-deps.sh bench    ... + the benchmark peers
set -euo pipefail

PY=${PYTHON:-python3}
DEBS=(
  libzstd-dev        # zstd codec
  zlib1g-dev         # zlib / gzip encode
  libdeflate-dev     # gzip / zlib decode (faster than zlib)
  libblosc-dev       # c-blosc 1.x: the format numcodecs writes
  liblz4-dev         # numcodecs LZ4
  libbz2-dev         # numcodecs BZ2
  libisal-dev        # hardware crc32c (crc32_iscsi)
  nlohmann-json3-dev # metadata JSON
  libgtest-dev       # C++ unit tests of the core
  pkg-config
)

missing=()
for p in "${DEBS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >/dev/null
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Python build tools (pinned: the build is checked with these versions).
want=("packaging" "nanobind==3.1.0" "scikit-build-core==1.1.2" "numpy>=1.26" "cmake>=3.26" "ninja")
case "${1:-}" in
  test)  want+=("pytest>=8" "zarr==3.1.6" "numcodecs==0.16.*" "tensorstore==0.1.86" "crc32c" "torch==2.13.0") ;;
  bench) want+=("zarr==3.1.6" "numcodecs==0.16.*" "tensorstore==0.1.86" "zarrs==0.2.3") ;;
esac
if ! $PY - "${want[@]}" <<'PYEOF' 2>/dev/null
import sys
from importlib.metadata import version, PackageNotFoundError
from packaging.requirements import Requirement
for spec in sys.argv[1:]:
    r = Requirement(spec)
    try:
        v = version(r.name)
    except PackageNotFoundError:
        sys.exit(1)
    if r.specifier and not r.specifier.contains(v, prereleases=True):
        sys.exit(1)
PYEOF
then
  echo "install-deps: installing Python packages: ${want[*]}"
  $PY -m pip install -q "${want[@]}"
fi
