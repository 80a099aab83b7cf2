# Two commands set everything up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
JAVA_HOME := $(shell scripts/find-jdk)
export JAVA_HOME
MVN := ./mvnw -B -ntp

JMH_ARGS ?= -f 1 -wi 3 -w 2s -i 5 -r 2s

.PHONY: build run test bench bench-router bench-gateway soak clean jdk

jdk:
	@test -n "$(JAVA_HOME)" || { scripts/find-jdk; exit 1; }

## build: compile every module and prepare the bin/ launchers (no tests)
build: jdk
	$(MVN) -q package -DskipTests

## run: build, start NATS if nothing listens on 127.0.0.1:4222, run the gateway in the foreground
run: build
	scripts/run-local

## test: the whole suite (unit, socket, process and end-to-end tests)
test: jdk
	$(MVN) verify

## bench: JMH micro-benchmarks; results in bench/target/jmh-*.json, summarised in docs/PERFORMANCE.md
bench: build
	"$(JAVA_HOME)/bin/java" -cp "bench/target/classes:bench/target/lib/*" org.openjdk.jmh.Main \
	  'io.beamline.ipc.bench.codec.*' $(JMH_ARGS) -rf json -rff bench/target/jmh-codec.json

## bench-router: the reference Router alone, direct jnats clients at 1, 64 and 256 in flight
bench-router: build
	bench/run-router-bench.sh

## bench-gateway: gateway path vs direct jnats to the same Router, side by side in one run
bench-gateway: build
	bench/run-gateway-bench.sh

## soak: fixed-rate soak of a real gateway, Router and NATS (MINUTES=30 RATE=300 by default)
soak: build
	bench/run-soak.sh $(or $(MINUTES),30) $(or $(RATE),300)

clean: jdk
	$(MVN) -q clean
