package io.beamline.ipc.protocol;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The protocol depends on nothing of ours and does no I/O beyond byte buffers (docs/ARCHITECTURE.md). */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("io.beamline.ipc.protocol");

    @Test
    void dependsOnTheJdkAndJacksonOnly() {
        classes().should().onlyDependOnClassesThat().resideInAnyPackage("io.beamline.ipc.protocol..", "java..",
                        "com.fasterxml.jackson..")
                .because("the gateway, the clients and other languages build on the protocol alone")
                .check(CLASSES);
    }

    @Test
    void doesNoSocketOrFileIo() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("java.net..", "java.nio.channels..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.nio.file.Files")
                .because("frames are bytes in, bytes out; the gateway and the client own the sockets")
                .check(CLASSES);
    }
}
