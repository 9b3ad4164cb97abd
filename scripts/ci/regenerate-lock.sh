#!/usr/bin/env bash
# Rewrites package-lock.json from scratch (no node_modules, no old lock) so that it records every platform's
# optional native packages, keeping each direct dependency at the version the current lock has (pass
# --upgrade to take the newest versions package.json allows). Never touches ./node_modules.
# Then: npm run check:lock, and `npm ci` in a clean clone.
set -euo pipefail
cd "$(dirname "$0")/../.."

upgrade=false
[[ "${1:-}" == "--upgrade" ]] && upgrade=true

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cp package.json "$scratch/"

if [[ "$upgrade" == false && -f package-lock.json ]]; then
  # Pin the direct dependencies to their locked versions for the fresh resolve; the ranges come back below.
  node -e '
    const fs = require("node:fs");
    const [pkgPath, lockPath] = process.argv.slice(1);
    const pkg = JSON.parse(fs.readFileSync(pkgPath, "utf8"));
    const locked = JSON.parse(fs.readFileSync(lockPath, "utf8")).packages ?? {};
    for (const field of ["dependencies", "devDependencies", "optionalDependencies"])
      for (const name of Object.keys(pkg[field] ?? {})) {
        const version = locked[`node_modules/${name}`]?.version;
        if (version) pkg[field][name] = version;
      }
    fs.writeFileSync(pkgPath, JSON.stringify(pkg, null, 2) + "\n");
  ' "$scratch/package.json" package-lock.json
fi

(cd "$scratch" && npm install --package-lock-only --ignore-scripts --no-audit --no-fund --loglevel=error)
# Back to the real ranges: versions that satisfy them stay as resolved; only the root entry changes.
cp package.json "$scratch/package.json"
(cd "$scratch" && npm install --package-lock-only --ignore-scripts --no-audit --no-fund --loglevel=error)

cp "$scratch/package-lock.json" package-lock.json
echo "package-lock.json regenerated; now run: npm run check:lock"
