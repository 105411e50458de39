#!/usr/bin/env bash
# The Windows leg: the test assembly and the examples published self-contained for win-x64 and run under Wine (Debian's
# wine64), where DefaultSelector is the select backend over Winsock and AfdSelector the opt-in one over the AFD driver.
# It runs the conformance suite on the select, afd and default selectors, SelectorLoop and the Wakeup / cross-thread /
# Close-from-another-thread tests on each, the AFD poll set's and selector's own tests, and the default-choice tests;
# then the echo example under Wine answers a python3 client on the Linux side, on select and on afd, and the
# benchmarks' scaling command shows AfdSelector's Select staying flat from 10 to 2,000 registered sockets where
# select's grows. The last stdout line is `wine: N passed, N failed, N skipped`: the runner's counts plus the echo and
# scaling checks.
set -euo pipefail
cd "$(dirname "$0")/../.."
source .ci/legs/select-tests.sh

# --no-install-recommends leaves out the `wine` package and its /usr/bin wrappers: the loader is called by its path.
wine=/usr/lib/wine/wine64
wineserver=/usr/lib/wine/wineserver

install_missing() {
  local need=()
  [ -x "$wine" ] || need+=(wine64)
  command -v python3 >/dev/null 2>&1 || need+=(python3)
  [ ${#need[@]} -gt 0 ] || return 0
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
}

work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill -KILL "$server_pid" 2>/dev/null || true; fi
  # Our prefix's wineserver and the services it started (winedevice, ...), and nothing of any other prefix.
  [ -d "${WINEPREFIX:-}" ] && "$wineserver" -k 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
# A failure before the tests run still ends on a result line, for .ci/run to count.
fail() { echo "wine leg: $1"; echo "wine: 0 passed, 1 failed, 0 skipped"; exit 1; }

started=$SECONDS
install_missing || fail "installing wine64 failed"
echo "wine leg: tools ready in $((SECONDS - started)) s"

export WINEPREFIX="$work/prefix" WINEDEBUG=-all
# .NET's write-xor-execute double mapping of JIT code crashes under Wine when a dynamic method's code is freed once a
# socket exists (a finalizer's "Internal CLR error", reproduced outside the tests); a hardening of the runtime that
# these tests do not exercise.
export DOTNET_EnableWriteXorExecute=0
started=$SECONDS
"$wine" wineboot --init >/dev/null 2>&1 || fail "wineboot --init failed"
echo "wine leg: prefix ready in $((SECONDS - started)) s"

started=$SECONDS
dotnet publish Selectors.Tests -c Release -r win-x64 --self-contained -o "$work/tests" -nologo -v quiet || fail "publishing the tests failed"
dotnet publish Selectors.Examples -c Release -r win-x64 --self-contained -o "$work/examples" -nologo -v quiet || fail "publishing the examples failed"
dotnet publish Selectors.Benchmarks -c Release -r win-x64 --self-contained -o "$work/benchmarks" -nologo -v quiet || fail "publishing the benchmarks failed"
echo "wine leg: published in $((SECONDS - started)) s"

[ -f "$work/tests/Selectors.Tests.exe" ] || fail "the publish made no Selectors.Tests.exe"

# The tests take about 20 s here; one that hangs ends the run after ten minutes instead of CI's.
run() { timeout --kill-after=10 600 "$wine" "$work/tests/Selectors.Tests.exe" "$@"; }

# What applies to Windows, where select is the default backend and afd (the AFD driver, opt-in) the other one. Within
# these fixtures, tests that cannot apply there (pipes, raw descriptor numbers, dup, epoll, signals) carry
# [Platform(Exclude = "Win")]. (The property tests stay out: their model assumes that a byte written to a socket pair
# can be read at once, which loopback TCP under Wine does not promise.)
patterns=(
  '^Selectors\.Tests\.Conformance\.SelectorConformanceTests\("(Select|Default|Afd)"\)'
  '^Selectors\.Tests\.Loop\.SelectorLoopTests\("(Select|Default|Afd)"\)'
  # Wakeup, changes from another thread and Close from another thread while Select blocks (the conformance suite's
  # P3 tests are Close's other half).
  '^Selectors\.Tests\.Threading\.(WakeupTests|CrossThreadRegistrationTests)\("(Select|Default|Afd)"\)'
  # Allocation bounds, on both Windows backends.
  '^Selectors\.Tests\.Core\.AllocationTests\((Select|Afd)\)'
  # The AFD poll set itself against the driver, and what only the AFD selector does.
  '^Selectors\.Tests\.(LowLevel\.AfdPollSetTests|Backends\.AfdSelectorTests)\.'
  # DefaultSelector picks select on Windows; the registry finds afd there.
  '^Selectors\.Tests\.Core\.(DefaultSelectorChoiceTests|SelectorBackendsTests)\.'
)
# The runner writes Windows line ends.
names=$(run --list | tr -d '\r') || fail "listing the tests failed"
selection=(--leg wine-tests)
select_tests wine "$names" "${patterns[@]}" || fail "a pattern selects no test"

started=$SECONDS
log="$work/tests.log"
status=0
run "${selection[@]}" | tee "$log" || status=$?
echo "wine leg: tests ran in $((SECONDS - started)) s (exit $status)"
[ "$status" -ne 124 ] && [ "$status" -ne 137 ] || echo "wine leg: the tests did not finish within 600 s"

passed=0 failed=0 skipped=0
if [[ "$(grep -E '^wine-tests: ' "$log" | tail -n 1)" =~ ^wine-tests:\ ([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped ]]; then
  passed=${BASH_REMATCH[1]} failed=${BASH_REMATCH[2]} skipped=${BASH_REMATCH[3]}
  [ "$status" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1 # a non-zero exit with no failure counted still fails the leg
else
  echo "wine leg: the test runner printed no result line"
  failed=1
fi

# The echo example under Wine, a python3 client on the Linux side over 127.0.0.1: lines, a pipelined burst, binary
# bytes and a message far larger than a socket buffer must all come back byte-exact.
# $1: the --backend to run it on; $2: the backend its first line must name.
echo_check() {
  local out="$work/echo.out" port
  "$wine" "$work/examples/Selectors.Examples.exe" echo --port 0 --backend "$1" >"$out" 2>"$work/echo.err" &
  server_pid=$!
  for _ in $(seq 1 300); do
    grep -q '^listening on ' "$out" && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$out" | head -n 1)
  if [ -z "$port" ]; then
    echo "echo: no 'listening on' line within 30 s: $(head -c 500 "$out" "$work/echo.err")"
    return 1
  fi
  grep -q "(backend: $2)" "$out" || { echo "echo: not on the $2 backend: $(head -n 1 "$out")"; return 1; }

  timeout 60 python3 - "$port" <<'PY'
import socket, sys

messages = [
    b"hello\n",
    b"a second line\n",
    b"three\nlines\nat once\n",
    bytes(range(256)) * 4,
    bytes((i * 7 + 3) % 256 for i in range(1 << 20)),  # 1 MiB: the server must handle partial sends
]
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20) as client:
    for message in messages:
        client.sendall(message)
        echoed = bytearray()
        while len(echoed) < len(message):
            chunk = client.recv(1 << 16)
            if not chunk:
                sys.exit(f"echo: the server closed after {len(echoed)} of {len(message)} bytes")
            echoed += chunk
        if echoed != message:
            sys.exit(f"echo: {len(message)} bytes sent, different bytes came back")
print(f"echo: {len(messages)} messages, {sum(map(len, messages))} bytes echoed byte-exact")
PY
}

stop_server() {
  kill -TERM "$server_pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}

# On the default backend (select on Windows), then on afd.
for backend in default:Select afd:Afd; do
  started=$SECONDS
  if echo_check "${backend%%:*}" "${backend##*:}"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); echo "FAILED echo example under Wine on ${backend%%:*}"
  fi
  stop_server
  echo "wine leg: echo check on ${backend%%:*} in $((SECONDS - started)) s"
done

# The AFD backend's reason to be: with 10 of N sockets ready, one Select on afd costs what is ready, on select what is
# registered. Selectors.Benchmarks' scaling command times both at N = 10 and N = 2,000 (about 15 s here) and prints a
# `scaling: backend=NAME ... growth=G ...` line each, G = time(N = 2,000) / time(N = 10), the span overload.
# Under Wine both backends' polls go through wineserver, so only ratios mean anything. Over 20 runs on a 2-core machine
# under load 6 to 12 (docs/benchmarks.md, "AFD scaling under Wine") select grew 38.6x to 84.1x, afd 0.70x to 1.83x. The
# check asks afd's growth to be at most 5 (2.7 times the worst seen) and at most a quarter of select's (9.6 at select's
# worst): an afd that handed every registered socket to the driver per Select would grow as select does, and fail both.
scaling_check() {
  local out="$work/scaling.out" status=0 afd_growth select_growth
  timeout --kill-after=10 120 "$wine" "$work/benchmarks/Selectors.Benchmarks.exe" scaling --backends select,afd --sizes 10,2000 \
    | tr -d '\r' | tee "$out" || status=$?
  # " growth=" is the span overload's; the list overload's is "list_growth=".
  afd_growth=$(sed -n 's/^scaling: backend=afd .* growth=\([0-9.]*\) .*/\1/p' "$out")
  select_growth=$(sed -n 's/^scaling: backend=select .* growth=\([0-9.]*\) .*/\1/p' "$out")
  if [ "$status" -ne 0 ] || [ -z "$afd_growth" ] || [ -z "$select_growth" ]; then
    echo "scaling: exit $status, growth of afd '${afd_growth}', of select '${select_growth}'"
    return 1
  fi
  echo "scaling: afd grew ${afd_growth}x from N = 10 to N = 2,000, select ${select_growth}x; afd must grow at most 5x and at most a quarter of select's"
  awk -v afd="$afd_growth" -v select="$select_growth" 'BEGIN { exit !(afd <= 5 && afd <= select / 4) }'
}

started=$SECONDS
if scaling_check; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  figures=$(grep '^scaling: backend=' "$work/scaling.out" 2>/dev/null | tr '\n' ' ' || true)
  echo "FAILED AfdSelector scaling under Wine: ${figures:-no figures}"
fi
echo "wine leg: scaling check in $((SECONDS - started)) s"

echo "wine: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
