#!/usr/bin/env bash
# package.deb: `cpack -G DEB` builds NAME_VERSION_ARCH.deb whose Depends cover every library
# the programs load (each ELF NEEDED entry's owner, by dpkg -S, is named), dpkg installs it into
# an empty root against those packages' status as installed on this host (dpkg itself checks
# the versions), and the installed mcp-harness runs the checklist by name from /.
#
# What this proves: the package's own files are complete (programs, scenarios, layout) and its
# Depends are right and satisfiable on a Debian 12 system with these packages. What it does
# not: the root is empty but for the package, so the libraries are loaded from this host, not
# from a fresh Debian; scripts/package_check.sh does that in a debootstrapped root (manual:
# it needs the Debian mirror and ~2 minutes).
#
#   deb_test.sh BUILD_DIR WORK_DIR NAME_VERSION   (e.g. mcp-stream-harness_0.1.0)
set -euo pipefail
build=$1 work=$2 name_version=$3
fail() { echo "package.deb: $*" >&2; exit 1; }
rm -rf "$work"
mkdir -p "$work"
deb=$work/cpack/${name_version}_$(dpkg --print-architecture).deb

(cd "$work" && cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work/cpack") \
  >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; fail "cpack failed"; }
[[ -f "$deb" ]] || fail "cpack did not write $deb: $(ls "$work/cpack")"
dpkg-deb -I "$deb"

# Depends: "a (>= 1), b | c, ..." → the package names, alternatives included.
depends=$(dpkg-deb -f "$deb" Depends)
[[ -n "$depends" ]] || fail "no Depends in $deb"
mapfile -t names < <(tr ',|' '\n\n' <<<"$depends" | awk 'NF {print $1}' | sort -u)

# Exactly the three programs in usr/bin, and the scenarios.
contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
programs=$(grep -E '^\./usr/bin/.' <<<"$contents" | tr '\n' ' ')
[[ "$programs" == "./usr/bin/mcp-harness ./usr/bin/mcp-server ./usr/bin/mock-ollama " ]] ||
  fail "usr/bin holds: $programs"
grep -q '^\./usr/share/mcp-stream-harness/scenarios/checklist/.*\.json$' <<<"$contents" ||
  fail "no checklist scenarios in the package"

# A root with nothing but dpkg's database: the Depends' status copied from this host.
root=$work/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
touch "$root/var/lib/dpkg/available"
for p in "${names[@]}"; do
  dpkg-query -s "$p" 2>/dev/null | grep -q '^Status: install ok installed' ||
    fail "Depends names $p, which is not installed here (apt could not resolve it offline)"
  { dpkg-query -s "$p"; echo; } >>"$root/var/lib/dpkg/status"
done
dpkg --root="$root" --force-not-root --force-script-chrootless -i "$deb" >"$work/dpkg.log" 2>&1 ||
  { cat "$work/dpkg.log"; fail "dpkg -i into $root failed"; }

# Every library a program loads directly belongs to a package the Depends name.
for bin in "$root"/usr/bin/*; do
  needed=$(objdump -p "$bin" | awk '/NEEDED/ {print $2}') || fail "objdump cannot read $bin"
  [[ -n "$needed" ]] || fail "$bin needs no library at all?"
  for lib in $needed; do
    path=$(ldd "$bin" | awk -v l="$lib" '$1 == l {print $3}')
    owner=$(dpkg -S "$path" 2>/dev/null || dpkg -S "$(realpath "$path")" 2>/dev/null) ||
      fail "$bin: no package owns $lib ($path)"
    owner=${owner%%:*}
    printf '%s\n' "${names[@]}" | grep -qx "$owner" ||
      fail "$(basename "$bin") loads $lib from $owner, which Depends ($depends) does not name"
  done
done

(cd / && env PATH=/usr/bin:/bin "$root/usr/bin/mcp-harness" run checklist --time-scale 0.01 \
  --out "$work/report" --quiet) >"$work/run.log" 2>&1 || { cat "$work/run.log"; fail "run failed"; }
grep -q "$root/usr/share/mcp-stream-harness/scenarios/checklist/" "$work/report/report.json" ||
  fail "the run did not use the package's scenarios"
echo "package.deb: $(basename "$deb") installs into an empty root and passes the checklist;" \
  "Depends: $depends"
