#!/usr/bin/env bash
# Validates docker-compose.yml the way `docker compose config` does (compose-spec schema, variable
# interpolation with its required variables, references between services, configs and volumes), with the
# real compose CLI built from its Go module and kept in .tools/: no Docker engine needed.
set -euo pipefail
cd "$(dirname "$0")/../.."

# The newest release this machine's Go builds (v5.7 wants Go 1.26.10; GOTOOLCHAIN=local never downloads one).
COMPOSE_VERSION=v5.6.0
COMPOSE_MODULE=github.com/docker/compose/v5
compose="$PWD/.tools/docker-compose-${COMPOSE_VERSION}/docker-compose"

if [[ ! -x "$compose" ]]; then
  command -v go >/dev/null 2>&1 || { echo "check-compose: Go is needed to build the compose CLI" >&2; exit 1; }
  echo "Building docker-compose ${COMPOSE_VERSION} from its Go module into .tools/ (once) ..."
  build="$(mktemp -d)"
  trap 'rm -rf "$build"' EXIT
  mkdir -p "$(dirname "$compose")"
  (
    cd "$build"
    export GOTOOLCHAIN=local GOFLAGS=-mod=mod
    go mod init compose-build >/dev/null 2>&1
    # compose's own go.mod excludes these two pre-release versions; a main module must repeat that.
    go mod edit \
      -exclude=github.com/davecgh/go-spew@v1.1.2-0.20180830191138-d8f796af33cc \
      -exclude=github.com/pmezard/go-difflib@v1.0.1-0.20181226105442-5d4384ee4fb2
    go get -tool "${COMPOSE_MODULE}/cmd@${COMPOSE_VERSION}" 2>get.log || { cat get.log >&2; exit 1; }
    go build -trimpath -ldflags "-s -w -X ${COMPOSE_MODULE}/internal.Version=${COMPOSE_VERSION}" \
      -o "$compose.tmp" "${COMPOSE_MODULE}/cmd"
  )
  mv "$compose.tmp" "$compose"
fi

# No .env is read in CI; the file's own defaults apply. API_KEY is required, so the check sets a stand-in
# and then makes sure the file refuses to load without one.
API_KEY=ci-placeholder "$compose" -f docker-compose.yml config --quiet
if env -u API_KEY "$compose" -f docker-compose.yml config --quiet 2>/dev/null; then
  echo "check-compose: docker-compose.yml loads without API_KEY; the api service must require it" >&2
  exit 1
fi
# Temporal's auto-setup image is deprecated: the server image plus the admin-tools schema job replace it.
if API_KEY=ci-placeholder "$compose" -f docker-compose.yml config --images | grep -q 'temporalio/auto-setup'; then
  echo "check-compose: docker-compose.yml uses the deprecated temporalio/auto-setup image" >&2
  exit 1
fi
echo "docker-compose.yml is valid ($("$compose" version --short))"
