#!/usr/bin/env bash
# End-to-end on a kind cluster (CI job `e2e`; locally: kind, helm, kubectl and the amd64 image
# tars from `make images`). Installs helm/kaleem with its dev backing services, onboards
# crds/samples/tenant-minimal.yaml, waits for Ready, then rolls out an image that cannot start and
# asserts the operator rolls the tenant back to the last good revision on its own.
#   IMAGE_REGISTRY, IMAGE_TAG   the images `make images` built (default ghcr.io/kaleem, the version)
#   KIND_CLUSTER                default kaleem-e2e
set -euo pipefail
cd "$(dirname "$0")/.."
REGISTRY=${IMAGE_REGISTRY:-ghcr.io/kaleem}
TAG=${IMAGE_TAG:-$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -1)}
CLUSTER=${KIND_CLUSTER:-kaleem-e2e}
NS=shops
TENANT=acme
API_IMAGE="$REGISTRY/kaleem-api:$TAG"
OPERATOR_IMAGE="$REGISTRY/kaleem-operator:$TAG"
# A tag that does not exist: the pods never become ready (ImagePullBackOff).
BROKEN_IMAGE="$REGISTRY/kaleem-api:does-not-exist"

step() { echo "=== $*"; }
fail() { echo "e2e: $*" >&2; exit 1; }
for tool in kind kubectl helm; do
  command -v "$tool" >/dev/null || fail "$tool is missing: install it and rerun"
done

step "load the images into kind ($API_IMAGE, $OPERATOR_IMAGE)"
for module in api-service kaleem-operator; do
  tar=$(find "$module/target/docker" -name jib-image.linux-amd64.tar -path "*/$TAG/*" 2>/dev/null | head -1)
  [ -n "$tar" ] || fail "no $module image tar for tag $TAG under $module/target/docker: run make images first"
  kind load image-archive "$tar" --name "$CLUSTER"
done

step "helm install (dev backing services, operator in $NS)"
helm upgrade --install kaleem helm/kaleem --namespace "$NS" --create-namespace \
  -f helm/kaleem/values-dev.yaml \
  --set-json 'tenants=[]' \
  --set operator.image.repository="$REGISTRY/kaleem-operator" \
  --set operator.image.tag="$TAG" \
  --set operator.image.pullPolicy=IfNotPresent \
  --set tenantDefaults.spec.api.image="$API_IMAGE" \
  --wait --timeout 10m

step "onboard crds/samples/tenant-minimal.yaml"
uri=$(kubectl -n "$NS" get secret kaleem-dev-credentials -o jsonpath='{.data.mongodb-uri}' | base64 -d)
kubectl -n "$NS" create secret generic "$TENANT-mongo" --from-literal=uri="$uri" \
  --dry-run=client -o yaml | kubectl apply -f -
# The tenant's signing keys (Secret <tenant>-jwt, key jwks.json): one fresh EC P-256 key as a JWK
# set, from openssl's key dump (d, then the uncompressed point 04||x||y), base64url-encoded.
jwks=$(openssl ecparam -name prime256v1 -genkey -noout | openssl ec -text -noout 2>/dev/null |
  python3 -c '
import base64, json, re, sys
text = sys.stdin.read()
def hexblock(label):
    block = re.search(label + r":\s*((?:[0-9a-f]{2}:?\s*)+)", text).group(1)
    return bytes.fromhex(re.sub(r"[^0-9a-f]", "", block))
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
d = hexblock("priv")[-32:].rjust(32, b"\0")
pub = hexblock("pub")
print(json.dumps({"keys": [{"kty": "EC", "crv": "P-256", "kid": "e2e-1", "alg": "ES256",
  "use": "sig", "d": b64(d), "x": b64(pub[1:33]), "y": b64(pub[33:65])}]}))
')
kubectl -n "$NS" create secret generic "$TENANT-jwt" --from-literal=jwks.json="$jwks" \
  --dry-run=client -o yaml | kubectl apply -f -
sed "s#image: .*#image: $API_IMAGE#" crds/samples/tenant-minimal.yaml | kubectl apply -f -
kubectl -n "$NS" wait "kaleemtenant/$TENANT" --for=jsonpath='{.status.phase}'=Ready --timeout=10m
good=$(kubectl -n "$NS" get "kaleemtenant/$TENANT" -o jsonpath='{.status.currentRevision}')
echo "ready at revision $good"

step "roll out a broken image ($BROKEN_IMAGE)"
kubectl -n "$NS" patch "kaleemtenant/$TENANT" --type merge \
  -p "{\"spec\":{\"api\":{\"image\":\"$BROKEN_IMAGE\"}}}"

step "the operator rolls back on its own"
kubectl -n "$NS" wait "kaleemtenant/$TENANT" --for=jsonpath='{.status.rollbackHistory[0].to}'="$good" \
  --timeout=15m
# The spec still names the broken image, so the tenant stays RolledBack (serving the last good
# revision) until someone changes the spec.
kubectl -n "$NS" wait "kaleemtenant/$TENANT" --for=jsonpath='{.status.phase}'=RolledBack --timeout=5m
deploy=$(kubectl -n "$NS" get deploy -l "app.kubernetes.io/instance=$TENANT" \
  -o jsonpath='{.items[0].metadata.name}')
kubectl -n "$NS" rollout status "deploy/$deploy" --timeout=10m
running=$(kubectl -n "$NS" get "deploy/$deploy" -o jsonpath='{.spec.template.spec.containers[0].image}')
[ "$running" = "$API_IMAGE" ] || fail "after the rollback the Deployment runs $running, expected $API_IMAGE"
kubectl -n "$NS" get "kaleemtenant/$TENANT" -o jsonpath='{.status.rollbackHistory}'; echo
echo "e2e: rolled back from the broken image to revision $good"
