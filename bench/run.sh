#!/usr/bin/env bash
# Runs every benchmark binary of a build directory; each prints its own
# `bench <name> value=... baseline=... ratio=...` lines.
set -euo pipefail
dir=${1:-build}
status=0
for b in $(find "$dir/bench" -maxdepth 1 -type f -perm -u+x | sort); do
	echo "== $(basename "$b")"
	TZS_BUILD_DIR="$dir" "$b" || { echo "benchmark $b failed"; status=1; }
done
exit $status
