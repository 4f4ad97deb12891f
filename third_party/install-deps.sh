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
  liblzma-dev        # numcodecs LZMA
  libzfp-dev         # numcodecs ZFPY
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
# "test" and "bench" add the extras of the same name from pyproject.toml (one list).
case "${1:-}" in
  test|bench)
    mapfile -t extra < <($PY - "$(dirname "$0")/../pyproject.toml" "$1" <<'PYEOF'
import sys, tomllib
with open(sys.argv[1], "rb") as f:
    print("\n".join(tomllib.load(f)["project"]["optional-dependencies"][sys.argv[2]]))
PYEOF
)
    [ "${#extra[@]}" -gt 0 ] || { echo "install-deps: no '$1' extra in pyproject.toml" >&2; exit 1; }
    want+=("${extra[@]}") ;;
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
