#!/usr/bin/env bash
# Simulated: rebuild the search index, or switch back to the previous one.
set -euo pipefail
case "${1:?usage: search-index.sh rebuild|restore-previous}" in
  rebuild)
    echo "building index orders_v43 next to orders_v42"
    sleep 0.8
    echo "indexed 1,284,907 orders; alias 'orders' now points to orders_v43" ;;
  restore-previous)
    echo "rollback: alias 'orders' points to orders_v42 again; orders_v43 deleted" ;;
  *) echo "search-index.sh: expected rebuild or restore-previous" >&2; exit 2 ;;
esac
