#!/usr/bin/env bash
# Prints the bin folder of an official Node.js binary of the given major version (default 24), installed
# from the npm registry's `node` package into .tools/node<major>/ and reused while it is that major.
set -euo pipefail
cd "$(dirname "$0")/../.."

major="${1:-24}"
prefix=".tools/node${major}"
bin="$PWD/${prefix}/node_modules/node/bin"

installed_major() {
  [[ -x "$bin/node" ]] && "$bin/node" -p 'process.versions.node.split(".")[0]' 2>/dev/null
}

if [[ "$(installed_major || true)" != "$major" ]]; then
  rm -rf "$prefix"
  mkdir -p "$prefix"
  # The package's install step puts the platform's binary (node-<os>-<arch>) in place of its bin/node.
  npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error "node@${major}" >&2
  [[ "$(installed_major || true)" == "$major" ]] || {
    echo "ensure-node: node@${major} from the npm registry did not install a working binary" >&2
    exit 1
  }
fi
echo "$bin"
