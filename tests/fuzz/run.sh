#!/usr/bin/env bash
# Builds every tests/fuzz/fuzz_*.c with libFuzzer + ASan + UBSan and runs
# each briefly (FUZZ_SECONDS, default 20). Real-peer FF-A vectors seed the
# descriptor fuzzer, and the QEMU virtio-msg vectors the virtio-msg codec
# fuzzer, when ../shared/testdata is present, and tests/fuzz/corpus/<target>/
# seeds its target (all read in place; the writable corpus is a temporary
# directory).
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${FUZZ_SECONDS:-20}
out=build-fuzz
mkdir -p "$out"
core_srcs=$(make -s print-core-srcs)
td=""
for d in ../shared/testdata /work/shared/testdata; do
	[ -d "$d/ffa" ] && { td="$d"; break; }
done
status=0
for f in tests/fuzz/fuzz_*.c; do
	name=$(basename "$f" .c)
	clang -std=c11 -D_GNU_SOURCE -g -O1 -Iinclude -Itests/harness \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		"$f" tests/harness/mini_platform.c $core_srcs -o "$out/$name"
	corpus=$(mktemp -d)
	seeds=()
	if [ "$name" = fuzz_ffa_desc ] && [ -n "$td" ]; then
		seeds=("$td/ffa")
	fi
	if [ "$name" = fuzz_vmsg ] && [ -n "$td" ] && [ -d "$td/virtio-msg" ]; then
		seeds=("$td/virtio-msg")
	fi
	if [ -d "tests/fuzz/corpus/$name" ]; then
		seeds+=("tests/fuzz/corpus/$name")
	fi
	echo "fuzz: $name for ${secs}s"
	if ! "$out/$name" -max_total_time="$secs" -use_value_profile=1 \
		-max_len=4096 -print_final_stats=1 "$corpus" "${seeds[@]}" \
		>"$out/$name.log" 2>&1; then
		echo "fuzz: $name FAILED"; tail -40 "$out/$name.log"; status=1
	else
		grep -E "stat::number_of_executed_units|Done" "$out/$name.log" | tail -2
	fi
	rm -rf "$corpus"
done
exit $status
