#!/usr/bin/env bash
# Simulated: point the application at the new database and restart it.
set -euo pipefail
db="${1:?usage: switch-app.sh DB_HOST}"
echo "setting DATABASE_HOST=${db} in /etc/shop/app.env"
sleep 0.4
echo "restarting shop-app on 3 nodes"
sleep 0.6
echo "shop-app healthy on 3/3 nodes, connected to ${db}"
