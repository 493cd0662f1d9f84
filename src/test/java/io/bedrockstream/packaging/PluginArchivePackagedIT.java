package io.bedrockstream.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.testkit.ChildProcess;
import io.bedrockstream.testkit.HostClasspath;
import io.bedrockstream.testkit.LocalKafkaConnect;
import io.bedrockstream.testkit.ProjectLayout;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The plugin archive as a user installs it: a real KRaft broker and a real distributed Connect worker in child
 * JVMs, the worker loading the connector only through plugin.path = target/plugin (the unpacked zip), and the
 * Bedrock emulator started from the archive's lib/. Runs in failsafe after {@code package}.
 */
class PluginArchivePackagedIT {

    private static final String CONNECTOR = "bedrock-packaged-it";
    private static final String WORKER = "connect-worker";

    private static ProjectLayout project;
    private static LocalKafkaConnect local;
    private static PackagedPluginChecks checks;

    @BeforeAll
    static void startProcesses() throws Exception {
        project = ProjectLayout.locate();
        local = LocalKafkaConnect.create(project, "packaged-it-" + System.currentTimeMillis(), System.out);
        local.launchEmulator(List.of("--seed", "7", "--words", "12", "--per-chunk", "3"));
        local.startBroker(Duration.ofSeconds(60));
        local.startWorker(Duration.ofSeconds(90));
        local.awaitEmulator(Duration.ofSeconds(30));
        checks =
                new PackagedPluginChecks(local, CONNECTOR, local.process(WORKER).log());
    }

    @AfterAll
    static void stopProcesses() {
        if (local != null) {
            local.close();
        }
    }

    @Test
    void workerListsTheConnectorWithTheBuildsVersion() throws Exception {
        String version = project.pluginVersion();
        assertThat(version).isNotBlank().doesNotContain("${");

        checks.assertListsTheConnector(version);
    }

    @Test
    void zipHoldsExactlyTheTreeTheWorkerLoadedWithoutWorkerProvidedJars() throws IOException {
        Map<String, Long> zipped = new TreeMap<>();
        try (ZipFile zip = new ZipFile(project.pluginArchive().toFile())) {
            zip.stream().filter(e -> !e.isDirectory()).forEach(e -> zipped.put(e.getName(), e.getCrc()));
        }
        Map<String, Long> unpacked = new TreeMap<>();
        try (Stream<Path> files = Files.walk(project.pluginDir())) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = ProjectLayout.PLUGIN_NAME + "/"
                        + project.pluginDir().relativize(file).toString().replace('\\', '/');
                CRC32 crc = new CRC32();
                crc.update(Files.readAllBytes(file));
                unpacked.put(name, crc.getValue());
            }
        }

        assertThat(zipped).isEqualTo(unpacked);
        String lib = ProjectLayout.PLUGIN_NAME + "/lib/";
        assertThat(zipped.keySet())
                .contains(
                        ProjectLayout.PLUGIN_NAME + "/manifest.json",
                        lib + ProjectLayout.PLUGIN_NAME + "-" + project.pluginVersion() + ".jar")
                .anyMatch(name -> name.startsWith(lib + "bedrockruntime-"))
                // the synchronous HTTP client the SDK's STS providers need (EKS web identity, profile role_arn);
                // exactly one, or the SDK refuses to pick
                .anyMatch(name -> name.startsWith(lib + "url-connection-client-"))
                .noneMatch(name -> name.startsWith(lib + "apache-client-") || name.startsWith(lib + "apache5-client-"))
                // the worker provides these; a second copy inside a plugin causes class-loading conflicts
                .noneMatch(name -> name.startsWith(lib + "kafka-clients-")
                        || name.startsWith(lib + "connect-api-")
                        || name.startsWith(lib + "connect-runtime-")
                        || name.startsWith(lib + "slf4j-"));
    }

    @Test
    void workerClasspathHoldsNeitherTheProjectNorTheLibrariesThePluginBundles() {
        Path projectTarget = project.target();
        HostClasspath.Filtered classpath = local.workerClasspath();

        // this JVM (failsafe) has the project's test classes and its main code (target/classes, or the jar that
        // failsafe prefers once it is packaged); the filter must have taken both out
        assertThat(classpath.removed()).contains(projectTarget.resolve("test-classes"));
        assertThat(classpath.removed())
                .anyMatch(p -> p.equals(projectTarget.resolve("classes"))
                        || p.startsWith(projectTarget)
                                && p.getFileName().toString().startsWith(ProjectLayout.PLUGIN_NAME));
        assertThat(classpath.kept())
                .noneMatch(p -> p.startsWith(projectTarget))
                .noneMatch(p -> p.getFileName().toString().startsWith(ProjectLayout.PLUGIN_NAME))
                .noneMatch(p -> p.toString().replace('\\', '/').contains("/software/amazon/awssdk/"));

        // and the command line the worker was really started with agrees
        ChildProcess worker = local.process(WORKER);
        String workerClasspath = worker.command().get(worker.command().indexOf("-cp") + 1);
        assertThat(workerClasspath.split(File.pathSeparator))
                .isNotEmpty()
                .noneMatch(entry -> Path.of(entry).toAbsolutePath().normalize().startsWith(projectTarget));

        // so the worker can only have found the connector in the plugin directory, as its log says
        assertThat(worker.log()).content().contains("Loading plugin from: " + project.pluginDir());
    }

    @Test
    void oneRequestStreamsItsChunksThenOneCompleteRecord() throws Exception {
        checks.assertOneRequestStreamsItsChunksThenOneCompleteRecord(
                "-it", "it-1", "Say hello to the packaged plugin.");
    }
}
