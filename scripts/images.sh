#!/usr/bin/env bash
# `make images`: builds the API and operator images with Jib through JKube, without a Docker
# daemon, as OCI/Docker archives under <module>/target/docker/<image>/tmp/jib-image.<os>-<arch>.tar
# (one per platform). PUSH=1 pushes them instead (multi-platform manifest; log in to the registry
# first, e.g. `docker login ghcr.io` or ~/.docker/config.json).
#   IMAGE_REGISTRY  default ghcr.io/kaleem      IMAGE_TAG  default the project version
#   IMAGE_FROM      base image override; IMAGE_FROM=scratch builds offline (cannot run Java:
#                   only for inspecting the layers and config, as `make test` does)
set -euo pipefail
cd "$(dirname "$0")/.."
MVN=${MVN:-./mvnw -B -ntp}

base=${IMAGE_FROM:-$(sed -n 's:.*<kaleem.image.from>\(.*\)</kaleem.image.from>.*:\1:p' pom.xml)}
if [ "$base" != scratch ]; then
  # Docker Hub short names live on registry-1.docker.io; a name with a host part names its registry.
  registry="registry-1.docker.io"
  case "$base" in
    */*)
      first=${base%%/*}
      case "$first" in *.*|*:*|localhost) registry=$first ;; esac ;;
  esac
  # Any HTTP answer (401 included) means the registry is reachable; 000 means no route.
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "https://$registry/v2/" || true)
  if [ "$code" = 000 ]; then
    echo "make images: cannot reach $registry to pull the base image $base: this machine has no" \
      "route to that registry (offline or firewalled), and Jib needs the base image's layers to" \
      "build. The image configuration is still checked offline by 'make test' (ImageConfigIT" \
      "builds the same image FROM scratch); CI builds and pushes the real images" \
      "(.github/workflows/ci.yml). To inspect the layers here: make images IMAGE_FROM=scratch." >&2
    exit 1
  fi
fi

args=(-Dkaleem.image.from="$base")
[ -n "${IMAGE_REGISTRY:-}" ] && args+=(-Dkaleem.image.registry="$IMAGE_REGISTRY")
[ -n "${IMAGE_TAG:-}" ] && args+=(-Dkaleem.image.tag="$IMAGE_TAG")
rev=$(git rev-parse HEAD 2>/dev/null || echo unknown)
args+=(-Dkaleem.image.revision="$rev")
goals=(package k8s:build)
if [ "${PUSH:-0}" = 1 ]; then
  goals+=(k8s:push)
fi
# shellcheck disable=SC2086 # MVN is a command and its flags
$MVN -pl crds,kaleem-operator,api-service -am "${goals[@]}" "${args[@]}" \
  -DskipTests -Dspotless.check.skip=true -Djacoco.skip=true
find api-service/target/docker kaleem-operator/target/docker -name 'jib-image.*.tar' \
  -newer pom.xml -exec ls -l {} + 2>/dev/null || true
