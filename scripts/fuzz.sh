#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer targets with clang and AddressSanitizer in build-fuzz/ and runs
# each for FUZZ_SECONDS (default 60). New interesting inputs go to build-fuzz/corpus/<target>/
# (the seeds in tests/fuzz/corpus/ are read, never written); crashes to build-fuzz/crashes/.
# Exits non-zero when any target crashed, and says how to turn the crash into a regression test.
#   FUZZ_SECONDS=600 make fuzz          longer runs
#   FUZZ_TARGETS="schema_fuzz" make fuzz  a subset
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
targets=${FUZZ_TARGETS:-"key_codec_fuzz ndjson_record_fuzz schema_fuzz validation_fuzz"}
build=${FUZZ_BUILD_DIR:-build-fuzz}

# clang and its libFuzzer/ASan runtimes are needed only here, not for `make test`.
missing=()
for p in clang libclang-rt-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "fuzz: missing packages (${missing[*]}); run as root: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCLAIMGRAPH_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C "$build" -j"${FUZZ_JOBS:-2}" fuzz_targets

failed=()
for target in $targets; do
  work="$build/corpus/$target"
  crashes="$build/crashes/$target"
  mkdir -p "$work" "$crashes"
  echo "== $target: ${seconds}s"
  # A dictionary of the format's tokens (field names, keywords), when the target has one.
  dictionary=()
  [ -f "tests/fuzz/$target.dict" ] && dictionary=(-dict="tests/fuzz/$target.dict")
  # Leak detection is off: the protobuf and absl globals look like leaks at exit.
  if ! ASAN_OPTIONS=detect_leaks=0 "$build/bin/${target}_fuzzer" \
      -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 -timeout=10 \
      -print_final_stats=1 -artifact_prefix="$crashes/" "${dictionary[@]}" \
      "$work" "tests/fuzz/corpus/$target" 2>"$build/$target.log"; then
    failed+=("$target")
  fi
  grep -E "^(stat::number_of_executed_units|stat::new_units_added|Done)|==ERROR|ERROR: libFuzzer|FUZZ_CHECK failed|^SUMMARY" \
    "$build/$target.log" || true
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: crashes in ${failed[*]}; inputs in $build/crashes/<target>/, logs in $build/<target>.log" >&2
  echo "fuzz: fix the bug, then copy the input to tests/fuzz/regressions/<target>/ so ctest replays it" >&2
  exit 1
fi
echo "fuzz: no crashes in $targets (${seconds}s each)"
