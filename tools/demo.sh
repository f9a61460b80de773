#!/usr/bin/env bash
# palabre's demo, run by `make run`: creates a vault in a temporary directory,
# shows its status, then locks it, explaining each step. The temporary
# directory is removed on exit. The demo passphrase travels on file
# descriptor 3 (--passphrase-fd 3), never in argv or the environment, just as
# a script of yours should pass it.
#
# Usage: bash tools/demo.sh PATH/TO/palabre
set -euo pipefail

palabre=${1:?usage: tools/demo.sh PATH/TO/palabre}
if [[ ! -x $palabre ]]; then
  echo "demo: $palabre is not an executable; build first (make run)" >&2
  exit 1
fi

workdir=$(mktemp -d "${TMPDIR:-/tmp}/palabre-demo.XXXXXX")
trap 'rm -rf "$workdir"' EXIT
vault="$workdir/vault"
passphrase='demo passphrase, not for real use'

step() { printf '\n== %s\n\n' "$*"; }

step "1. Create a vault in $vault (fast 'interactive' key derivation)"
echo "   The passphrase goes in on descriptor 3; the recovery code is shown once."
echo
"$palabre" --vault "$vault" init --kdf interactive --passphrase-fd 3 \
  3<<<"$passphrase"

step "2. Show its status (unlocks with the passphrase to count records)"
"$palabre" --vault "$vault" status --passphrase-fd 3 3<<<"$passphrase"

step "3. What is on disk: only ciphertext"
ls -l "$vault"

step "4. Lock it (no key stays in memory; any pending log is folded in)"
"$palabre" --vault "$vault" lock --passphrase-fd 3 3<<<"$passphrase"

step "Done. The demo vault in $workdir is removed now."
