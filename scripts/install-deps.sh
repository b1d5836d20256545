#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Install the Debian 12 packages ghdk needs to build, test and plot; only the missing ones.
set -euo pipefail
pkgs=(build-essential cmake pkg-config git
      libsundials-dev libfftw3-dev libgsl-dev libnetcdf-dev netcdf-bin liblua5.4-dev
      openmpi-bin libopenmpi-dev
      python3-numpy python3-matplotlib python3-netcdf4)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "ghdk: installing Debian packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "ghdk: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
