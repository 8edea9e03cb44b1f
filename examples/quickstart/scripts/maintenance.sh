#!/usr/bin/env bash
# Simulated: switch the shop's maintenance page on or off.
set -euo pipefail
mode="${1:?usage: maintenance.sh on|off URL}"
url="${2:?usage: maintenance.sh on|off URL}"
case "$mode" in
  on)
    echo "load balancer: routing ${url} to the maintenance backend"
    sleep 0.5
    echo "maintenance page is live (HTTP 503, Retry-After: 5400)"
    ;;
  off)
    echo "load balancer: routing ${url} to the shop backend"
    sleep 0.5
    echo "maintenance page removed; the shop is open"
    ;;
  *) echo "maintenance.sh: expected on or off, got '${mode}'" >&2; exit 2 ;;
esac
