# Kaleem Platform. Needs only a JDK 17+: ./mvnw fetches Maven itself.
MVN ?= ./mvnw -B -ntp

.PHONY: help run run-traced build test fmt bench services-up services-down clean crds alerts run-operator observability-up helm-lint helm-sync

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

# What the API jar is built from: Maven runs (about 15 s even with nothing to do) only when one of
# these changed since the last build (a stamp file: reproducible jars carry a fixed timestamp).
API_BUILT = api-service/target/.built-for-run
API_SOURCES := $(shell find api-service/src/main crds/src/main -type f) pom.xml api-service/pom.xml crds/pom.xml

# JVM flags for a developer machine (quick start, small footprint): api-service/run.jvmopts;
# scripts/run-api.sh adds a class-data-sharing archive made once per build.
run: $(API_BUILT) ## start the API on http://localhost:8080 with embedded defaults (in-process MongoDB, demo data)
	JAVA_OPTS="$(JAVA_OPTS)" bash scripts/run-api.sh

# The OpenTelemetry agent (fetched by the build into api-service/target/otel/). Without
# OTEL_EXPORTER_OTLP_ENDPOINT nothing is exported or recorded (exporters "none", sampler
# "always_off"): trace and span ids still reach every JSON log line. With it, every trace goes to
# that OTLP endpoint (e.g. http://localhost:4318).
OTEL_AGENT = api-service/target/otel/opentelemetry-javaagent.jar
run-traced: $(API_BUILT) ## make run with the OpenTelemetry agent (OTEL_EXPORTER_OTLP_ENDPOINT to export traces)
	@test -f $(OTEL_AGENT) || $(MVN) -q -pl api-service dependency:copy@opentelemetry-javaagent
	OTEL_SERVICE_NAME=$${OTEL_SERVICE_NAME:-kaleem-api} \
	OTEL_TRACES_EXPORTER=$${OTEL_TRACES_EXPORTER:-$$( [ -n "$$OTEL_EXPORTER_OTLP_ENDPOINT" ] && echo otlp || echo none )} \
	OTEL_TRACES_SAMPLER=$${OTEL_TRACES_SAMPLER:-$$( [ -n "$$OTEL_EXPORTER_OTLP_ENDPOINT" ] && echo parentbased_always_on || echo always_off )} \
	OTEL_METRICS_EXPORTER=$${OTEL_METRICS_EXPORTER:-none} OTEL_LOGS_EXPORTER=$${OTEL_LOGS_EXPORTER:-none} \
	OTEL_JAVAAGENT_CONFIGURATION_FILE=$${OTEL_JAVAAGENT_CONFIGURATION_FILE:-api-service/src/main/otel/agent.properties} \
	JAVA_OPTS="-javaagent:$(OTEL_AGENT) $(JAVA_OPTS)" bash scripts/run-api.sh

$(API_BUILT): $(API_SOURCES)
	$(MVN) -q -pl api-service -am install -DskipTests -Dspotless.check.skip=true -Djacoco.skip=true
	touch $@

build: ## compile and package every module without running tests
	$(MVN) package -DskipTests

# `make test` is whole on its own: services-up installs (as root, from the OS packages) and starts
# what the tests talk to, or stops at once with one line saying what to install.
test: services-up ## all tests, format gate and coverage gate (starts Redis/RabbitMQ, installs promtool)
	$(MVN) verify

fmt: ## rewrite sources to google-java-format
	$(MVN) spotless:apply

bench: ## run the benchmarks; figures are printed and written to bench/results/
	bash bench/run.sh

services-up: ## start Redis and RabbitMQ on loopback, install prometheus/promtool (OS packages where it can)
	bash scripts/services.sh up

services-down: ## stop the Redis and RabbitMQ that services-up started
	bash scripts/services.sh down

crds: ## regenerate crds/kaleemtenants.kaleem.io-v1.yml from the KaleemTenant types
	$(MVN) -q -pl crds process-classes
	cp crds/target/classes/META-INF/fabric8/kaleemtenants.kaleem.io-v1.yml crds/

helm-lint: ## lint and render helm/kaleem with every values file, and check what it renders (helm-java, no helm CLI needed)
	$(MVN) -q -pl helm -am test -Dtest='io.kaleem.helm.*Test' -Dsurefire.failIfNoSpecifiedTests=false \
	  -Djacoco.skip=true

helm-sync: ## copy the generated CRD and observability's dashboards into helm/kaleem; regenerate the tenant-spec schema
	cp crds/kaleemtenants.kaleem.io-v1.yml helm/kaleem/crds/
	if [ -d observability/grafana/dashboards ]; then cp observability/grafana/dashboards/*.json helm/kaleem/dashboards/; fi
	$(MVN) -q -pl helm -am test -Dtest='SchemaTest#tenantSpecSchemaIsTheCrdsSchema' \
	  -Dsurefire.failIfNoSpecifiedTests=false -Djacoco.skip=true -Dkaleem.helm.writeSchema=true

alerts: ## regenerate observability/alerts/{api,operator}-alerts.yml from crds' AlertRules and OperatorAlertRules
	$(MVN) -q -pl crds test -Dtest='AlertRulesFileTest,OperatorAlertRulesFileTest' -Dkaleem.alerts.write=true -Djacoco.skip=true

observability-up: ## Prometheus on :9090 scraping `make run` (and Grafana/Loki when installed): docs/OBSERVABILITY.md
	bash scripts/observability-up.sh

run-operator: ## run the operator against the current kubeconfig (applies the CRD when kubectl is there)
	$(MVN) -q -pl crds,kaleem-operator -am package dependency:build-classpath -DskipTests \
	  -Dspotless.check.skip=true -Djacoco.skip=true -Dmdep.outputFile=target/classpath.txt
	@if command -v kubectl >/dev/null; then kubectl apply -f crds/kaleemtenants.kaleem.io-v1.yml; \
	  else echo "kubectl not found: apply crds/kaleemtenants.kaleem.io-v1.yml to the cluster yourself"; fi
	java $(JAVA_OPTS) -cp "kaleem-operator/target/classes:crds/target/classes:$$(cat kaleem-operator/target/classpath.txt)" \
	  io.kaleem.operator.KaleemOperator

clean:
	$(MVN) -q clean

# Images and lint (docs/CI_CD.md). `test: lint` adds a prerequisite to the test target above.
.PHONY: images lint
test: lint

images: ## build the API and operator images with Jib, no Docker daemon (PUSH=1 pushes; IMAGE_FROM=scratch offline)
	bash scripts/images.sh

lint: ## shellcheck the scripts and actionlint the workflows (installs both if missing)
	bash scripts/lint.sh
