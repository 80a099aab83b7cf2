package io.beamline.ipc.client;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import io.beamline.ipc.testkit.ModuleArchitecture;
import org.junit.jupiter.api.Test;

/**
 * The shape of the Java client library and the ipc CLI, kept by tests (docs/ARCHITECTURE.md). The root
 * package is the library itself, which the CLI uses and which must not know the CLI.
 */
class ArchitectureTest extends ModuleArchitecture {

    ArchitectureTest() {
        super("io.beamline.ipc.client", false);
    }

    @Test
    void theLibraryKnowsNothingOfTheCli() {
        noClasses().that().resideInAPackage(root).should().dependOnClassesThat()
                .resideInAnyPackage(root + ".cli..", "picocli..")
                .because("applications embed the library without the CLI or picocli").check(classes);
    }
}
