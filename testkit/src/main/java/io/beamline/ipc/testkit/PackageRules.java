package io.beamline.ipc.testkit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The shape rules every module keeps (docs/ARCHITECTURE.md), for its architecture test: no cycle between
 * any two of its packages (each package its own slice, sub-packages included), and nothing depends on the
 * module's root package, where only the wiring and the main class live.
 */
public final class PackageRules {

    private PackageRules() {
    }

    /** The module's main classes (not its tests) under {@code rootPackage}. */
    public static JavaClasses mainClasses(String rootPackage) {
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages(rootPackage);
    }

    public static void assertNoPackageCycles(JavaClasses classes, String rootPackage) {
        slices().matching(rootPackage + ".(**)").namingSlices("$1")
                .should().beFreeOfCycles()
                .because("a cycle between packages means neither can be read or changed alone")
                .check(classes);
    }

    public static void assertRootIsOnlyTheWiring(JavaClasses classes, String rootPackage) {
        noClasses().that().resideOutsideOfPackage(rootPackage)
                .should().dependOnClassesThat().resideInAPackage(rootPackage)
                .because("the root package wires the parts; no part may depend on the wiring")
                .allowEmptyShould(true)
                .check(classes);
    }
}
