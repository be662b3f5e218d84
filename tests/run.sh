#!/usr/bin/env bash
# Runs every test binary of each build directory given and prints one
# closing line "N passed, N failed, N skipped" for the whole suite.
set -u
total_pass=0 total_fail=0 total_skip=0 failed_bins=()
for dir in "$@"; do
	[ -d "$dir/tests" ] || continue
	for bin in $(find "$dir/tests" -type f -perm -u+x | sort); do
		name=${bin#"$dir"/}
		echo "== [$dir] $name"
		out=$(TZS_BUILD_DIR="$dir" timeout 600 "$bin" 2>&1)
		rc=$?
		echo "$out" | grep -v '^ok ' || true
		line=$(echo "$out" | grep '^RESULT ' | tail -1)
		if [ -z "$line" ]; then
			echo "  no RESULT line (exit $rc)"
			total_fail=$((total_fail + 1))
			failed_bins+=("$dir/$name")
			continue
		fi
		p=$(echo "$line" | sed -n 's/.*passed=\([0-9]*\).*/\1/p')
		f=$(echo "$line" | sed -n 's/.*failed=\([0-9]*\).*/\1/p')
		s=$(echo "$line" | sed -n 's/.*skipped=\([0-9]*\).*/\1/p')
		total_pass=$((total_pass + p))
		total_fail=$((total_fail + f))
		total_skip=$((total_skip + s))
		if [ "$f" != 0 ] || [ "$rc" != 0 ]; then
			failed_bins+=("$dir/$name")
			[ "$f" = 0 ] && total_fail=$((total_fail + 1))
		fi
	done
done
if [ ${#failed_bins[@]} -gt 0 ]; then
	echo "failing binaries: ${failed_bins[*]}"
fi
echo "tests: $total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" = 0 ]
