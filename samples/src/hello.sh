#!/bin/sh
# The sample application: prints who built it and which packages the image claims to carry.
set -eu
echo "kanikobuild sample $(cat /app/VERSION) ($(cat /app/VARIANT)), running as uid $(id -u)"
grep '^P:' /lib/apk/db/installed | cut -c3- | tr '\n' ' '
echo
