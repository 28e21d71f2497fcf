#!/usr/bin/env bash
# mk/deps.sh — make sure the Debian packages otpsim builds and tests with are installed.
# Installs missing ones when run as root (apt-get); otherwise prints the exact command and
# fails. Called by the Makefile before every build, so `make run` and `make test` work first on
# a bare Debian 12 machine. Usage: mk/deps.sh [build|test|bench]
set -eu
what=${1:-build}
pkgs="gcc make pkg-config liblua5.4-dev"
case "$what" in
  test)  pkgs="$pkgs check libsubunit-dev libpng-dev gnuplot-nox parallel chromium" ;;  # report tests: plots, shards, the HTML in a browser
  bench) pkgs="$pkgs check libsubunit-dev" ;;
esac
missing=""
for p in $pkgs; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing="$missing $p"
  fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "otpsim: installing Debian packages:$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends $missing >&2
else
  echo "otpsim: missing Debian packages:$missing" >&2
  echo "otpsim: run as root:  apt-get update && apt-get install -y$missing" >&2
  exit 1
fi
