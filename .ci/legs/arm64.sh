#!/usr/bin/env bash
# The linux-arm64 leg: the test assembly published self-contained for linux-arm64 and run by qemu's user-mode emulator.
# It runs the selector conformance suite on every backend, the signal-interruption and OS-error tests, and the native
# layout tests, whose C probe Debian's cross compiler builds for arm64 (where struct epoll_event is 16 bytes with data at
# offset 8; x86-64's is packed into 12). The last stdout line is the runner's `arm64: N passed, N failed, N skipped`.
set -euo pipefail
cd "$(dirname "$0")/../.."
source .ci/legs/select-tests.sh

# What the leg needs: the emulator, the C library and friends of arm64 that the runtime loads, and the cross compiler
# with arm64's C library headers for the layout probe (Support/KernelHeaders.cs).
install_missing() {
  local need=() lib
  command -v qemu-aarch64-static >/dev/null 2>&1 || need+=(qemu-user-static)
  command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 || need+=(gcc-aarch64-linux-gnu)
  [ -f /usr/aarch64-linux-gnu/include/sys/epoll.h ] || need+=(libc6-dev-arm64-cross)
  for lib in libc6 libstdc++6 libgcc-s1 libssl3 zlib1g; do
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$lib:arm64" 2>/dev/null)" = installed ] || need+=("$lib:arm64")
  done
  [ ${#need[@]} -gt 0 ] || return 0

  dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
  apt-get update -qq
  # qemu is run by name below; no binfmt handler is ever registered, since the kernel is shared with other machines.
  # qemu-user-static's own script registers through binfmt-support only, which --no-install-recommends keeps out, and
  # its /usr/lib/binfmt.d files, which systemd-binfmt would load, are left unpacked.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o 'DPkg::Options::=--path-exclude=/usr/lib/binfmt.d/*' "${need[@]}" >/dev/null
}

started=$SECONDS
install_missing
echo "arm64 leg: tools ready in $((SECONDS - started)) s"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
started=$SECONDS
dotnet publish Selectors.Tests -c Release -r linux-arm64 --self-contained -o "$out" -nologo -v quiet
echo "arm64 leg: published in $((SECONDS - started)) s"

# A failure before the tests run still ends on a result line, for .ci/run to count.
fail() { echo "arm64 leg: $1"; echo "arm64: 0 passed, 1 failed, 0 skipped"; exit 1; }
[ -x "$out/Selectors.Tests" ] || fail "the publish made no Selectors.Tests apphost"

# The JIT's write-xor-execute double mapping crashes at random under qemu (seen after 130-200 tests); it is a hardening
# of the runtime, not something these tests exercise. The tests take about a minute and a half; one that hangs (as a
# wrong epoll_event layout makes one do) ends the run after ten minutes instead of CI's.
run() { DOTNET_EnableWriteXorExecute=0 timeout --kill-after=10 600 qemu-aarch64-static "$out/Selectors.Tests" "$@"; }

# The conformance suite on every backend; both signal-interruption fixtures; the layout tests, which include the
# arm64-only one; the OS-error fixture, which also checks the library's errno table against arm64's <errno.h>.
patterns=(
  '^Selectors\.Tests\.Conformance\.SelectorConformanceTests\('
  '^Selectors\.Tests\.Core\.\w*SignalInterruptionTests[.(]'
  '^Selectors\.Tests\.LowLevel\.NativeLayoutTests\.'
  '^Selectors\.Tests\.Core\.OsErrorTests[.(]'
)
names=$(run --list) || fail "listing the tests failed"
selection=(--leg arm64)
select_tests arm64 "$names" "${patterns[@]}" || fail "a pattern selects no test"

status=0
run "${selection[@]}" || status=$?
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
  fail "the tests did not finish within 600 s"
fi
exit "$status"
