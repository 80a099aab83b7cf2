package io.beamline.ipc.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import io.beamline.ipc.testkit.ModuleArchitecture;
import org.junit.jupiter.api.Test;

/**
 * The gateway's shape as docs/ARCHITECTURE.md states it: which capability may know which. Each rule names
 * what it keeps apart; a new dependency that breaks one is a design change, to be made in the doc first.
 */
class ArchitectureTest extends ModuleArchitecture {

    ArchitectureTest() {
        super("io.beamline.ipc.gateway", true);
    }

    private String pkg(String name) {
        return root + "." + name + "..";
    }

    @Test
    void theSocketServerDoesNotKnowNatsNorTheRouterPath() {
        noClasses().that().resideInAPackage(pkg("ipc")).should().dependOnClassesThat()
                .resideInAnyPackage("io.nats..", pkg("routerclient"), pkg("resilience"), pkg("taskflow"))
                .because("ipc speaks the protocol and hands tasks to a TaskService").check(classes);
    }

    @Test
    void gatesKnowNeitherNettyNorNats() {
        noClasses().that().resideInAPackage(pkg("resilience")).should().dependOnClassesThat()
                .resideInAnyPackage("io.netty..", "io.nats..", pkg("ipc"), pkg("taskflow"))
                .because("a gate decides on a submit's tenant and caller, not on a socket or a transport")
                .check(classes);
    }

    @Test
    void theRouterClientKnowsNoSocketNorGate() {
        noClasses().that().resideInAPackage(pkg("routerclient")).should().dependOnClassesThat()
                .resideInAnyPackage("io.netty.channel..", "io.netty.buffer..", "io.netty.handler..", pkg("ipc"),
                        pkg("resilience"), pkg("taskflow"))
                .because("the Router path is a NATS client (its deadline timer is netty-common's timing wheel, "
                        + "no transport); gates wrap it from outside").check(classes);
    }

    @Test
    void theTaskVocabularyIsALeaf() {
        noClasses().that().resideInAPackage(pkg("task")).should().dependOnClassesThat()
                .resideInAnyPackage("io.netty..", "io.nats..", pkg("ipc"), pkg("routerclient"), pkg("resilience"),
                        pkg("taskflow"), pkg("config"), pkg("observability"))
                .because("every part speaks of tasks in these types; they depend on none of the parts")
                .check(classes);
    }

    @Test
    void configAndObservabilityKnowNoPart() {
        noClasses().that().resideInAnyPackage(pkg("config"), pkg("observability")).should().dependOnClassesThat()
                .resideInAnyPackage(pkg("ipc"), pkg("routerclient"), pkg("resilience"), pkg("taskflow"),
                        pkg("task"))
                .because("each part brings its own meters (MeterBinder) and reads its own config record")
                .check(classes);
    }

    @Test
    void onlyTracingKnowsOpenTelemetry() {
        noClasses().that().resideOutsideOfPackage(pkg("tracing")).should().dependOnClassesThat()
                .resideInAPackage("io.opentelemetry..")
                .because("with tracing off no OpenTelemetry class may load: the SDK stays behind task.RequestTracer")
                .check(classes);
    }

    @Test
    void tracingKnowsOnlyTheTaskVocabulary() {
        noClasses().that().resideInAPackage(pkg("tracing")).should().dependOnClassesThat()
                .resideInAnyPackage("io.netty..", "io.nats..", pkg("ipc"), pkg("routerclient"), pkg("resilience"),
                        pkg("taskflow"), pkg("config"), pkg("observability"))
                .because("spans are told what happened through task.RequestSpan; tracing reaches into no part")
                .check(classes);
    }
}
