#!/usr/bin/env bash
# CI leg "no-helper": the tests that reach the operating system's error paths, run on linux-x64 without
# libMonoPosixHelper (Mono.Posix's native helper), which the libraries must not need: a self-contained build with
# every copy of the helper deleted, checked to be unreachable, then run by the test assembly's own runner.
# Run from the repository root; the last stdout line is the runner's `no-helper: N passed, N failed, N skipped`.
set -euo pipefail
cd "$(dirname "$0")/../.."
source .ci/legs/select-tests.sh

leg=no-helper
started=$SECONDS

# What the selected tests need beyond the .NET SDK: python3 plays the peer process in the conformance fault tests.
if ! command -v python3 >/dev/null 2>&1; then
  apt-get update -qq
  apt-get install -y -qq python3 >/dev/null
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

dotnet publish Selectors.Tests -c Release -r linux-x64 --self-contained -o "$out" -nologo -v quiet

# The helper must be gone from the build, and the dynamic loader must find no other copy on this machine: otherwise
# the leg would quietly run with it.
find "$out" -name 'libMonoPosixHelper*' -delete
left=$(find "$out" -name '*MonoPosixHelper*')
if [ -n "$left" ]; then
  echo "$leg leg: the published build still holds the helper:" >&2
  echo "$left" >&2
  exit 1
fi
elsewhere=$( (ldconfig -p 2>/dev/null | grep -i MonoPosixHelper) || true)
library_path=${LD_LIBRARY_PATH:-}
for dir in ${library_path//:/ } /lib /lib64 /usr/lib /usr/lib64 /usr/local/lib /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu; do
  if [ -d "$dir" ]; then
    elsewhere+=$(find "$dir" -maxdepth 1 -iname '*MonoPosixHelper*')
  fi
done
if [ -n "$elsewhere" ]; then
  echo "$leg leg: this machine has libMonoPosixHelper where the dynamic loader looks, so the leg cannot prove it runs without it:" >&2
  echo "$elsewhere" >&2
  exit 1
fi
echo "$leg leg: published to $out without libMonoPosixHelper ($((SECONDS - started)) s)"

# The error and signal paths, where the libraries once asked the helper to translate errno: the conformance suite on
# every backend, the signal-interruption fixtures (both layers), the OS-error fixture and the failed-call fixture.
patterns=(
  '^Selectors\.Tests\.Conformance\.SelectorConformanceTests\('
  '^Selectors\.Tests\.Core\.\w*SignalInterruptionTests[.(]'
  '^Selectors\.Tests\.Core\.OsErrorTests[.(]'
  '^Selectors\.Tests\.Core\.FailedCallsLeaveSelectorUnchangedTests[.(]'
)
names=$("$out/Selectors.Tests" --list)
selection=()
select_tests "$leg" "$names" "${patterns[@]}" || exit 1

status=0
"$out/Selectors.Tests" --leg "$leg" "${selection[@]}" || status=$?
# On stderr, so that the runner's count stays the last line on stdout.
echo "$leg leg: $((SECONDS - started)) s in all" >&2
exit "$status"
