#!/bin/sh
# A stand-in for a real step: says what a real one would, after a moment.
sleep 1
echo "$1"
