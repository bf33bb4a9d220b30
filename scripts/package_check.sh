#!/usr/bin/env bash
# The package in a clean Debian 12, without a Docker daemon: builds the .deb (cpack), makes a
# fresh Debian 12 root with debootstrap (minbase, from the Debian mirror), and then
#  1. carries out the Dockerfile's own steps in that root by chroot — COPY the .deb, RUN
#     apt-get install (apt resolves the Depends from the mirror), USER, WORKDIR — and runs the
#     image's entry point there: `mcp-harness run checklist --time-scale 0.01`, found by name;
#  2. when buildah is installed (apt-get install buildah): builds the Dockerfile itself with
#     buildah, on the fresh root imported as a stand-in for debian:12-slim (which cannot be
#     pulled here) in a private image store, and runs the image's ENTRYPOINT and the checklist
#     in a container of it (buildah run, chroot isolation).
# Nothing of this host's libraries or build tree is visible inside. Exit 0 when both passed.
#
# Manual, not in scripts/test.sh: it needs root (debootstrap, chroot, mounts), the `debootstrap`
# package and the Debian mirror, and about 2-3 minutes (debootstrap alone takes 80-110 s);
# the CI budget (under 60 min) has no room for it. tests/package/ (ctest -L package) is what CI
# runs.
#
#   scripts/package_check.sh              root in /tmp/msh-debian12 (made afresh)
#   scripts/package_check.sh ROOT         another folder (emptied first)
#   DEBIAN_MIRROR=http://... scripts/package_check.sh
#   KEEP_DEB=1 scripts/package_check.sh   the .deb already in build/package (no cpack)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
root=$(realpath -m "${1:-/tmp/msh-debian12}")
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
[[ $(id -u) -eq 0 ]] || { echo "package_check: needs root (debootstrap, chroot)" >&2; exit 1; }
command -v debootstrap >/dev/null ||
  { echo "package_check: needs debootstrap (apt-get install debootstrap)" >&2; exit 1; }
[[ "$root" != / ]] || { echo "package_check: refusing to use / as the root" >&2; exit 1; }

start=$SECONDS
pkgdir=$BUILD_DIR/package
if [[ -z "${KEEP_DEB:-}" ]]; then
  rm -f "$pkgdir"/mcp-stream-harness_*.deb
  cpack --config "$BUILD_DIR/CPackConfig.cmake" -G DEB -B "$pkgdir" >/dev/null
fi
echo "package_check: $(ls "$pkgdir"/mcp-stream-harness_*.deb) ($((SECONDS - start)) s)"

t=$SECONDS
rm -rf "$root"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.debootstrap.log" 2>&1 ||
  { tail -20 "$root.debootstrap.log"; exit 1; }
echo "package_check: Debian 12 minbase in $root ($((SECONDS - t)) s)"

# 2 first, from the pristine root: the Dockerfile built by buildah, its entry point run.
if command -v buildah >/dev/null; then
  t=$SECONDS
  store=$root.buildah
  b=(buildah --root "$store/storage" --runroot "$store/run" --storage-driver vfs)
  rm -rf "$store"
  ctr=$("${b[@]}" from scratch)
  cp -a "$root/." "$("${b[@]}" mount "$ctr")/"
  "${b[@]}" umount "$ctr" >/dev/null
  "${b[@]}" commit -q "$ctr" docker.io/library/debian:12-slim >/dev/null
  "${b[@]}" bud --isolation chroot --pull-never -t mcp-stream-harness:latest -f Dockerfile \
    "$pkgdir" >"$store.bud.log" 2>&1 || { tail -20 "$store.bud.log"; exit 1; }
  image=localhost/mcp-stream-harness:latest
  read -r -a image_entry <<<"$("${b[@]}" inspect --format \
    '{{range .OCIv1.Config.Entrypoint}}{{.}} {{end}}' "$image")"
  c=$("${b[@]}" from --pull-never "$image")
  "${b[@]}" run --isolation chroot "$c" -- "${image_entry[@]}" run checklist --time-scale 0.01 \
    --out report
  echo "package_check: the image built by buildah from Dockerfile passed the checklist" \
    "($((SECONDS - t)) s; store $store)"
else
  echo "package_check: buildah not installed: the Dockerfile is not built (step 2 skipped)"
fi

mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
trap 'umount "$root/dev" "$root/proc"' EXIT
cp /etc/resolv.conf "$root/etc/resolv.conf"

# Docker's environment for RUN and the entry point; USER and WORKDIR as the Dockerfile says.
env_=(env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
user=root workdir=/ entry=()
in_root() {
  if [[ $user == root ]]; then
    chroot "$root" "${env_[@]}" HOME=/root sh -c "cd $workdir && $1"
  else
    chroot "$root" runuser -u "$user" -- "${env_[@]}" HOME="$workdir" sh -c "cd $workdir && $1"
  fi
}
# The Dockerfile's instructions, read by the same parser its test uses (dockerfile_test.py).
steps=$(python3 -c 'import sys; sys.path.insert(0, "tests/package"); import dockerfile_test as d
for k, a in d.instructions(open("Dockerfile").read()): print(k + "\t" + a)')
t=$SECONDS
while IFS=$'\t' read -r kind args; do
  echo "package_check: $kind $args"
  case $kind in
    FROM) [[ $args == debian:12-slim ]] || { echo "package_check: base $args?" >&2; exit 1; } ;;
    COPY)
      read -r src dest <<<"$args"
      # shellcheck disable=SC2086  # the source is a glob, as COPY takes it
      cp $pkgdir/$src "$root$dest"
      ;;
    RUN) in_root "$args" ;;
    USER) user=$args ;;
    WORKDIR) workdir=$args && mkdir -p "$root$workdir" ;;
    ENTRYPOINT) mapfile -t entry < <(python3 -c 'import json, sys
print("\n".join(json.loads(sys.argv[1])))' "$args") ;;
    CMD) ;;
    *) echo "package_check: $kind is not carried out here" >&2; exit 1 ;;
  esac
done <<<"$steps"
echo "package_check: the Dockerfile's steps ($((SECONDS - t)) s)"

t=$SECONDS
# The entry point (mcp-harness) with the checklist by name; the reports inside the root.
in_root "${entry[*]} run checklist --time-scale 0.01 --out $workdir/report"
echo "package_check: the checklist passed in $root ($((SECONDS - t)) s; total $((SECONDS - start)) s)"
echo "package_check: reports in $root$workdir/report"
