#!/usr/bin/env bash
# Installs the Debian packages palabre builds and tests with, if any are
# missing. Runs apt-get as root, or through sudo when that needs no password;
# otherwise prints the one apt-get line to run and stops with status 1.
# Then installs the browser tests' one npm package (playwright-core, which
# drives Debian's chromium; it downloads no browser) into tests/browser/.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake make g++ pkg-config
  libsqlite3-dev libsodium-dev libcpp-httplib-dev nlohmann-json3-dev zlib1g-dev
  catch2 libcli11-dev libbenchmark-dev
  fonts-dejavu-core
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
# The browser tests: Debian's chromium, and Node.js with npm unless a
# Node.js (18 or newer) is there already, from Debian or elsewhere.
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

install_npm_packages() {
  local dir=tests/browser
  local stamp=$dir/node_modules/.palabre-installed
  if [[ -f $stamp && $stamp -nt $dir/package-lock.json ]]; then
    return 0
  fi
  echo "Installing the browser tests' npm package (playwright-core) into $dir"
  if ! npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error >/dev/null; then
    # Everything else still builds and runs; only the browser tests need it.
    echo "warning: npm ci in $dir failed (the npm registry is unreachable, or" \
         "its TLS certificate is not trusted here): the browser tests will not" \
         "be registered; run 'npm ci --prefix $dir' once it is reachable" >&2
    return 0
  fi
  touch "$stamp"
}

if [[ ${#missing[@]} -eq 0 ]]; then
  install_npm_packages
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
install_npm_packages
