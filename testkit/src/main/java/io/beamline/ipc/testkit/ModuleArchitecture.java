package io.beamline.ipc.testkit;

import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.Test;

/**
 * The architecture test every module keeps (docs/ARCHITECTURE.md): extend it with the module's root package,
 * add the module's own rules beside these.
 */
public abstract class ModuleArchitecture {

    protected final String root;
    protected final JavaClasses classes;
    private final boolean rootIsWiring;

    /** @param rootIsWiring the root package holds only the wiring and the main class: nothing may depend on it */
    protected ModuleArchitecture(String root, boolean rootIsWiring) {
        this.root = root;
        this.classes = PackageRules.mainClasses(root);
        this.rootIsWiring = rootIsWiring;
    }

    @Test
    void noPackageCycles() {
        PackageRules.assertNoPackageCycles(classes, root);
    }

    @Test
    void nothingDependsOnTheWiring() {
        if (rootIsWiring) {
            PackageRules.assertRootIsOnlyTheWiring(classes, root);
        }
    }
}
