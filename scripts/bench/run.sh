#!/bin/sh
# Run every benchmark pair scripts/bench/<topic>.lua + <topic>.py in the same
# session and print, per measurement, gibbs's time, NumPy's and their ratio
# (below 1: gibbs is faster).  Each script prints lines "name seconds" (the
# best of its own repetitions).  Then the start-up figures.
#   sh scripts/bench/run.sh [topic ...]
set -u
BUILD=${GIBBS_BUILD:-build}
GIBBS=$BUILD/gibbs
PY=/usr/bin/python3
DIR=$(dirname "$0")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

topics=${*:-$(for f in "$DIR"/*.lua; do basename "$f" .lua; done)}
printf '%-32s %12s %12s %8s\n' benchmark gibbs numpy ratio
for t in $topics; do
  [ -f "$DIR/$t.lua" ] && [ -f "$DIR/$t.py" ] || continue
  "$GIBBS" "$DIR/$t.lua" > "$TMP/g" || { echo "$t: gibbs failed"; continue; }
  "$PY" "$DIR/$t.py" > "$TMP/p" || { echo "$t: python failed"; continue; }
  echo "[$t]"
  sort "$TMP/g" > "$TMP/gs"
  sort "$TMP/p" > "$TMP/ps"
  join "$TMP/gs" "$TMP/ps" | awk '{ printf "  %-30s %12.6f %12.6f %8.2f\n", $1, $2, $3, $2 / $3 }'
done

# Start-up: the best of 20 runs each of gibbs -e '' (every module loaded),
# lua5.4 -e '' and python3 -c 'import numpy'.
best() {
  b=999
  for i in $(seq 20); do
    s=$(date +%s.%N); "$@" > /dev/null 2>&1; e=$(date +%s.%N)
    b=$(echo "$e - $s" | awk -v b="$b" '{ split($0, x, " - "); d = x[1] - x[2]; print (d < b ? d : b) }')
  done
  echo "$b"
}
g=$(best "$GIBBS" -e '')
l=$(best lua5.4 -e '')
n=$(best "$PY" -c 'import numpy')
echo "[startup]"
awk -v g="$g" -v l="$l" -v n="$n" 'BEGIN {
  printf "  gibbs -e ''            %8.4f s\n  lua5.4 -e ''           %8.4f s\n  python3 -c import numpy %8.4f s\n", g, l, n
  printf "  gibbs / lua5.4 = %.2f (target <= 2), numpy / gibbs = %.1f (target >= 20)\n", g / l, n / g }'
