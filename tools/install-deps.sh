#!/usr/bin/env bash
# Installs the Debian packages palabre builds and tests with, if any are
# missing. Runs apt-get as root, or through sudo when that needs no password;
# otherwise prints the one apt-get line to run and stops with status 1.
# The browser tests need Debian packages only: chromium, chromium-driver
# (chromedriver) and python3-selenium, which drives them.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake make g++ pkg-config
  libsqlite3-dev libsodium-dev libcpp-httplib-dev nlohmann-json3-dev zlib1g-dev
  catch2 libcli11-dev libbenchmark-dev
  chromium chromium-driver python3-selenium fonts-dejavu-core
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

line="apt-get install -y ${missing[*]}"
if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "palabre needs these Debian packages: ${missing[*]}" >&2
  echo "Run as root:  apt-get update && $line" >&2
  exit 1
fi
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! "${sudo[@]}" apt-get update -q >/dev/null ||
   ! "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; then
  echo "Installing the packages failed. Run:  apt-get update && $line" >&2
  exit 1
fi
