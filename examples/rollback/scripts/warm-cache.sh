#!/usr/bin/env bash
# Simulated: preload the most requested products into the cache.
set -euo pipefail
echo "loading the 5,000 most requested products into the cache"
sleep 0.6
echo "cache warm: 5,000 keys, hit rate 91%"
