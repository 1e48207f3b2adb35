#!/usr/bin/env bash
# The whole test suite on a fresh machine with the .NET 10 SDK: installs the servers the tests start
# (redis-server, PostgreSQL 15, rabbitmq-server, dynalite) when they are missing, then builds and runs every test project.
set -euo pipefail
cd "$(dirname "$0")/.."

# Kafka needs no package: its tests run against librdkafka's built-in mock cluster (test.mock.num.brokers), which ships
# inside the librdkafka.redist NuGet package that Confluent.Kafka brings.
need_apt=()
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
[ -x /usr/lib/postgresql/15/bin/initdb ] && [ -x /usr/lib/postgresql/15/bin/postgres ] || need_apt+=(postgresql-15)
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || need_apt+=(rabbitmq-server)
command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || need_apt+=(nats-server)
# The native AOT publish of samples/AotDemo links with clang or gcc, against zlib.
command -v clang >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1 || need_apt+=(clang)
[ -f /usr/include/zlib.h ] || need_apt+=(zlib1g-dev)

if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing ${need_apt[*]} ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "The tests need: ${need_apt[*]}. Install them (Debian: sudo apt-get install -y ${need_apt[*]}) and run again." >&2
    exit 1
  fi
fi

# dynalite (a DynamoDB-compatible server on Node.js) for the DynamoDB store's tests, from npm. It runs in memory, so
# the native LevelDB module it can also use is never loaded (npm may skip that module's install script; that is fine).
if ! command -v dynalite >/dev/null 2>&1; then
  if ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
    else
      echo "The DynamoDB tests need dynalite: install Node.js and npm, then npm install -g dynalite, and run again." >&2
      exit 1
    fi
  fi
  echo "Installing dynalite ..."
  npm install -g --no-fund --no-audit dynalite >/dev/null
fi

# Servers started as root must drop privileges (PostgreSQL refuses root): the fixtures use this account.
if [ "$(id -u)" = 0 ] && ! id idemtest >/dev/null 2>&1; then
  useradd --system --no-create-home --shell /usr/sbin/nologin idemtest
fi

# Every step says what it runs and, when it fails, says so last: CI shows only the end of the output.
step() {
  echo "==== $*"
  "$@" || { local status=$?; echo "==== FAILED (exit $status): $*"; exit "$status"; }
}

step dotnet build Idempotency.slnx -c Release -warnaserror

# The test projects run in parallel, so a failure scrolls away under later projects' output: on failure, the failed
# tests, with their messages, are printed again at the end.
mkdir -p .tmp
set +e
dotnet test Idempotency.slnx -c Release --no-build --logger "console;verbosity=normal" "$@" 2>&1 | tee .tmp/test-output.log
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
  echo "==== FAILED (exit $status): dotnet test. The failures again, with their messages:"
  grep -E -A15 '^\s+Failed [A-Za-z]|Test Run Aborted|The active test run was aborted|Test host process crashed|error [A-Z]+[0-9]+' .tmp/test-output.log | cut -c1-300 | head -150
  echo "==== Projects:"
  grep -E '^(Failed!|Passed!)|Test Run (Failed|Aborted)' .tmp/test-output.log | cut -c1-200 | tail -30
  echo "==== Failed tests:"
  grep -E '^\s+Failed [A-Za-z]|Test Run Aborted|Test host process crashed' .tmp/test-output.log | cut -c1-250 | head -30
  exit "$status"
fi

# The worker sample checks itself (exit code 1 unless every handler ran once per event), crash recovery included.
step dotnet run --project samples/EventsWorker -c Release --no-build -- --events 300 --crash
# And through the Kafka adapter, on librdkafka's in-process mock cluster.
step dotnet run --project samples/EventsWorker -c Release --no-build -- --transport kafka --events 300
# The functions sample checks itself the same way (exit code 1 unless every distinct event ran once), timeout included.
step dotnet run --project samples/FunctionsDemo -c Release --no-build
# The [Idempotent] decorator sample checks itself too: as built, then compiled with native AOT (PublishAot, TrimMode=full),
# where any trim or AOT warning fails the publish.
step dotnet run --project samples/AotDemo -c Release --no-build
step dotnet publish samples/AotDemo -c Release --use-current-runtime -o .tmp/aotdemo -warnaserror
step .tmp/aotdemo/AotDemo
echo "==== All tests and sample checks passed."
