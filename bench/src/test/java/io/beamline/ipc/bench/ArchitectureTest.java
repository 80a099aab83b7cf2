package io.beamline.ipc.bench;

import io.beamline.ipc.testkit.ModuleArchitecture;

/** The shape of the benchmarks and the soak tool, kept by tests (docs/ARCHITECTURE.md). */
class ArchitectureTest extends ModuleArchitecture {

    ArchitectureTest() {
        super("io.beamline.ipc.bench", true);
    }
}
