package io.bedrockstream.packaging;

import io.bedrockstream.demo.ConnectRest;
import io.bedrockstream.demo.ProjectLayout;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A distributed Kafka Connect worker of an older Kafka release in a child JVM, its classpath resolved from Maven
 * Central by a small standalone pom (compat/kafka-3.7/pom.xml) rather than taken from this JVM, which holds
 * the 4.x jars the plugin is built against. Like the demo's worker it loads the connector only through
 * plugin.path = target/plugin.
 */
final class OldWorkerProcess implements AutoCloseable {

    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    /** The template's {{dotted.name}} placeholders (as LocalKafkaConnect fills them). */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{[a-z]+(?:\\.[a-z]+)+}}");

    private final Process process;
    private final Path log;
    private final URI url;
    private final Thread shutdownHook;

    private OldWorkerProcess(Process process, Path log, URI url) {
        this.process = process;
        this.log = log;
        this.url = url;
        this.shutdownHook = new Thread(() -> stop(process), "old-worker-cleanup");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts {@code mvn dependency:build-classpath} on the compat pom, writing into target/; without -o, so a
     * fresh machine downloads the old release once. Call {@link #awaitClasspath} for the result.
     */
    static Process resolveClasspath(ProjectLayout project, Path compatPom, Path outputFile, Path log) {
        List<String> command = new ArrayList<>(List.of(mavenExecutable(), "-q", "-B", "-f", compatPom.toString(),
                "dependency:build-classpath", "-Dmdep.outputFile=" + outputFile));
        // the same local repository as the build that runs this test (surefire/failsafe pass it on)
        String localRepository = System.getProperty("localRepository");
        if (localRepository != null && !localRepository.isBlank()) {
            command.add("-Dmaven.repo.local=" + localRepository);
        }
        try {
            Files.deleteIfExists(outputFile);
            Files.writeString(log, "# " + String.join(" ", command) + System.lineSeparator(), StandardCharsets.UTF_8);
            return new ProcessBuilder(command).directory(project.baseDir().toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + command, e);
        }
    }

    static List<Path> awaitClasspath(Process maven, Path outputFile, Path log, Duration timeout)
            throws IOException, InterruptedException {
        if (!maven.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            stop(maven);
            throw new IllegalStateException("mvn dependency:build-classpath took over " + timeout.toSeconds()
                    + " s; log: " + log);
        }
        if (maven.exitValue() != 0 || !Files.isRegularFile(outputFile)) {
            throw new IllegalStateException("mvn dependency:build-classpath failed (exit " + maven.exitValue()
                    + "):" + System.lineSeparator() + Files.readString(log, StandardCharsets.UTF_8));
        }
        return Arrays.stream(Files.readString(outputFile, StandardCharsets.UTF_8).trim().split(File.pathSeparator))
                .filter(entry -> !entry.isBlank())
                .map(Path::of)
                .toList();
    }

    /**
     * Fills config/demo-worker.properties (the demo's worker settings) and starts ConnectDistributed; returns
     * once the REST API lists connectors, i.e. the herder is up.
     */
    static OldWorkerProcess start(ProjectLayout project, Path runDir, List<Path> classpath, String bootstrapServers,
                                  Duration timeout) throws IOException, InterruptedException {
        int restPort = freePort();
        Path properties = runDir.resolve("old-worker.properties");
        Files.writeString(properties, fillWorkerTemplate(project, Map.of(
                "bootstrap.servers", bootstrapServers,
                "rest.port", String.valueOf(restPort),
                "plugin.path", project.pluginPath().toString())), StandardCharsets.UTF_8);
        // Kafka 3.x logs through slf4j 1.7 + reload4j (log4j 1.x syntax), not the log4j2 the 4.x children use
        Path log4j = runDir.resolve("old-worker-log4j.properties");
        Files.writeString(log4j, LOG4J1_CHILD, StandardCharsets.UTF_8);

        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true",
                "-Dlog4j.configuration=" + log4j.toUri(),
                "-cp", String.join(File.pathSeparator, classpath.stream().map(Path::toString).toList()),
                "org.apache.kafka.connect.cli.ConnectDistributed", properties.toString());
        Path log = runDir.resolve("old-connect-worker.log");
        Files.writeString(log, "# " + String.join(" ", command) + System.lineSeparator(), StandardCharsets.UTF_8);
        Process process = new ProcessBuilder(command).directory(runDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        System.out.println("      old-connect-worker: pid " + process.pid() + ", log " + log);

        OldWorkerProcess worker = new OldWorkerProcess(process, log, URI.create("http://127.0.0.1:" + restPort + "/"));
        try {
            worker.awaitReady(timeout);
        } catch (RuntimeException | InterruptedException e) {
            worker.close();
            throw e;
        }
        return worker;
    }

    URI url() {
        return url;
    }

    Path log() {
        return log;
    }

    /** Kafka 3.7 has no GET /health (KIP-1017 came in 3.9): the connector list answers once the herder runs. */
    private void awaitReady(Duration timeout) throws InterruptedException {
        ConnectRest rest = new ConnectRest(url);
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The old Connect worker exited with code " + process.exitValue()
                        + "; log: " + log + System.lineSeparator() + tail(40));
            }
            try {
                if (rest.get("/connectors").ok()) {
                    return;
                }
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("Timed out after " + timeout.toSeconds() + " s waiting for the old Connect "
                + "worker at " + url + (last == null ? "" : " (last error: " + last + ")") + "; log: " + log
                + System.lineSeparator() + tail(40));
    }

    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | RuntimeException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        stop(process);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run
        }
    }

    /** SIGTERM so the worker leaves its group cleanly, SIGKILL if it outlives the grace period. */
    private static void stop(Process process) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
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

    private static String fillWorkerTemplate(ProjectLayout project, Map<String, String> values) throws IOException {
        String text = Files.readString(project.template("demo-worker.properties"), StandardCharsets.UTF_8);
        for (Map.Entry<String, String> value : values.entrySet()) {
            // properties files treat backslashes as escapes (Windows paths)
            text = text.replace("{{" + value.getKey() + "}}", value.getValue().replace("\\", "\\\\"));
        }
        Matcher unfilled = PLACEHOLDER.matcher(text);
        if (unfilled.find()) {
            throw new IllegalStateException("config/demo-worker.properties uses " + unfilled.group()
                    + ", which this test does not fill");
        }
        return text;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port", e);
        }
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
