package io.bedrockstream.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A KRaft Kafka broker, a distributed Kafka Connect worker and the Bedrock emulator as real child JVMs, the
 * way a user runs them: the worker loads the connector only through {@code plugin.path} from the unpacked
 * plugin archive, never from this JVM's classpath. Each process logs to a file under target/demo/&lt;run&gt;/.
 * Closing (or Ctrl-C) stops every process it started.
 */
public final class LocalKafkaConnect implements AutoCloseable {

    public static final String CONNECTOR_CLASS = "io.bedrockstream.connect.BedrockSinkConnector";
    public static final String EMULATOR_CLASS = "io.bedrockstream.emulator.BedrockEmulator";

    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z]+(?:\\.[a-z]+)+)}}");

    private final ProjectLayout project;
    private final Path runDir;
    private final PrintStream progress;
    private final List<Path> hostClasspath;
    private final HostClasspath.Filtered workerClasspath;
    private final List<ChildProcess> children = Collections.synchronizedList(new ArrayList<>());
    private final Thread shutdownHook;

    /** Benchmarks: the children run with the full JIT and more heap, not tuned for a quick start. */
    private final boolean forBenchmark;

    private String bootstrapServers;
    private URI connectUrl;
    private ChildProcess emulator;
    private int emulatorPort;

    private LocalKafkaConnect(ProjectLayout project, Path runDir, PrintStream progress, boolean forBenchmark) {
        this.forBenchmark = forBenchmark;
        this.project = project;
        this.runDir = runDir;
        this.progress = progress;
        this.hostClasspath = HostClasspath.entries();
        this.workerClasspath = HostClasspath.forWorker(hostClasspath, project.baseDir());
        this.shutdownHook = new Thread(this::stopAll, "local-kafka-connect-cleanup");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Prepares target/demo/&lt;runName&gt;/ for logs and configs. Nothing starts until a start method is called.
     *
     * @param progress where to print log-file paths as processes start (e.g. System.out)
     */
    public static LocalKafkaConnect create(ProjectLayout project, String runName, PrintStream progress) {
        project.requirePackagedPlugin();
        Path runDir = project.target().resolve("demo").resolve(runName);
        try {
            Files.createDirectories(runDir);
            Files.writeString(runDir.resolve("log4j2.properties"), log4j2Child(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare " + runDir, e);
        }
        return new LocalKafkaConnect(project, runDir, progress, false);
    }

    /**
     * For benchmarks: target/bench/&lt;runName&gt;/, no packaged plugin needed (workers started with
     * {@link #startWorkerFromClasspath} load the connector from the project's classes), and children that run with
     * the full JIT and a 1 GiB heap, since they are measured rather than watched.
     */
    public static LocalKafkaConnect createForBenchmark(ProjectLayout project, String runName, PrintStream progress) {
        Path runDir = project.target().resolve("bench").resolve(runName);
        try {
            if (Files.isDirectory(runDir)) { // a fresh broker every run: the last run's KRaft logs would not start
                try (var paths = Files.walk(runDir)) {
                    paths.sorted(java.util.Comparator.reverseOrder())
                            .forEach(path -> path.toFile().delete());
                }
            }
            Files.createDirectories(runDir.resolve("empty-plugin-path"));
            Files.writeString(runDir.resolve("log4j2.properties"), log4j2Child(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare " + runDir, e);
        }
        return new LocalKafkaConnect(project, runDir, progress, true);
    }

    public Path runDir() {
        return runDir;
    }

    public ProjectLayout project() {
        return project;
    }

    public String bootstrapServers() {
        return require(bootstrapServers, "the broker");
    }

    public URI connectUrl() {
        return require(connectUrl, "the worker");
    }

    public ConnectRest connectRest() {
        return new ConnectRest(connectUrl());
    }

    public URI emulatorEndpoint() {
        require(emulator, "the emulator");
        return URI.create("http://127.0.0.1:" + emulatorPort);
    }

    /** The classpath the worker was given (the project's classes and the plugin's bundled jars removed). */
    public HostClasspath.Filtered workerClasspath() {
        return workerClasspath;
    }

    public List<ChildProcess> processes() {
        synchronized (children) {
            return List.copyOf(children);
        }
    }

    /** The process started under {@code name} (e.g. "connect-worker"). */
    public ChildProcess process(String name) {
        return processes().stream()
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(name + " has not been started"));
    }

    /** Formats a fresh KRaft log directory and starts a combined broker+controller; waits until it answers. */
    public String startBroker(Duration timeout) throws IOException, InterruptedException {
        int brokerPort = freePort();
        int controllerPort = freePort();
        Path logDirs = runDir.resolve("kafka-logs");
        Path serverProperties = fillTemplate(
                "demo-broker.properties",
                "server.properties",
                Map.of(
                        "broker.port", String.valueOf(brokerPort),
                        "controller.port", String.valueOf(controllerPort),
                        "log.dirs", logDirs.toString()));
        String classpath = workerClasspath.asArgument();

        ChildProcess format = launch(
                "kafka-storage-format",
                classpath,
                List.of(
                        "kafka.tools.StorageTool",
                        "format",
                        "-t",
                        Uuid.randomUuid().toString(),
                        "-c",
                        serverProperties.toString(),
                        "--standalone"));
        int exit = format.awaitExit(timeout);
        if (exit != 0) {
            throw new IllegalStateException("Formatting the KRaft log directory failed (exit " + exit + "); log: "
                    + format.log() + System.lineSeparator() + format.tail(20));
        }

        ChildProcess broker = launch("kafka-broker", classpath, List.of("kafka.Kafka", serverProperties.toString()));
        String bootstrap = "127.0.0.1:" + brokerPort;
        awaitCondition(
                broker,
                timeout,
                "the Kafka broker to answer describeCluster at " + bootstrap,
                () -> brokerAnswers(bootstrap));
        bootstrapServers = bootstrap;
        return bootstrap;
    }

    /**
     * Starts a distributed worker with plugin.path = target/plugin, waits for its REST API and for the worker to
     * be ready, then checks that it loaded the connector from the plugin archive.
     */
    public URI startWorker(Duration timeout) throws IOException, InterruptedException {
        return startWorker(timeout, Map.of());
    }

    /**
     * The same with {@code environment} added to the worker's, e.g. the AWS variables a pod on EKS gets
     * (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN) or AWS_CONFIG_FILE.
     */
    public URI startWorker(Duration timeout, Map<String, String> environment) throws IOException, InterruptedException {
        return startWorker(
                "connect-worker",
                workerClasspath.asArgument(),
                log4j2Option(),
                timeout,
                environment,
                project.pluginPath());
    }

    /**
     * A worker (named {@code name}, joining the same Connect cluster as any other started here) that loads the
     * connector from this JVM's classpath (target/classes) with an empty plugin.path: for benchmarks, which must
     * not need {@code mvn package}.
     */
    public URI startWorkerFromClasspath(String name, Duration timeout) throws IOException, InterruptedException {
        return startWorker(
                name,
                HostClasspath.join(hostClasspath),
                log4j2Option(),
                timeout,
                Map.of(),
                runDir.resolve("empty-plugin-path"));
    }

    /**
     * The same for a worker that runs on jars other than this JVM's (an older Kafka release): {@code classpath}
     * holds them, and {@code loggingOption} is the -D that points that release's logging at its config. The
     * process is called {@code name}: its log is name.log, its worker config name.properties.
     */
    public URI startWorker(String name, List<Path> classpath, String loggingOption, Duration timeout)
            throws IOException, InterruptedException {
        return startWorker(name, HostClasspath.join(classpath), loggingOption, timeout, Map.of(), project.pluginPath());
    }

    private URI startWorker(
            String name,
            String classpath,
            String loggingOption,
            Duration timeout,
            Map<String, String> environment,
            Path pluginPath)
            throws IOException, InterruptedException {
        int restPort = freePort();
        Path workerProperties = fillTemplate(
                "demo-worker.properties",
                name + ".properties",
                Map.of(
                        "bootstrap.servers", bootstrapServers(),
                        "rest.port", String.valueOf(restPort),
                        "plugin.path", pluginPath.toString()));
        ChildProcess worker = launch(
                name,
                classpath,
                loggingOption,
                List.of("org.apache.kafka.connect.cli.ConnectDistributed", workerProperties.toString()),
                environment);
        URI url = URI.create("http://127.0.0.1:" + restPort + "/");
        ConnectRest rest = new ConnectRest(url);
        awaitCondition(
                worker,
                timeout,
                "the Connect worker's REST API at " + url + " to report healthy",
                () -> workerReady(rest));
        connectUrl = url;
        requireConnectorPlugin(rest, worker);
        return url;
    }

    /**
     * Starts the Bedrock emulator from its own runnable jar (target/emulator/, built by {@code mvn package}: the
     * plugin holds no emulator) on a free port; returns at once — call {@link #awaitEmulator} before using it, so
     * it can start while Kafka does.
     */
    public void launchEmulator(List<String> options) {
        emulatorPort = freePort();
        List<String> args =
                new ArrayList<>(List.of(EMULATOR_CLASS, "--port", String.valueOf(emulatorPort), "--host", "127.0.0.1"));
        args.addAll(options);
        // the jar brings its own slf4j binding: no log4j2 option
        emulator = launch(
                "bedrock-emulator",
                project.emulatorJar().toString(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                args,
                Map.of());
    }

    public URI awaitEmulator(Duration timeout) throws InterruptedException {
        require(emulator, "the emulator");
        awaitCondition(
                emulator,
                timeout,
                "the Bedrock emulator to accept connections on port " + emulatorPort,
                () -> accepts(emulatorPort));
        return emulatorEndpoint();
    }

    /** Stops every process, newest first, so the worker can still reach the broker while it shuts down. */
    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run: nothing left to remove
        }
    }

    private void stopAll() {
        List<ChildProcess> reversed;
        synchronized (children) {
            reversed = new ArrayList<>(children);
        }
        Collections.reverse(reversed);
        for (ChildProcess child : reversed) {
            child.stop(STOP_GRACE);
        }
    }

    private void requireConnectorPlugin(ConnectRest rest, ChildProcess worker)
            throws IOException, InterruptedException {
        List<JsonNode> plugins = rest.connectorPlugins();
        boolean listed = plugins.stream()
                .anyMatch(p -> CONNECTOR_CLASS.equals(p.path("class").asText()));
        if (!listed) {
            List<String> names = plugins.stream()
                    .map(p -> p.path("class").asText() + " " + p.path("version").asText())
                    .toList();
            throw new IllegalStateException("The Connect worker did not load " + CONNECTOR_CLASS + " from plugin.path="
                    + project.pluginPath() + System.lineSeparator()
                    + "  It listed: " + names + System.lineSeparator()
                    + "  Check that " + project.pluginLib() + " holds the project jar with "
                    + "META-INF/services/org.apache.kafka.connect.sink.SinkConnector naming the connector "
                    + "(the worker uses plugin.discovery=service_load); worker log: " + worker.log());
        }
    }

    private ChildProcess launch(String name, String classpath, List<String> mainAndArgs) {
        return launch(name, classpath, log4j2Option(), mainAndArgs, Map.of());
    }

    private ChildProcess launch(
            String name,
            String classpath,
            String loggingOption,
            List<String> mainAndArgs,
            Map<String, String> environment) {
        Path log = runDir.resolve(name + ".log");
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (forBenchmark) {
            command.addAll(List.of("-Xmx1g", "-XX:+UseParallelGC"));
            // e.g. -Dbench.jvm.connect-worker="-XX:StartFlightRecording=delay=60s,duration=30s,filename=w.jfr"
            String extra = System.getProperty("bench.jvm." + name, "").trim();
            if (!extra.isEmpty()) {
                command.addAll(List.of(extra.split("\\s+")));
            }
        } else {
            // C1 only: these JVMs live for a minute, so start-up matters more than peak speed
            command.addAll(List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        }
        command.addAll(List.of("-Djava.awt.headless=true", loggingOption, "-cp", classpath));
        command.addAll(mainAndArgs);
        ChildProcess child = ChildProcess.start(name, command, runDir, log, environment);
        children.add(child);
        progress.println("      " + name + ": pid " + child.pid() + ", log " + log);
        return child;
    }

    /** The children built from this JVM's jars log through log4j2, configured by the file {@link #create} wrote. */
    private String log4j2Option() {
        return "-Dlog4j2.configurationFile="
                + runDir.resolve("log4j2.properties").toUri();
    }

    private Path fillTemplate(String templateName, String outputName, Map<String, String> values) throws IOException {
        Path template = project.template(templateName);
        String text = Files.readString(template, StandardCharsets.UTF_8);
        Matcher matcher = PLACEHOLDER.matcher(text);
        StringBuilder filled = new StringBuilder();
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            if (value == null) {
                throw new IllegalStateException(template + " uses {{" + matcher.group(1) + "}}, which has no value");
            }
            // properties files treat backslashes as escapes (Windows paths)
            matcher.appendReplacement(filled, Matcher.quoteReplacement(value.replace("\\", "\\\\")));
        }
        matcher.appendTail(filled);
        Path output = runDir.resolve(outputName);
        Files.writeString(output, filled.toString(), StandardCharsets.UTF_8);
        return output;
    }

    @FunctionalInterface
    private interface Probe {
        boolean ready() throws Exception;
    }

    private static void awaitCondition(ChildProcess process, Duration timeout, String what, Probe probe)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            process.requireAlive();
            try {
                if (probe.ready()) {
                    return;
                }
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("Timed out after " + timeout.toSeconds() + " s waiting for " + what
                + (last == null ? "" : " (last error: " + last + ")") + "; log: " + process.log()
                + System.lineSeparator() + process.tail(20));
    }

    private static boolean brokerAnswers(String bootstrap) throws InterruptedException {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        try (Admin admin = Admin.create(props)) {
            return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    /**
     * GET /health (KIP-1017, Kafka 3.9+) turns 200 once the worker has joined its group and can take connectors;
     * a worker without that endpoint (3.7) is taken as ready when GET /connectors answers, which it does once the
     * herder runs.
     */
    private static boolean workerReady(ConnectRest rest) throws IOException, InterruptedException {
        ConnectRest.Response health = rest.get("/health");
        return health.ok() || health.status() == 404 && rest.get("/connectors").ok();
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port", e);
        }
    }

    private static <T> T require(T value, String what) {
        if (value == null) {
            throw new IllegalStateException(what + " has not been started");
        }
        return value;
    }

    /** Child processes log INFO to stdout (their log file); the chattiest Kafka internals at WARN. */
    /** With -Dbench.trace.latency=true the worker logs the "latency:" traces the bench attributes waits with. */
    private static String log4j2Child() {
        if (!Boolean.getBoolean("bench.trace.latency")) {
            return LOG4J2_CHILD;
        }
        return LOG4J2_CHILD + """
                logger.latencyTask.name = io.bedrockstream.connect.BedrockSinkTask
                logger.latencyTask.level = TRACE
                logger.latencyRun.name = io.bedrockstream.engine.RequestRun
                logger.latencyRun.level = TRACE
                """;
    }

    private static final String LOG4J2_CHILD = """
            status = warn
            appender.console.type = Console
            appender.console.name = STDOUT
            appender.console.layout.type = PatternLayout
            appender.console.layout.pattern = [%d{HH:mm:ss,SSS}] %-5p %m (%c{1.})%n
            rootLogger.level = INFO
            rootLogger.appenderRef.stdout.ref = STDOUT
            logger.clients.name = org.apache.kafka.clients
            logger.clients.level = WARN
            logger.reflections.name = org.reflections
            logger.reflections.level = ERROR
            logger.plugin.name = io.bedrockstream
            logger.plugin.level = INFO
            """;
}
