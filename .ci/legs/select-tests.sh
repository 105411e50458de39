# Sourced by the legs that run the published test assembly (no-helper, arm64, wine); one `--list` serves every pattern,
# since under an emulator each start of the runner costs seconds.
#
# select_tests LEG NAMES PATTERN...: for each pattern, says how many of NAMES (the runner's --list output) it selects
# and adds `--test PATTERN` to the array `selection`; returns 1, naming the pattern, when one selects nothing, since a
# renamed fixture would otherwise drop out of the leg without a word. The patterns must mean the same to grep -P as to
# .NET's regular expressions (plain ones do).
select_tests() {
  local leg=$1 names=$2 pattern count
  shift 2
  for pattern in "$@"; do
    count=$(grep -cP "$pattern" <<<"$names" || true)
    if [ "$count" -eq 0 ]; then
      echo "$leg leg: no test matches $pattern"
      return 1
    fi
    echo "$leg leg: $count tests match $pattern"
    selection+=(--test "$pattern")
  done
}
