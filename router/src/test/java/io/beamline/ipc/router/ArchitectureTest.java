package io.beamline.ipc.router;

import io.beamline.ipc.testkit.ModuleArchitecture;

/** The shape of the reference Router, kept by tests (docs/ARCHITECTURE.md). */
class ArchitectureTest extends ModuleArchitecture {

    ArchitectureTest() {
        super("io.beamline.ipc.router", true);
    }
}
