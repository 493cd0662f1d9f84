package io.bedrockstream.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.bedrockstream.testkit.ConnectRest;
import io.bedrockstream.testkit.LocalKafkaConnect;
import io.bedrockstream.testkit.ProjectLayout;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The README's first command: {@code mvn -q -B -ntp package -DskipTests exec:java@demo}. Starts a Kafka broker, a
 * Connect worker that loads the packaged plugin from target/plugin, and the Bedrock emulator, as real processes;
 * registers the sink connector, sends a handful of prompts to several model families and prints the answers
 * token by token as the chunk records arrive, then a summary. Against the emulator a second sink, with
 * bedrock.api=converse, streams two ConverseStream requests the same way: one that calls a tool (its input JSON
 * reassembled from the deltas) and one that reasons first (its signature kept). No Docker, no AWS account.
 *
 * <p>{@code --bedrock} (or {@code DEMO_USE_BEDROCK=1}) uses Amazon Bedrock instead of the emulator; see {@link #USAGE}.
 */
public final class Demo {

    static final String USAGE = """
            usage: Demo [--bedrock] [--model MODEL_ID] [--region REGION] [--timeout-s SECONDS]
              (default)  runs against the bundled Bedrock emulator: no AWS account needed
              --bedrock  calls Amazon Bedrock (also: DEMO_USE_BEDROCK=1); credentials come from the default AWS
                         chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, AWS_PROFILE, ~/.aws,
                         instance or container role) and need bedrock:InvokeModelWithResponseStream on the model
              --model    the model or inference profile for --bedrock (also: DEMO_MODEL_ID);
                         default us.anthropic.claude-3-5-haiku-20241022-v1:0
              --region   the AWS region for --bedrock (also: AWS_REGION); default us-east-1
              --timeout-s how long to wait for every request to finish; default 120
            with Maven: mvn -q -B -ntp package -DskipTests exec:java@demo -Dexec.args="--bedrock\"""";

    /** Deterministic text; a first token after 150 ms and 40 ms between chunks, so the streaming is visible. */
    static final List<String> EMULATOR_OPTIONS = List.of("--seed", "42", "--ttft-ms", "150", "--delay-ms", "40");

    private static final Duration BROKER_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration WORKER_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration EMULATOR_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CONNECTOR_TIMEOUT = Duration.ofSeconds(60);

    /** What the command line and environment asked for. */
    record Options(boolean useBedrock, String modelId, String region, Duration timeout) {

        static final String DEFAULT_BEDROCK_MODEL = "us.anthropic.claude-3-5-haiku-20241022-v1:0";

        static Options parse(String[] args, Map<String, String> env) {
            boolean bedrock =
                    "1".equals(env.get("DEMO_USE_BEDROCK")) || "true".equalsIgnoreCase(env.get("DEMO_USE_BEDROCK"));
            String model = nonBlank(env.get("DEMO_MODEL_ID"), DEFAULT_BEDROCK_MODEL);
            String region = nonBlank(env.get("AWS_REGION"), "us-east-1");
            long timeoutSeconds = 120;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--bedrock" -> bedrock = true;
                    case "--model" -> model = value(args, ++i, "--model");
                    case "--region" -> region = value(args, ++i, "--region");
                    case "--timeout-s" -> timeoutSeconds = Long.parseLong(value(args, ++i, "--timeout-s"));
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
            return new Options(bedrock, model, region, Duration.ofSeconds(timeoutSeconds));
        }

        private static String value(String[] args, int i, String flag) {
            if (i >= args.length || args[i].isBlank()) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return args[i];
        }

        private static String nonBlank(String value, String fallback) {
            return value == null || value.isBlank() ? fallback : value;
        }
    }

    /** A step that failed in a way the demo can explain; the message is printed without a stack trace. */
    static final class DemoFailure extends Exception {
        DemoFailure(String message) {
            super(message);
        }
    }

    private final Options options;
    private final PrintStream out;

    private Demo(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) {
        int code = run(args, System.out);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs the demo; returns the process exit code (0 when every request completed or was dead-lettered). */
    public static int run(String[] args, PrintStream out) {
        Options options;
        try {
            options = Options.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            out.println(e.getMessage());
            out.println(USAGE);
            return 2;
        }
        ProjectLayout project;
        try {
            project = ProjectLayout.locate();
            project.requirePackagedPlugin();
        } catch (IllegalStateException e) {
            out.println("demo failed: " + e.getMessage());
            return 1;
        }
        String runName = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        try {
            sendClientLogsToFile(project.target().resolve("demo").resolve(runName));
        } catch (IOException e) {
            out.println("demo failed: cannot write under " + project.target() + ": " + e.getMessage());
            return 1;
        }
        return new Demo(options, out).run(project, runName);
    }

    private int run(ProjectLayout project, String runName) {
        out.println("Plugin under test: " + project.pluginDir() + " (version " + project.pluginVersion() + ")");
        out.println("Logs and configs of this run: "
                + project.target().resolve("demo").resolve(runName));
        try (LocalKafkaConnect local = LocalKafkaConnect.create(project, runName, out)) {
            try {
                return steps(local);
            } catch (DemoFailure | IOException | ExecutionException | RuntimeException e) {
                out.println();
                out.println("demo failed: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
                return 1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                out.println("demo interrupted");
                return 130;
            } finally {
                out.println("Stopping the processes this demo started…");
            }
        }
    }

    private int steps(LocalKafkaConnect local)
            throws DemoFailure, IOException, InterruptedException, ExecutionException {
        out.println("[1/6] starting Kafka broker (KRaft, broker and controller in one process)"
                + (options.useBedrock() ? "" : " and, meanwhile, the Bedrock emulator") + "…");
        if (!options.useBedrock()) {
            // the emulator starts while Kafka does; it is ready long before the worker
            local.launchEmulator(EMULATOR_OPTIONS);
        }
        String bootstrap = local.startBroker(BROKER_TIMEOUT);
        out.println("      broker ready at " + bootstrap);

        out.println("[2/6] starting Kafka Connect worker (distributed mode, plugin.path="
                + local.project().pluginPath() + ")…");
        ConnectRest rest = new ConnectRest(local.startWorker(WORKER_TIMEOUT));
        JsonNode plugin = rest.connectorPlugins().stream()
                .filter(p ->
                        LocalKafkaConnect.CONNECTOR_CLASS.equals(p.path("class").asText()))
                .findFirst()
                .orElseThrow();
        out.println("      worker ready at " + rest.base() + ", loaded "
                + plugin.path("class").asText() + " " + plugin.path("version").asText() + " from plugin.path");

        Map<String, String> config;
        Map<String, String> converseConfig = null;
        List<DemoRequest> requests;
        URI emulator = null;
        if (options.useBedrock()) {
            out.println("[3/6] using Amazon Bedrock in " + options.region() + ", model " + options.modelId()
                    + " (credentials: the default AWS chain of the worker process)");
            config = DemoConnectorConfig.forBedrock(options.region(), options.modelId(), bootstrap);
            requests = DemoRequest.forBedrock(options.modelId());
        } else {
            emulator = local.awaitEmulator(EMULATOR_TIMEOUT);
            out.println("[3/6] Bedrock emulator ready at " + emulator
                    + " (seed 42, 150 ms to first token, 40 ms between chunks)");
            config = DemoConnectorConfig.forEmulator(emulator, bootstrap);
            converseConfig = DemoConnectorConfig.forEmulatorConverse(emulator, bootstrap);
            requests = new ArrayList<>(DemoRequest.forEmulator());
            requests.addAll(DemoRequest.converseForEmulator());
        }

        out.println("[4/6] creating topics " + DemoConnectorConfig.REQUESTS_TOPIC + " (3 partitions), "
                + DemoConnectorConfig.CHUNKS_TOPIC + ", " + DemoConnectorConfig.COMPLETIONS_TOPIC + ", "
                + DemoConnectorConfig.DLQ_TOPIC
                + (converseConfig == null ? "" : ", " + DemoConnectorConfig.CONVERSE_REQUESTS_TOPIC) + "…");
        createTopics(bootstrap, converseConfig != null);

        out.println("[5/6] registering connector " + DemoConnectorConfig.CONNECTOR_NAME + " (PUT /connectors/"
                + DemoConnectorConfig.CONNECTOR_NAME + "/config) and waiting for it to run…");
        rest.putConnectorConfig(DemoConnectorConfig.CONNECTOR_NAME, config, CONNECTOR_TIMEOUT);
        awaitRunning(rest, DemoConnectorConfig.CONNECTOR_NAME, CONNECTOR_TIMEOUT);
        awaitPartitionsAssigned(bootstrap, "connect-" + DemoConnectorConfig.CONNECTOR_NAME, CONNECTOR_TIMEOUT);
        out.println("      connector and task RUNNING, request partitions assigned");
        if (converseConfig != null) {
            String name = DemoConnectorConfig.CONVERSE_CONNECTOR_NAME;
            out.println("      and " + name + " (bedrock.api=converse, Converse requests from "
                    + DemoConnectorConfig.CONVERSE_REQUESTS_TOPIC + ") in the same worker…");
            rest.putConnectorConfig(name, converseConfig, CONNECTOR_TIMEOUT);
            awaitRunning(rest, name, CONNECTOR_TIMEOUT);
            awaitPartitionsAssigned(bootstrap, "connect-" + name, CONNECTOR_TIMEOUT);
            out.println("      " + name + " and task RUNNING, request partition assigned");
        }

        long converseCount = requests.stream().filter(DemoRequest::converse).count();
        out.println("[6/6] sending " + (requests.size() - converseCount) + " requests to "
                + DemoConnectorConfig.REQUESTS_TOPIC
                + (converseCount == 0
                        ? ""
                        : " and " + converseCount + " to " + DemoConnectorConfig.CONVERSE_REQUESTS_TOPIC)
                + "; chunks stream in below as the connector"
                + (converseCount == 0 ? "" : "s") + " write" + (converseCount == 0 ? "s" : "") + " them to "
                + DemoConnectorConfig.CHUNKS_TOPIC);
        out.println();
        LiveStream live = new LiveStream(out, requests);
        long started = System.nanoTime();
        boolean finished = stream(bootstrap, requests, live, rest);
        long wallMillis = (System.nanoTime() - started) / 1_000_000;
        live.finishLine();
        out.println();
        SummaryTable.print(out, live.progress(), wallMillis);
        boolean warmRounds = true;
        if (emulator != null && finished) {
            warmRounds = steadyState(bootstrap, rest);
        }
        if (emulator != null) {
            printEmulatorStats(emulator);
        }
        if (!warmRounds) {
            out.println();
            out.println("demo failed: a warm round did not finish (above); see the worker log "
                    + local.runDir().resolve("connect-worker.log"));
            return 1;
        }
        if (!finished) {
            out.println();
            out.println("demo failed: no complete record or dead letter after "
                    + options.timeout().toSeconds() + " s for " + live.pending() + "; see the worker log "
                    + local.runDir().resolve("connect-worker.log"));
            return 1;
        }
        List<String> unexpected = new ArrayList<>();
        for (RequestProgress p : live.progress()) {
            boolean deadLettered = p.status() == RequestProgress.Status.DEAD_LETTERED;
            if (deadLettered != p.request().expectDeadLetter()) {
                unexpected.add(p.request().id() + " " + (deadLettered ? "was dead-lettered" : "completed"));
            }
        }
        if (!unexpected.isEmpty()) {
            out.println("note: not as the demo expected: " + unexpected);
        }
        return 0;
    }

    private static void createTopics(String bootstrap, boolean converse)
            throws InterruptedException, ExecutionException {
        List<NewTopic> topics = new ArrayList<>(List.of(
                new NewTopic(DemoConnectorConfig.REQUESTS_TOPIC, 3, (short) 1),
                new NewTopic(DemoConnectorConfig.CHUNKS_TOPIC, 3, (short) 1),
                new NewTopic(DemoConnectorConfig.COMPLETIONS_TOPIC, 1, (short) 1),
                new NewTopic(DemoConnectorConfig.DLQ_TOPIC, 1, (short) 1)));
        if (converse) {
            topics.add(new NewTopic(DemoConnectorConfig.CONVERSE_REQUESTS_TOPIC, 1, (short) 1));
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(topics).all().get();
        }
    }

    private static void requireNotFailed(ConnectRest rest, String name, LiveStream live)
            throws DemoFailure, IOException, InterruptedException {
        Optional<String> failure = rest.failure(name);
        if (failure.isPresent()) {
            live.finishLine();
            throw new DemoFailure(failure.get());
        }
    }

    /**
     * Waits until the sink task's consumer group is stable with the request partitions assigned, so that the
     * first-chunk column measures the model and the pipeline, not the task's first group join.
     */
    static void awaitPartitionsAssigned(String bootstrap, String groupId, Duration timeout)
            throws DemoFailure, InterruptedException {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(props)) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                org.apache.kafka.clients.admin.ConsumerGroupDescription group;
                try {
                    group = admin.describeConsumerGroups(List.of(groupId))
                            .describedGroups()
                            .get(groupId)
                            .get();
                } catch (java.util.concurrent.ExecutionException e) {
                    Thread.sleep(100); // the group does not exist yet
                    continue;
                }
                boolean assigned = group.groupState() == org.apache.kafka.common.GroupState.STABLE
                        && group.members().stream()
                                .anyMatch(m -> !m.assignment().topicPartitions().isEmpty());
                if (assigned) {
                    return;
                }
                Thread.sleep(100);
            }
        }
        throw new DemoFailure(
                "the sink task's consumer group " + groupId + " has no partitions after " + timeout.toSeconds() + " s");
    }

    /** Waits for the connector and all its tasks to be RUNNING; a FAILED one ends the demo with its trace. */
    static void awaitRunning(ConnectRest rest, String name, Duration timeout)
            throws DemoFailure, IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            Optional<String> failure = rest.failure(name);
            if (failure.isPresent()) {
                throw new DemoFailure(failure.get());
            }
            ConnectRest.Response response = rest.get("/connectors/" + name + "/status");
            if (response.ok()) {
                last = response.body();
                JsonNode tasks = last.path("tasks");
                boolean tasksRunning = tasks.size() > 0;
                for (JsonNode task : tasks) {
                    tasksRunning &= "RUNNING".equals(task.path("state").asText());
                }
                if ("RUNNING".equals(last.path("connector").path("state").asText()) && tasksRunning) {
                    return;
                }
            }
            Thread.sleep(200);
        }
        throw new DemoFailure(
                "connector " + name + " not RUNNING after " + timeout.toSeconds() + " s; last status: " + last);
    }

    /** Short requests sent between the two warm rounds, so the worker's JIT compiles the request path. */
    static final int JIT_WARM_UP_REQUESTS = 300;

    /**
     * The first requests above pay for a freshly started worker (and emulator) JVM: class loading and JIT of the
     * SDK, Netty and the output path, ~0.8 s once. The same five plain requests twice more show what the pipeline
     * adds to the model's time to first token once warm: right after the requests above, and after
     * {@value #JIT_WARM_UP_REQUESTS} short requests more (zero model latency, ~3 s), when the worker's JIT has
     * compiled the request path (the children run C1-only: a few requests leave most of it interpreted).
     */
    private boolean steadyState(String bootstrap, ConnectRest rest)
            throws InterruptedException, DemoFailure, IOException {
        List<DemoRequest> plain = DemoRequest.forEmulator().stream()
                .filter(r -> r.modelHeader() != null && !r.expectDeadLetter())
                .toList();
        out.println();
        out.println("what Kafka, Connect and the connector add to the model's time to first token (first chunk − first"
                + " byte), the same " + plain.size() + " requests:");
        List<RequestProgress> again = quietRound(bootstrap, rest, plain, "-again", "");
        if (again == null) {
            return false;
        }
        out.printf("  %-60s %s%n", "right after the requests above:", addedRange(again));
        List<DemoRequest> jit = new ArrayList<>();
        for (int i = 0; i < JIT_WARM_UP_REQUESTS; i++) {
            jit.add(plain.get(i % plain.size()));
        }
        if (quietRound(bootstrap, rest, jit, "-jit", "[[emu words=8 per_chunk=2 ttft_ms=0 delay_ms=0]] ") == null) {
            return false;
        }
        List<RequestProgress> warm = quietRound(bootstrap, rest, plain, "-warm", "");
        if (warm == null) {
            return false;
        }
        out.printf(
                "  %-60s %s%n",
                "after " + JIT_WARM_UP_REQUESTS + " short requests more (the request path JIT-compiled):",
                addedRange(warm));
        for (RequestProgress p : warm) {
            out.printf(
                    "    %-11s first byte %4d ms, first chunk %4d ms: +%d ms%n",
                    p.request().id(),
                    p.firstByteLatencyMs(),
                    p.firstChunkMs(),
                    p.firstChunkMs() - p.firstByteLatencyMs());
        }
        return true;
    }

    /**
     * Sends copies of {@code requests} (ids suffixed, numbered when a request repeats, the prompt prefixed) without
     * printing their chunks; their progress once all have finished (and, unless numbered, each has a first chunk
     * and a reported first byte), else null and a line why.
     */
    private List<RequestProgress> quietRound(
            String bootstrap, ConnectRest rest, List<DemoRequest> requests, String suffix, String promptPrefix)
            throws InterruptedException, DemoFailure, IOException {
        boolean numbered = requests.stream().map(DemoRequest::id).distinct().count() < requests.size();
        List<DemoRequest> copies = new ArrayList<>();
        for (DemoRequest r : requests) {
            String id = r.id() + suffix + (numbered ? "-" + copies.size() : "");
            copies.add(new DemoRequest(id, promptPrefix + r.prompt(), r.modelHeader(), r.model(), false));
        }
        LiveStream quiet = new LiveStream(new PrintStream(java.io.OutputStream.nullOutputStream()), copies);
        boolean finished = stream(bootstrap, copies, quiet, rest);
        List<RequestProgress> progress = quiet.progress();
        if (!finished) {
            out.println("  not every request (" + suffix.substring(1) + ") finished after "
                    + options.timeout().toSeconds() + " s: " + quiet.pending() + "; see the worker log");
            return null;
        }
        List<String> unmeasured = progress.stream()
                .filter(p -> p.firstChunkMs() == null || p.firstByteLatencyMs() == null)
                .map(p -> p.request().id() + " (" + p.status() + ")")
                .toList();
        if (!numbered && !unmeasured.isEmpty()) {
            out.println(
                    "  no first chunk and first byte latency to compare for " + unmeasured + ": see the worker log");
            return null;
        }
        return progress;
    }

    private static String addedRange(List<RequestProgress> progress) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (RequestProgress p : progress) {
            long added = p.firstChunkMs() - p.firstByteLatencyMs();
            min = Math.min(min, added);
            max = Math.max(max, added);
        }
        return min == max ? "+" + min + " ms" : "+" + min + "–" + max + " ms";
    }

    /** Sends the requests and prints the output topics until each request has finished or the timeout passes. */
    private boolean stream(String bootstrap, List<DemoRequest> requests, LiveStream live, ConnectRest rest)
            throws InterruptedException, DemoFailure, IOException {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps(bootstrap));
                KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(bootstrap))) {
            // assigned, not subscribed: no group rebalance to wait for, and nothing written before is missed
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(
                    DemoConnectorConfig.CHUNKS_TOPIC,
                    DemoConnectorConfig.COMPLETIONS_TOPIC,
                    DemoConnectorConfig.DLQ_TOPIC)) {
                for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(10))) {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // this producer's first send would otherwise wait for the topics' metadata after its record was stamped
            for (DemoRequest request : requests) {
                producer.partitionsFor(
                        request.converse()
                                ? DemoConnectorConfig.CONVERSE_REQUESTS_TOPIC
                                : DemoConnectorConfig.REQUESTS_TOPIC);
            }

            for (DemoRequest request : requests) {
                ProducerRecord<String, String> record = new ProducerRecord<>(
                        request.converse()
                                ? DemoConnectorConfig.CONVERSE_REQUESTS_TOPIC
                                : DemoConnectorConfig.REQUESTS_TOPIC,
                        request.id(),
                        request.prompt());
                if (request.modelHeader() != null) {
                    record.headers()
                            .add(DemoRequest.MODEL_HEADER, request.modelHeader().getBytes(StandardCharsets.UTF_8));
                }
                live.produced(request.id(), System.nanoTime());
                producer.send(record);
            }
            producer.flush();

            long deadline = System.nanoTime() + options.timeout().toNanos();
            long nextStatusCheck = System.nanoTime();
            while (!live.allDone() && System.nanoTime() < deadline) {
                if (System.nanoTime() >= nextStatusCheck) {
                    // a task that failed (e.g. Bedrock refused the credentials) will never finish a request
                    requireNotFailed(rest, DemoConnectorConfig.CONNECTOR_NAME, live);
                    if (requests.stream().anyMatch(DemoRequest::converse)) {
                        requireNotFailed(rest, DemoConnectorConfig.CONVERSE_CONNECTOR_NAME, live);
                    }
                    nextStatusCheck = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.nanoTime();
                    switch (record.topic()) {
                        case DemoConnectorConfig.CHUNKS_TOPIC -> live.onChunkRecord(record, now);
                        case DemoConnectorConfig.COMPLETIONS_TOPIC -> live.onCompletionRecord(record);
                        case DemoConnectorConfig.DLQ_TOPIC -> live.onDeadLetter(record, now);
                        default -> {}
                    }
                }
            }
            // completion records trail the terminal records a little; give them a moment to show in the summary
            long grace = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
            while (live.allDone()
                    && System.nanoTime() < grace
                    && live.progress().stream()
                            .anyMatch(p -> p.status() == RequestProgress.Status.COMPLETE && !p.hasCompletionRecord())) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    if (record.topic().equals(DemoConnectorConfig.COMPLETIONS_TOPIC)) {
                        live.onCompletionRecord(record);
                    }
                }
            }
            return live.allDone();
        }
    }

    private void printEmulatorStats(URI emulator) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(emulator.resolve("/_emulator/stats"))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            JsonNode stats = new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
            out.println("emulator: " + stats.path("calls").asLong() + " model calls served, at most "
                    + stats.path("maxConcurrency").asInt() + " streaming at once");
        } catch (IOException e) {
            out.println("emulator: stats unavailable (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Properties consumerProps(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20");
        return props;
    }

    private static Properties producerProps(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return props;
    }

    /**
     * This JVM's Kafka clients log through log4j; their INFO lines would bury the streamed tokens, so they go to
     * a file. Must run before the first Kafka client is created.
     */
    private static void sendClientLogsToFile(Path runDir) throws IOException {
        Files.createDirectories(runDir);
        Path config = runDir.resolve("demo-log4j2.properties");
        Files.writeString(
                config,
                """
                status = warn
                appender.file.type = File
                appender.file.name = FILE
                appender.file.fileName = %s
                appender.file.layout.type = PatternLayout
                appender.file.layout.pattern = [%%d{HH:mm:ss,SSS}] %%-5p %%m (%%c{1.})%%n
                rootLogger.level = INFO
                rootLogger.appenderRef.file.ref = FILE
                """.formatted(runDir.resolve("demo-clients.log").toString().replace("\\", "/")),
                StandardCharsets.UTF_8);
        System.setProperty("log4j2.configurationFile", config.toUri().toString());
    }
}
