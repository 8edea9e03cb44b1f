#!/usr/bin/env bash
# Installs the Debian 12 packages cutover needs to build and test, only those missing.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config
  libcli11-dev libyaml-cpp-dev libfmt-dev libboost-dev libboost-filesystem-dev
  doctest-dev nlohmann-json3-dev libre2-dev libssl-dev
  python3 python3-jsonschema python3-yaml
  openssh-client  # ssh-keygen signs and verifies decisions (identity.allowed_signers)
  openssh-server  # tests/e2e/remote.sh runs examples/remote/ssh.yaml against a throwaway sshd
  dpkg-dev file  # the Debian package: cpack finds its library dependencies with dpkg-shlibdeps
  curl  # examples/notify posts to a chat webhook with it (tests/e2e/notify.sh)
  chromium  # the HTML report is tested in a real browser (tests/e2e/report_browser.sh)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "installing ${#missing[@]} Debian packages (first time only): ${missing[*]}..."
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
