# Kaleem Platform. Needs only a JDK 17+: ./mvnw fetches Maven itself.
MVN ?= ./mvnw -B -ntp
API_JAR = api-service/target/kaleem-api-service-0.1.0-SNAPSHOT.jar

.PHONY: help run build test fmt bench services-up services-down clean crds run-operator

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

# JVM flags for a developer machine (quick start, small footprint): api-service/run.jvmopts
run: ## start the API on http://localhost:8080 with embedded defaults (in-process MongoDB, demo data)
	$(MVN) -q -pl api-service -am install -DskipTests -Dspotless.check.skip=true -Djacoco.skip=true
	java @api-service/run.jvmopts $(JAVA_OPTS) -jar $(API_JAR)

build: ## compile and package every module without running tests
	$(MVN) package -DskipTests

test: ## all tests, format gate and coverage gate (needs Redis and RabbitMQ: make services-up)
	$(MVN) verify

fmt: ## rewrite sources to google-java-format
	$(MVN) spotless:apply

bench: ## run the benchmarks; figures are printed and written to bench/results/
	bash bench/run.sh

services-up: ## start Redis and RabbitMQ on loopback (installs them from OS packages where it can)
	bash scripts/services.sh up

services-down: ## stop the Redis and RabbitMQ that services-up started
	bash scripts/services.sh down

crds: ## regenerate crds/kaleemtenants.kaleem.io-v1.yml from the KaleemTenant types
	$(MVN) -q -pl crds process-classes
	cp crds/target/classes/META-INF/fabric8/kaleemtenants.kaleem.io-v1.yml crds/

run-operator: ## run the operator against the current kubeconfig (applies the CRD when kubectl is there)
	$(MVN) -q -pl crds,kaleem-operator -am package dependency:build-classpath -DskipTests \
	  -Dspotless.check.skip=true -Djacoco.skip=true -Dmdep.outputFile=target/classpath.txt
	@if command -v kubectl >/dev/null; then kubectl apply -f crds/kaleemtenants.kaleem.io-v1.yml; \
	  else echo "kubectl not found: apply crds/kaleemtenants.kaleem.io-v1.yml to the cluster yourself"; fi
	java $(JAVA_OPTS) -cp "kaleem-operator/target/classes:crds/target/classes:$$(cat kaleem-operator/target/classpath.txt)" \
	  io.kaleem.operator.KaleemOperator

clean:
	$(MVN) -q clean
