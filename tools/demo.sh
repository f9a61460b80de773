#!/usr/bin/env bash
# palabre's demo, run by `make run`. It creates a vault in a temporary
# directory and records every example session of examples/ in it. It then
# records follow-ups on three commitments of the Gao police and shows the
# sessions, the open and overdue commitments and the brief for Gao, and
# ends by verifying the vault, then starts the web app (`palabre ui`) on
# the demo vault until Ctrl-C (PALABRE_DEMO_NO_UI=1 skips it). The
# temporary directory is removed on exit.
# The demo passphrase travels on file descriptor 3 (--passphrase-fd 3),
# never in argv or the environment, just as a script of yours should pass
# it.
#
# Needs only bash, coreutils, grep and sed: no jq, no python.
#
# Usage: bash tools/demo.sh PATH/TO/palabre
set -euo pipefail

palabre=${1:?usage: tools/demo.sh PATH/TO/palabre}
if [[ ! -x $palabre ]]; then
  echo "demo: $palabre is not an executable; build first (make run)" >&2
  exit 1
fi

examples="$(dirname "$0")/../examples"
shopt -s nullglob
example_files=("$examples"/*.json)
shopt -u nullglob
if ((${#example_files[@]} == 0)); then
  echo "demo: no example sessions (*.json) in $examples" >&2
  exit 1
fi

workdir=$(mktemp -d "${TMPDIR:-/tmp}/palabre-demo.XXXXXX")
trap 'rm -rf "$workdir"' EXIT
vault="$workdir/vault"
passphrase='demo passphrase, not for real use'

step() { printf '\n== %s\n\n' "$*"; }

# Runs palabre on the demo vault, the passphrase on descriptor 3.
pal() {
  "$palabre" --vault "$vault" --passphrase-fd 3 "$@" 3<<<"$passphrase"
}

step "1. Create a vault in $vault (fast 'interactive' key derivation)"
echo "   The passphrase goes in on descriptor 3; the recovery code is shown once."
echo
pal init --kdf interactive

step "2. Record the ${#example_files[@]} example sessions of examples/"
echo "   Each file is checked whole before anything is written; each of its"
echo "   commitments becomes a Commitment record with its own id, status open."
echo
for file in "${example_files[@]}"; do
  printf -- '-- %s\n' "${file##*/}"
  pal session add --file "$file"
done

step "3. The sessions, newest first"
pal session list

owner='Commissariat de police de Gao'
step "4. The commitments of the $owner"
pal commitment list --owner "$owner"

# The same list as JSON. The demo takes each commitment's id from it with
# grep and sed. It assumes only that every commitment is a JSON object with
# a string "id" (32 hex digits) and its "action" text, and that no object
# nested inside it comes first.
owner_json=$(pal commitment list --json --owner "$owner")

# Prints the id of the commitment whose object in $owner_json contains
# PHRASE, an ASCII phrase of its action. The JSON is cut before every "{"
# so that each line holds one object.
commitment_id() {
  local phrase=$1 id
  id=$(printf '%s\n' "$owner_json" | tr -d '\n' | sed 's/{/\n{/g' |
    grep -F -- "$phrase" | grep -o '"id": *"[0-9a-f]\{32\}"' | head -n 1 |
    sed 's/.*"\([0-9a-f]\{32\}\)"$/\1/') || true
  if [[ -z $id ]]; then
    echo "demo: no commitment of $owner mentions \"$phrase\"" \
      "in 'commitment list --json'" >&2
    return 1
  fi
  printf '%s\n' "$id"
}

# follow_up PHRASE STATUS DATE NOTE: records a follow-up on the commitment
# whose action contains PHRASE.
follow_up() {
  local id
  id=$(commitment_id "$1")
  printf -- '-- "%s…" (%s): %s on %s\n' "$1" "${id:0:8}" "$2" "$3"
  pal commitment update "$id" --status "$2" --date "$3" --note "$4"
}

step "5. Record follow-ups reported at the June meeting in Gao"
echo "   A follow-up is a dated status change with a note. The commitment's"
echo "   status becomes that of its latest follow-up."
echo
follow_up "patrouilles de nuit" "done" 2026-03-10 \
  "Deux patrouilles de nuit supplémentaires par semaine à Château et Sosso Koira."
follow_up "point focal jeunesse" "done" 2026-04-12 \
  "Un officier est désigné point focal jeunesse ; son numéro est remis aux associations de jeunes."
follow_up "Publier les horaires" in_progress 2026-06-13 \
  "Horaires et emplacement affichés au poste de sortie nord seulement ; les autres postes restent à faire."

step "6. Commitments with status open: agreed, nothing reported since"
pal commitment list --status open

step "7. Overdue commitments: due date passed, still open or in progress (as of today, $(date +%F))"
pal commitment list --overdue

step "8. The brief for Gao (Mali): what the next meeting should open with"
pal brief --country ML --region Gao

step "9. Verify the vault: every log entry's signature and hash chain, and the tables rebuilt from the log"
pal verify

step "10. What is on disk: only ciphertext"
ls -l "$vault"

if [[ ${PALABRE_DEMO_NO_UI:-} == 1 ]]; then
  step "Done. The demo vault in $workdir is removed now."
  exit 0
fi

step "11. The web app: palabre ui on the demo vault (Ctrl-C stops it and removes the vault)"
echo "   It listens on 127.0.0.1 only and opens your browser if it can; otherwise"
echo "   open the link it prints below. The page asks for the passphrase:"
echo "       $passphrase"
echo
# Not through pal(): the page asks for the passphrase, nothing is read here.
"$palabre" --vault "$vault" ui || true
echo
echo "The demo vault in $workdir is removed now."
