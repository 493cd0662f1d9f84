package io.bedrockstream.packaging;

import io.bedrockstream.testkit.ChildProcess;
import io.bedrockstream.testkit.LocalKafkaConnect;
import io.bedrockstream.testkit.ProjectLayout;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A distributed Kafka Connect worker of an older Kafka release in a child JVM, its classpath resolved from Maven
 * Central by a small standalone pom (compat/kafka-3.7/pom.xml) rather than taken from this JVM, which holds
 * the 4.x jars the plugin is built against. {@link LocalKafkaConnect} runs it like the demo's worker, loading the
 * connector only through plugin.path = target/plugin; this class supplies what differs: the jars and the logging.
 */
final class OldWorkerProcess {

    static final String NAME = "old-connect-worker";

    private OldWorkerProcess() {}

    /**
     * Starts {@code mvn dependency:build-classpath} on the compat pom, writing into target/; without -o, so a
     * fresh machine downloads the old release once. Call {@link #awaitClasspath} for the result.
     */
    static ChildProcess resolveClasspath(ProjectLayout project, Path compatPom, Path outputFile, Path log)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(
                mavenExecutable(),
                "-q",
                "-B",
                "-f",
                compatPom.toString(),
                "dependency:build-classpath",
                "-Dmdep.outputFile=" + outputFile));
        // the same local repository as the build that runs this test (surefire/failsafe pass it on)
        String localRepository = System.getProperty("localRepository");
        if (localRepository != null && !localRepository.isBlank()) {
            command.add("-Dmaven.repo.local=" + localRepository);
        }
        Files.deleteIfExists(outputFile);
        return ChildProcess.start("mvn dependency:build-classpath", command, project.baseDir(), log);
    }

    static List<Path> awaitClasspath(ChildProcess maven, Path outputFile, Duration timeout)
            throws IOException, InterruptedException {
        int exit = maven.awaitExit(timeout);
        if (exit != 0 || !Files.isRegularFile(outputFile)) {
            throw new IllegalStateException("mvn dependency:build-classpath failed (exit " + exit + "):"
                    + System.lineSeparator() + Files.readString(maven.log(), StandardCharsets.UTF_8));
        }
        return Arrays.stream(Files.readString(outputFile, StandardCharsets.UTF_8)
                        .trim()
                        .split(File.pathSeparator))
                .filter(entry -> !entry.isBlank())
                .map(Path::of)
                .toList();
    }

    /**
     * Starts the worker (config/demo-worker.properties, as the demo's) as {@link #NAME} among {@code local}'s
     * processes, so closing {@code local} stops it first; returns its REST URL once the herder is up.
     */
    static URI start(LocalKafkaConnect local, List<Path> classpath, Duration timeout)
            throws IOException, InterruptedException {
        // Kafka 3.x logs through slf4j 1.7 + reload4j (log4j 1.x syntax), not the log4j2 the 4.x children use
        Path log4j = local.runDir().resolve("old-worker-log4j.properties");
        Files.writeString(log4j, LOG4J1_CHILD, StandardCharsets.UTF_8);
        return local.startWorker(NAME, classpath, "-Dlog4j.configuration=" + log4j.toUri(), timeout);
    }

    /** The mvn running this build when failsafe says where Maven lives, else the one on PATH. */
    private static String mavenExecutable() {
        String windows = System.getProperty("os.name", "").startsWith("Windows") ? "mvn.cmd" : "mvn";
        for (String home : new String[] {System.getProperty("maven.home"), System.getenv("MAVEN_HOME")}) {
            if (home != null && !home.isBlank()) {
                Path mvn = Path.of(home, "bin", windows);
                if (Files.isExecutable(mvn)) {
                    return mvn.toString();
                }
            }
        }
        return windows;
    }

    private static final String LOG4J1_CHILD = """
            log4j.rootLogger=INFO, stdout
            log4j.appender.stdout=org.apache.log4j.ConsoleAppender
            log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
            log4j.appender.stdout.layout.ConversionPattern=[%d{HH:mm:ss,SSS}] %-5p %m (%c{1})%n
            log4j.logger.org.apache.kafka.clients=WARN
            log4j.logger.org.reflections=ERROR
            log4j.logger.io.bedrockstream=INFO
            """;
}
