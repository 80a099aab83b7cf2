package io.beamline.ipc.client;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.beamline.ipc.testkit.PackageRules;
import org.junit.jupiter.api.Test;

/** The shape of the Java client library and the ipc CLI, kept by tests (docs/ARCHITECTURE.md). */
class ArchitectureTest {

    private static final String ROOT = "io.beamline.ipc.client";
    private static final JavaClasses CLASSES = PackageRules.mainClasses(ROOT);

    @Test
    void noPackageCycles() {
        PackageRules.assertNoPackageCycles(CLASSES, ROOT);
    }

    @Test
    void theLibraryKnowsNothingOfTheCli() {
        noClasses().that().resideInAPackage(ROOT).should().dependOnClassesThat().resideInAPackage(ROOT + ".cli..")
                .because("applications embed the library without picocli").check(CLASSES);
        noClasses().that().resideInAPackage(ROOT).should().dependOnClassesThat().resideInAPackage("picocli..")
                .check(CLASSES);
    }
}
