package io.bedrockstream.layering;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The package arrows of README's "How it works", checked on the compiled main classes: a wrong import fails the
 * build. {@code contract} ← {@code model} ← {@code request} ← {@code bedrock} ← {@code engine} ← {@code connect};
 * the emulator and the assembler import nothing of the connector; below {@code connect} nothing knows Kafka.
 */
class LayeringTest {

    private static final String ROOT = "io.bedrockstream";
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    @Test
    void theConnectorsLayersOnlyPointDown() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("contract")
                .definedBy(ROOT + ".contract..")
                .layer("model")
                .definedBy(ROOT + ".model..")
                .layer("request")
                .definedBy(ROOT + ".request..")
                .layer("bedrock")
                .definedBy(ROOT + ".bedrock..")
                .layer("engine")
                .definedBy(ROOT + ".engine..")
                .layer("connect")
                .definedBy(ROOT + ".connect..")
                .layer("emulator")
                .definedBy(ROOT + ".emulator..")
                .layer("assembler")
                .definedBy(ROOT + ".streams..")
                .whereLayer("connect")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("engine")
                .mayOnlyBeAccessedByLayers("connect")
                .whereLayer("bedrock")
                .mayOnlyBeAccessedByLayers("engine", "connect")
                .whereLayer("request")
                .mayOnlyBeAccessedByLayers("bedrock", "engine", "connect")
                .whereLayer("model")
                .mayOnlyBeAccessedByLayers("request", "bedrock", "engine", "connect")
                .whereLayer("contract")
                .mayOnlyBeAccessedByLayers("connect", "assembler")
                .whereLayer("emulator")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("assembler")
                .mayNotBeAccessedByAnyLayer()
                .check(MAIN);
    }

    @Test
    void belowConnectNothingKnowsKafka() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        ROOT + ".engine..",
                        ROOT + ".bedrock..",
                        ROOT + ".request..",
                        ROOT + ".model..",
                        ROOT + ".contract..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.apache.kafka..")
                .check(MAIN);
    }

    @Test
    void theContractNeedsOnlyTheJdk() {
        classes()
                .that()
                .resideInAPackage(ROOT + ".contract..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(ROOT + ".contract..", "java..")
                .check(MAIN);
    }

    @Test
    void theEmulatorNeedsOnlyItsDeclaredDependencies() {
        classes()
                .that()
                .resideInAPackage(ROOT + ".emulator..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(
                        ROOT + ".emulator..",
                        "java..",
                        "javax..",
                        "io.netty..",
                        "com.fasterxml.jackson..",
                        "org.slf4j..")
                .check(MAIN);
    }

    @Test
    void theAssemblerNeedsKafkaStreamsJacksonAndTheContractOnly() {
        classes()
                .that()
                .resideInAPackage(ROOT + ".streams..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(
                        ROOT + ".streams..",
                        ROOT + ".contract..",
                        "java..",
                        "org.apache.kafka.streams..",
                        "org.apache.kafka.common..",
                        "org.apache.kafka.clients..",
                        "com.fasterxml.jackson..",
                        "org.slf4j..")
                .check(MAIN);
    }
}
