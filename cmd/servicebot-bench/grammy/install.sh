#!/bin/sh
# Installs the benchmark's peer (servicebot-bench -peer grammy): grammY,
# @grammyjs/runner, @grammyjs/storage-psql and pg, at the versions in
# package-lock.json. Needs Node 18 or later and npm. Nothing else in the
# repository needs them.
set -e
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
