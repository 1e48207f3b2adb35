#!/usr/bin/env bash
# Coverage-guided fuzzing of one parser with AFL++ and SharpFuzz (docs/reliability.md, "Fuzzing"):
#   eng/fuzz.sh <target> [seconds]    (default 300 s; eng/fuzz.sh list names the targets)
# Installs what is missing (afl++ with apt-get, the sharpfuzz tool into artifacts/fuzz/tools), publishes
# test/Idempotency.Fuzz, instruments the library's assemblies, and runs afl-fuzz for the given time, starting from the
# committed corpus (test/Idempotency.Fuzz/corpus/<target>/). Findings go to artifacts/fuzz/out/<target>/default/crashes
# and hangs; replay one with: dotnet artifacts/fuzz/bin/Idempotency.Fuzz.dll <target> < that-file.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:?usage: eng/fuzz.sh <target>|list [seconds]}
seconds=${2:-300}
root=artifacts/fuzz
bin=$root/bin

if ! command -v afl-fuzz >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing afl++ ..."
    DEBIAN_FRONTEND=noninteractive apt-get install -y afl++ >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y afl++ >/dev/null
  else
    echo "afl-fuzz is missing: install AFL++ (Debian/Ubuntu: apt-get install afl++)" >&2
    exit 1
  fi
fi

sharpfuzz=$(command -v sharpfuzz || echo "$root/tools/sharpfuzz")
if [ ! -x "$sharpfuzz" ]; then
  echo "Installing the sharpfuzz tool 2.3.0 ..."
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$root/tools" >/dev/null
fi

# Published and instrumented again when a source changed since the last time (instrumenting twice is refused): the
# library's assemblies and the JMESPath parser get AFL's edge counters; the harness, SharpFuzz and the framework do not.
# Several targets can then fuzz at once from the same build.
stamp=$bin/.instrumented
if [ ! -f "$stamp" ] || [ -n "$(find src test/Idempotency.Fuzz -newer "$stamp" \( -name '*.cs' -o -name '*.csproj' \) -not -path '*/obj/*' -not -path '*/bin/*' -print -quit)" ]; then
  rm -rf "$bin"
  dotnet publish test/Idempotency.Fuzz -c Release -o "$bin" --nologo -v quiet
  for dll in "$bin"/Idempotency.*.dll "$bin"/Idempotency.dll "$bin"/JmesPath.Net.dll; do
    case "$(basename "$dll")" in Idempotency.Fuzz.dll) continue ;; esac
    "$sharpfuzz" "$dll" >/dev/null
  done
  touch "$stamp"
fi
if [ "$target" = list ]; then
  dotnet "$bin/Idempotency.Fuzz.dll" list
  exit 0
fi

# The checks afl-fuzz makes of the machine it runs on: the CPU governor cannot be changed in a container and a core
# pattern pointing to a handler would only slow crash detection; the dotnet host carries no AFL marker (SharpFuzz
# sets up the shared memory itself).
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1
[ -t 1 ] || export AFL_NO_UI=1
out=$root/out/$target
rm -rf "$out"
mkdir -p "$out"
afl-fuzz -i "test/Idempotency.Fuzz/corpus/$target" -o "$out" -V "$seconds" -t 5000 -m none -- dotnet "$bin/Idempotency.Fuzz.dll" "$target" || true

stats=$out/default/fuzzer_stats
[ -f "$stats" ] || { echo "afl-fuzz did not start (see above)" >&2; exit 1; }
grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|bitmap_cvg|saved_crashes|saved_hangs) ' "$stats"
crashes=$(find "$out/default/crashes" -type f -name 'id:*' | wc -l)
hangs=$(find "$out/default/hangs" -type f -name 'id:*' | wc -l)
echo "$target: $crashes crashes, $hangs hangs (in $out/default)"
[ "$crashes" = 0 ] && [ "$hangs" = 0 ]
