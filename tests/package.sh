# The Debian package: `cpack -G DEB` from the build folder makes it; unpacked with dpkg-deb into
# a temporary root, its cutover runs (--version, validate and a dry run of a shipped runbook),
# and the manual page, completions, docs and schema are where Debian expects them. Run as
# `bash package.sh BUILD_DIR SOURCE_DIR` (ctest's test `package`).
set -euo pipefail
BUILD=$1
SRC=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

cpack --config "$BUILD/CPackConfig.cmake" -G DEB -B "$WORK/out" >"$WORK/cpack.log" 2>&1 ||
  { cat "$WORK/cpack.log" >&2; fail "cpack could not make the package"; }
version=$(sed -n 's/^project(cutover VERSION \([0-9.]*\) .*/\1/p' "$SRC/CMakeLists.txt")
deb=$WORK/out/cutover_${version}_$(dpkg --print-architecture).deb
[[ -f $deb ]] || fail "no $deb; cpack made: $(ls "$WORK/out")"

# Its control data: the version, and the dependencies the binary needs.
dpkg-deb --field "$deb" Version | grep -qx "$version" || fail "the package's version is not $version"
depends=$(dpkg-deb --field "$deb" Depends)
for needed in openssh-client libyaml-cpp0.7 libfmt9 libre2-9 libssl3 libstdc++6 libc6; do
  [[ $depends == *"$needed"* ]] || fail "Depends lacks $needed: $depends"
done

# Unpacked, it runs on its own.
dpkg-deb -x "$deb" "$WORK/root"
root=$WORK/root
"$root/usr/bin/cutover" --version | grep -q "^cutover $version" || fail "the unpacked cutover's --version"
doc=$root/usr/share/doc/cutover
(cd "$WORK" && "$root/usr/bin/cutover" validate "$doc/examples/quickstart/runbook.yaml") >/dev/null ||
  fail "the unpacked cutover cannot validate the shipped quickstart runbook"
(cd "$WORK" && "$root/usr/bin/cutover" run --dry-run "$doc/runbooks/erp-go-live.yaml") >/dev/null ||
  fail "the unpacked cutover cannot dry-run the shipped ERP runbook"
for file in usr/share/man/man1/cutover.1.gz usr/share/bash-completion/completions/cutover \
  usr/share/zsh/vendor-completions/_cutover usr/share/fish/vendor_completions.d/cutover.fish \
  usr/share/doc/cutover/README.md usr/share/doc/cutover/copyright \
  usr/share/doc/cutover/changelog.gz usr/share/doc/cutover/docs/operating.md \
  usr/share/cutover/runbook.schema.json; do
  [[ -s $root/$file ]] || fail "the package has no $file"
done
zcat "$root/usr/share/man/man1/cutover.1.gz" | grep -q '^.SS "cutover run ' || fail "the manual page has no run"
if file "$root/usr/bin/cutover" | grep -q "not stripped"; then fail "the binary is not stripped"; fi

if command -v lintian >/dev/null; then
  lintian --fail-on error "$deb" || fail "lintian reports errors"
fi
echo "package ok: $(basename "$deb"), $(du -k "$deb" | cut -f1) KiB, Depends: $depends"
