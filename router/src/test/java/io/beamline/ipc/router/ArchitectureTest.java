package io.beamline.ipc.router;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.beamline.ipc.testkit.PackageRules;
import org.junit.jupiter.api.Test;

/** The shape of the reference Router, kept by tests (docs/ARCHITECTURE.md). */
class ArchitectureTest {

    private static final String ROOT = "io.beamline.ipc.router";
    private static final JavaClasses CLASSES = PackageRules.mainClasses(ROOT);

    @Test
    void noPackageCycles() {
        PackageRules.assertNoPackageCycles(CLASSES, ROOT);
    }

    @Test
    void nothingDependsOnTheRootPackage() {
        PackageRules.assertRootIsOnlyTheWiring(CLASSES, ROOT);
    }
}
