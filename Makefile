# Two commands set everything up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
JAVA_HOME := $(shell scripts/find-jdk)
export JAVA_HOME
MVN := ./mvnw -B -ntp

JMH_ARGS ?= -f 1 -wi 3 -w 2s -i 5 -r 2s

.PHONY: build run test fuzz bench bench-path bench-router bench-gateway bench-gateway-v2 bench-footprint soak clean jdk \
	dist test-clients client-tests

jdk:
	@test -n "$(JAVA_HOME)" || { scripts/find-jdk; exit 1; }

## build: compile every module and prepare the bin/ launchers (no tests), then the launchers' class-data caches
## (AOT cache on JDK 25+, AppCDS on 21-24; a short training run; on failure a warning, never a failed build)
build: jdk
	$(MVN) -q package -DskipTests
	scripts/build-jvm-cache

## run: build, start NATS if nothing listens on 127.0.0.1:4222, run the gateway in the foreground
run: build
	scripts/run-local

## test: the whole suite (unit, socket, process and end-to-end tests)
test: jdk
	$(MVN) verify
	$(MAKE) client-tests

## fuzz: each Jazzer @FuzzTest in fuzzing mode for SECONDS (default 60), one target per JVM run; findings land in
## the target's src/test/resources/.../<Class>Inputs/<method>/ (then regression inputs of `make test`); the
## generated corpus in <module>/.cifuzz-corpus/ (not committed). JUnit's test timeout is off: a target runs SECONDS;
## Jazzer's own per-input timeout finds hangs. docs/security/fuzzing.md
FUZZ_TARGETS := protocol:FrameCodecFuzzTest gateway:FrameDecoderFuzzTest gateway:SubmitMappingFuzzTest \
	gateway:RouterReplyFuzzTest router:DecideRequestParserFuzzTest
fuzz: jdk
	@failed=""; for t in $(FUZZ_TARGETS); do \
	  echo "== fuzzing $${t#*:} for $(or $(SECONDS),60) s"; \
	  JAZZER_FUZZ=1 JAZZER_MAX_DURATION=$(or $(SECONDS),60)s $(MVN) -q -pl $${t%%:*} -am test -Dtest=$${t#*:} \
	    -Dsurefire.failIfNoSpecifiedTests=false -Djunit.jupiter.execution.timeout.mode=disabled \
	    || failed="$$failed $${t#*:}"; \
	done; test -z "$$failed" || { echo "findings in:$$failed"; exit 1; }

## bench: JMH micro-benchmarks; results in bench/target/jmh-*.json, summarised in docs/PERFORMANCE.md
bench: build
	"$(JAVA_HOME)/bin/java" -cp "bench/target/classes:bench/target/lib/*" org.openjdk.jmh.Main \
	  'io.beamline.ipc.bench.codec.*' $(JMH_ARGS) -rf json -rff bench/target/jmh-codec.json

## bench-path: issue 10: JMH, the gateway's own work on one request without I/O, with bytes allocated per request
## (-prof gc: gc.alloc.rate.norm), beside the same work done with Jackson trees as before
bench-path: build
	"$(JAVA_HOME)/bin/java" -cp "bench/target/classes:bench/target/lib/*" org.openjdk.jmh.Main \
	  'io.beamline.ipc.bench.path.*' $(JMH_ARGS) -prof gc -rf json -rff bench/target/jmh-path.json

## bench-router: the reference Router alone, direct jnats clients at 1, 64 and 256 in flight
bench-router: build
	bench/run-router-bench.sh

## bench-gateway: gateway path vs direct jnats to the same Router, side by side in one run
bench-gateway: build
	bench/run-gateway-bench.sh

## bench-gateway-v2: issue 9: v2 multiplexing vs v1 pipelining, then streamed chunks/s through the gateway vs direct
## NATS (with streams.max_buffered_bytes STREAM_BUFFER_BYTES=64 MiB: the 1 MiB default overflows, docs/PERFORMANCE.md)
bench-gateway-v2: build
	bench/run-gateway-bench.sh --mode multiplex
	BEAMLINE_STREAMS_MAX_BUFFERED_BYTES=$(or $(STREAM_BUFFER_BYTES),67108864) bench/run-gateway-bench.sh --mode stream

## bench-footprint: issue 10: idle RSS and threads, ready time (median of 5 launches), 1,000 connections x 10 submits
## (peak RSS, RSS 60 s after), each against its target; BENCH_ARGS e.g. --json FILE, --runs 7
bench-footprint: build
	bench/run-footprint.sh $(BENCH_ARGS)

## soak: fixed-rate soak of a real gateway, Router and NATS (MINUTES=30 RATE=300 by default)
soak: build
	bench/run-soak.sh $(or $(MINUTES),30) $(or $(RATE),300)

clean: jdk
	$(MVN) -q clean

## test-clients: the TypeScript and Python clients (clients/, issue 13) against a real gateway, reference Router and
## nats-server started from the built launchers
## (`make test` runs them after `mvn verify`, which built the jars the launchers need: client-tests, no rebuild)
test-clients: build
	$(MAKE) client-tests

client-tests:
	@command -v node >/dev/null 2>&1 || { echo "test-clients: node >= 18 is needed (Debian: apt-get install nodejs)"; exit 1; }
	@command -v python3 >/dev/null 2>&1 || { echo "test-clients: python3 >= 3.9 is needed"; exit 1; }
	cd clients/typescript && node --test test/frame.test.js test/negotiation.test.js test/gateway.test.js
	cd clients/python && python3 -m unittest discover -s tests -t . -v

## dist: the installable archive dist/beamline-ipc-gateway-<version>-linux-x86_64.tar.gz (its own jlinked Java
## runtime, launchers, example config, systemd user units; docs/operations/install.md)
dist: jdk
	$(MVN) -q package -DskipTests
	scripts/make-dist
