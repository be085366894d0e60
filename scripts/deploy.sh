#!/usr/bin/env bash
# Deploys an environment from a workstation, as .github/workflows/deploy.yml does from CI:
#   1. helm upgrade --install --atomic --wait (helm undoes a release that does not become ready);
#   2. post-deploy checks: every KaleemTenant in the namespace reaches phase Ready for its current
#      generation, and every tenant's /api/health answers UP;
#   3. if a check fails: helm rollback to the revision that was live before, and exit 1.
# Usage: scripts/deploy.sh <dev|staging|production> [image-tag]
#   KUBECONFIG / the current context   the target cluster
#   IMAGE_REGISTRY (ghcr.io/kaleem): with an image tag, the tenants' API image is <registry>/kaleem-api:<tag>
#   RELEASE (kaleem-<env>), NAMESPACE (kaleem-<env>), TIMEOUT (10m, helm and each wait)
#   HEALTH_URLS   space-separated base URLs (https://acme.example.com) to check instead of going
#                 through the API server's service proxy (needed when NetworkPolicies keep the API
#                 server away from tenant pods)
set -euo pipefail
cd "$(dirname "$0")/.."
ENVIRONMENT=${1:?usage: scripts/deploy.sh <dev|staging|production> [image-tag]}
TAG=${2:-}
RELEASE=${RELEASE:-kaleem-$ENVIRONMENT}
NAMESPACE=${NAMESPACE:-kaleem-$ENVIRONMENT}
TIMEOUT=${TIMEOUT:-10m}
VALUES=helm/kaleem/values-$ENVIRONMENT.yaml

fail() { echo "deploy: $*" >&2; exit 1; }
[ -f "$VALUES" ] || fail "no values file $VALUES for environment '$ENVIRONMENT'"
for tool in helm kubectl curl; do
  command -v "$tool" >/dev/null || fail "$tool is missing: install it and rerun"
done
kubectl version >/dev/null 2>&1 || fail "cannot reach the cluster of the current kubectl context ($(kubectl config current-context 2>/dev/null || echo none))"

previous=$(helm -n "$NAMESPACE" history "$RELEASE" --max 1 -o json 2>/dev/null \
  | sed -n 's/.*"revision":\([0-9]*\).*/\1/p' || true)
args=(-f "$VALUES")
if [ -n "$TAG" ]; then
  args+=(--set operator.image.tag="$TAG"
    --set tenantDefaults.spec.api.image="${IMAGE_REGISTRY:-ghcr.io/kaleem}/kaleem-api:$TAG")
fi
echo "deploy: $RELEASE into $NAMESPACE (values $VALUES${TAG:+, image tag $TAG}; live revision: ${previous:-none})"
helm upgrade --install "$RELEASE" helm/kaleem --namespace "$NAMESPACE" --create-namespace \
  "${args[@]}" --atomic --wait --timeout "$TIMEOUT"

# Each tenant has reconciled the new release (observedGeneration) and is Ready.
tenants_ready() {
  local names name
  names=$(kubectl -n "$NAMESPACE" get kaleemtenants -o jsonpath='{.items[*].metadata.name}')
  for name in $names; do
    kubectl -n "$NAMESPACE" wait "kaleemtenant/$name" --timeout="$TIMEOUT" \
      --for=jsonpath='{.status.phase}'=Ready || return 1
    local gen observed
    gen=$(kubectl -n "$NAMESPACE" get "kaleemtenant/$name" -o jsonpath='{.metadata.generation}')
    observed=$(kubectl -n "$NAMESPACE" get "kaleemtenant/$name" -o jsonpath='{.status.observedGeneration}')
    [ "$gen" = "$observed" ] || { echo "deploy: tenant $name: observedGeneration $observed != generation $gen" >&2; return 1; }
    echo "deploy: tenant $name Ready"
  done
}

# /api/health of every tenant: UP in the aggregate answer.
tenants_healthy() {
  local body url name
  if [ -n "${HEALTH_URLS:-}" ]; then
    for url in $HEALTH_URLS; do
      body=$(curl -fsS --max-time 10 "$url/api/health") || { echo "deploy: $url/api/health failed" >&2; return 1; }
      case "$body" in *'"UP"'*) echo "deploy: $url/api/health UP" ;; *) echo "deploy: $url/api/health: $body" >&2; return 1 ;; esac
    done
    return 0
  fi
  for name in $(kubectl -n "$NAMESPACE" get kaleemtenants -o jsonpath='{.items[*].metadata.name}'); do
    body=$(kubectl get --raw "/api/v1/namespaces/$NAMESPACE/services/$name-api:80/proxy/api/health") \
      || { echo "deploy: tenant $name: /api/health did not answer" >&2; return 1; }
    case "$body" in *'"UP"'*) echo "deploy: tenant $name /api/health UP" ;; *) echo "deploy: tenant $name /api/health: $body" >&2; return 1 ;; esac
  done
}

if tenants_ready && tenants_healthy; then
  echo "deploy: $RELEASE healthy"
  exit 0
fi
if [ -n "$previous" ]; then
  echo "deploy: post-deploy checks failed: helm rollback $RELEASE $previous" >&2
  helm -n "$NAMESPACE" rollback "$RELEASE" "$previous" --wait --timeout "$TIMEOUT"
else
  echo "deploy: post-deploy checks failed on a first install: nothing to roll back to" >&2
fi
exit 1
