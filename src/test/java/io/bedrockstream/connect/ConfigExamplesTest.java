package io.bedrockstream.connect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bedrockstream.connect.config.BedrockConnectorConfig;
import io.bedrockstream.connect.config.BedrockSinkConfig;
import io.bedrockstream.connect.config.BedrockSinkTaskConfig;
import io.bedrockstream.connect.config.BedrockSourceConfig;
import io.bedrockstream.connect.config.BedrockSourceTaskConfig;
import io.bedrockstream.docker.KsqlStatements;
import io.bedrockstream.docker.ProjectFiles;
import io.bedrockstream.request.RequestMapper;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.connect.runtime.SinkConnectorConfig;
import org.apache.kafka.connect.runtime.standalone.StandaloneConfig;
import org.apache.kafka.connect.storage.Converter;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every connector config shipped with the project (config/ and the one docker-compose.yml registers) is one a
 * worker would accept: no unknown or misspelt keys, the required keys set, and no error from the connector's
 * own validate() or from the settings the tasks build at start. Examples that rot fail here, not in a demo.
 */
class ConfigExamplesTest {

    private static final Path ROOT = repoRoot();
    private static final Path CONFIG_DIR = ROOT.resolve("config");
    private static final Path COMPOSE = ROOT.resolve("docker-compose.yml");
    /** The worker docker-compose runs; its config providers are the ones the demo connector config may use. */
    private static final Path COMPOSE_WORKER = ROOT.resolve("docker/connect/connect-distributed.properties");

    private static final Path STANDALONE_WORKER = CONFIG_DIR.resolve("connect-standalone-demo.properties");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String CONNECTOR_CLASS = "connector.class";
    private static final String NAME = "name";
    /** Connect keys and our own whose suffix is free-form: converter, transform, predicate and client settings. */
    private static final List<String> FREE_FORM_PREFIXES = List.of(
            "key.converter.",
            "value.converter.",
            "header.converter.",
            "transforms.",
            "predicates.",
            "consumer.override.",
            "producer.override.",
            "admin.override.",
            BedrockSinkConfig.OUTPUT_PRODUCER_PREFIX,
            BedrockConnectorConfig.OUTPUT_KEY_CONVERTER_PREFIX,
            BedrockConnectorConfig.OUTPUT_VALUE_CONVERTER_PREFIX);
    /** The same for the source connector: Connect's topic creation groups and the request consumer's settings. */
    private static final List<String> SOURCE_FREE_FORM_PREFIXES = List.of(
            "key.converter.",
            "value.converter.",
            "header.converter.",
            "transforms.",
            "predicates.",
            "producer.override.",
            "admin.override.",
            "topic.creation.",
            BedrockSourceConfig.SOURCE_CONSUMER_PREFIX,
            BedrockSourceConfig.SOURCE_KEY_CONVERTER_PREFIX,
            BedrockSourceConfig.SOURCE_VALUE_CONVERTER_PREFIX);
    /** Worker keys with free-form suffixes. */
    private static final List<String> WORKER_FREE_FORM_PREFIXES = List.of(
            "config.providers.",
            "key.converter.",
            "value.converter.",
            "header.converter.",
            "producer.",
            "consumer.",
            "admin.",
            "listeners.https.",
            "rest.extension.");
    /** A config provider reference as Connect's ConfigTransformer reads it: ${provider:[path:]key}. */
    private static final Pattern PROVIDER_REFERENCE = Pattern.compile("\\$\\{([^}:/]+):[^}]*}");
    /** A commented-out setting in a .properties example: '#key=value' (prose comments start with '# '). */
    private static final Pattern COMMENTED_SETTING = Pattern.compile("^#([a-z][a-z0-9._-]*)\\s*=", Pattern.MULTILINE);
    /** A connector config file mounted into a compose service. */
    private static final Pattern COMPOSE_CONFIG_REFERENCE =
            Pattern.compile("\\./(config/[\\w./-]+\\.(?:json|properties))");

    private static final String PLACEHOLDER_VALUE = "placeholder-from-config-provider";
    private static final Path README = ROOT.resolve("README.md");
    private static final String README_MINIMAL_CONFIG = "README.md (minimal config)";
    /** A ```properties block of README.md (indented inside a list item, or not). */
    private static final Pattern README_PROPERTIES_BLOCK =
            Pattern.compile("```properties\\n(.*?)\\n\\s*```", Pattern.DOTALL);

    /**
     * One connector config to check.
     *
     * @param source          what the test is named after: the file, or compose file and the file it references
     * @param config          the flat connector config, name included
     * @param commentedKeys   keys of commented-out alternatives, which must be spelt right too
     * @param providers       the config providers the worker running this config defines
     * @param formatProblems  problems found while reading the file (non-string JSON values, wrong shape)
     */
    record Example(
            String source,
            Map<String, String> config,
            Set<String> commentedKeys,
            Set<String> providers,
            List<String> formatProblems) {}

    @TestFactory
    Stream<DynamicTest> everyExampleIsAValidConnectorConfig() {
        List<Example> examples = allExamples();
        assertThat(examples)
                .as("connector configs found under config/, in docker-compose.yml and in README.md")
                .hasSizeGreaterThanOrEqualTo(4);
        assertThat(examples.stream().map(Example::source))
                .contains(
                        "config/bedrock-sink.properties",
                        "config/bedrock-sink.json",
                        "config/bedrock-sink-template.json",
                        "config/bedrock-sink-demo.json",
                        "docker-compose.yml -> config/bedrock-sink-demo.json",
                        "config/bedrock-source.json",
                        README_MINIMAL_CONFIG);
        return examples.stream()
                .map(e -> DynamicTest.dynamicTest(
                        e.source(),
                        () -> assertThat(problems(e))
                                .as("problems in %s", e.source())
                                .isEmpty()));
    }

    /**
     * JsonConverter's default wraps every value in a schema envelope ({"schema": ..., "payload": ...}); the ksqlDB
     * streams in config/ksqldb (VALUE_FORMAT 'JSON') then find none of their columns, read null everywhere and
     * the answers table stays empty without an error. Every example writes the bare record instead.
     */
    @TestFactory
    Stream<DynamicTest> everyExampleWritesBareJsonAsTheKsqlDbStreamsRead() {
        return allExamples().stream()
                .map(e -> DynamicTest.dynamicTest(e.source(), () -> {
                    Map<String, String> config = resolved(e.config());
                    Converter converter;
                    if (BedrockSourceConnector.class.getName().equals(config.get(CONNECTOR_CLASS))) {
                        // the source's output goes through the worker's converter, configured by the connector's keys
                        converter = Utils.newInstance(loadClass(config.get("value.converter")), Converter.class);
                        Map<String, Object> settings = new TreeMap<>();
                        config.forEach((k, v) -> {
                            if (k.startsWith("value.converter.")) {
                                settings.put(k.substring("value.converter.".length()), v);
                            }
                        });
                        converter.configure(settings, false);
                    } else {
                        converter = new BedrockSinkConfig(config).outputValueConverter();
                    }
                    JsonNode value = JSON.readTree(
                            converter.fromConnectData("bedrock-chunks", OutputRecords.CHUNK_SCHEMA, sampleChunk()));
                    assertThat(value.has("payload") && value.has("schema"))
                            .as(
                                    "%s writes the JsonConverter's schema envelope, which config/ksqldb does not read: set "
                                            + "output.value.converter.schemas.enable=false",
                                    e.source())
                            .isFalse();
                    assertThat(value.path("request_id").asText()).isEqualTo("r-1");
                }));
    }

    /**
     * What docker-compose registers feeds config/ksqldb: the declared streams read exactly the connector's
     * output and completions topics (which create-topics.sh creates), as bare JSON, and every value column is
     * a field of the record the connector writes there, spelt alike: a misspelt column would read null.
     */
    @Test
    void theComposeConnectorWritesWhatTheKsqlDbStreamsDeclare() {
        Map<String, String> connector = fromCompose().get(0).config();
        Map<String, org.apache.kafka.connect.data.Schema> written = Map.of(
                connector.get(BedrockSinkConfig.OUTPUT_TOPIC), OutputRecords.CHUNK_SCHEMA,
                connector.get(BedrockSinkConfig.COMPLETIONS_TOPIC), OutputRecords.COMPLETION_SCHEMA);
        assertThat(written.keySet()).doesNotContainNull();
        String createdTopics = readString(ROOT.resolve("docker/kafka/create-topics.sh"));

        Map<String, List<String>> declared = new TreeMap<>();
        for (KsqlStatements.Statement statement : ProjectFiles.locate().ksqlStatements()) {
            DeclaredStream stream = DeclaredStream.of(statement.sql());
            if (stream != null) {
                assertThat(stream.valueFormat())
                        .as("VALUE_FORMAT of %s", stream.topic())
                        .isEqualTo("JSON");
                declared.put(stream.topic(), stream.valueColumns());
            }
        }
        assertThat(declared.keySet()).containsExactlyInAnyOrderElementsOf(written.keySet());
        declared.forEach((topic, columns) -> {
            assertThat(createdTopics).contains("create " + topic + " ");
            List<String> fields =
                    written.get(topic).fields().stream().map(f -> f.name()).toList();
            assertThat(columns)
                    .as("value columns of the stream over %s", topic)
                    .isNotEmpty()
                    .doesNotContain("payload")
                    .allSatisfy(c -> assertThat(fields).contains(c));
        });
    }

    /** A CREATE STREAM declaring its columns (not a CREATE ... AS SELECT): its topic, format and value columns. */
    record DeclaredStream(String topic, String valueFormat, List<String> valueColumns) {
        private static final Pattern HEAD = Pattern.compile(
                "(?is)CREATE\\s+(?:OR\\s+REPLACE\\s+)?STREAM\\s+" + "(?:IF\\s+NOT\\s+EXISTS\\s+)?\\w+\\s*\\(.*");
        private static final Pattern TOPIC = Pattern.compile("(?i)KAFKA_TOPIC\\s*=\\s*'([^']+)'");
        private static final Pattern FORMAT = Pattern.compile("(?i)VALUE_FORMAT\\s*=\\s*'([^']+)'");

        static DeclaredStream of(String sql) {
            if (!HEAD.matcher(sql).matches()) {
                return null;
            }
            int open = sql.indexOf('(');
            int depth = 0;
            int close = -1;
            List<String> columns = new ArrayList<>();
            int start = open + 1;
            for (int i = open; i < sql.length() && close < 0; i++) {
                char c = sql.charAt(i);
                if (c == '(' || c == '<') {
                    depth++;
                } else if (c == ')' || c == '>') {
                    depth--;
                }
                if ((c == ',' && depth == 1) || depth == 0) {
                    columns.add(sql.substring(start, i).strip());
                    start = i + 1;
                    close = depth == 0 ? i : -1;
                }
            }
            String with = sql.substring(close);
            Matcher topic = TOPIC.matcher(with);
            Matcher format = FORMAT.matcher(with);
            assertThat(topic.find()).as("KAFKA_TOPIC in %s", sql).isTrue();
            assertThat(format.find()).as("VALUE_FORMAT in %s", sql).isTrue();
            List<String> valueColumns = columns.stream()
                    .map(c -> c.split("\\s+"))
                    .filter(words -> !(words.length > 2 && words[2].equalsIgnoreCase("KEY")))
                    .map(words -> words[0].toLowerCase(java.util.Locale.ROOT))
                    .toList();
            return new DeclaredStream(topic.group(1), format.group(1).toUpperCase(java.util.Locale.ROOT), valueColumns);
        }
    }

    private static org.apache.kafka.connect.data.Struct sampleChunk() {
        return new org.apache.kafka.connect.data.Struct(OutputRecords.CHUNK_SCHEMA)
                .put("request_id", "r-1")
                .put("invocation_id", "i-1")
                .put("attempt", 1)
                .put("seq", 0L)
                .put("event", "chunk")
                .put("model_id", "m")
                .put("text", "Hello")
                .put("source_topic", "bedrock-requests")
                .put("source_partition", 0)
                .put("source_offset", 0L);
    }

    @Test
    void standaloneWorkerConfigIsValid() {
        Map<String, String> props = loadProperties(STANDALONE_WORKER);
        StandaloneConfig worker = new StandaloneConfig(props);

        Set<String> defined = worker.values().keySet();
        assertThat(props.keySet().stream()
                        .filter(k -> !defined.contains(k)
                                && WORKER_FREE_FORM_PREFIXES.stream().noneMatch(k::startsWith)))
                .as("keys a standalone worker does not know")
                .isEmpty();
        assertThat(worker.getList("plugin.path")).containsExactly("target/plugin");
        assertThat(worker.getList("config.providers")).containsExactlyInAnyOrder("file", "env");
        for (String provider : worker.getList("config.providers")) {
            String classKey = "config.providers." + provider + ".class";
            assertThat(props).as("provider " + provider).containsKey(classKey);
            assertThat(Utils.<Object>newInstance(loadClass(props.get(classKey)), Object.class))
                    .isInstanceOf(org.apache.kafka.common.config.provider.ConfigProvider.class);
        }
    }

    // ---- the checks

    private static List<String> problems(Example e) {
        if (BedrockSourceConnector.class.getName().equals(e.config().get(CONNECTOR_CLASS))) {
            return sourceProblems(e);
        }
        List<String> problems = new ArrayList<>(e.formatProblems());
        Map<String, String> config = e.config();
        ConfigDef sinkDef = BedrockSinkConfig.configDef();
        ConfigDef connectDef = SinkConnectorConfig.configDef();

        if (!BedrockSinkConnector.class.getName().equals(config.get(CONNECTOR_CLASS))) {
            problems.add(CONNECTOR_CLASS + " is '" + config.get(CONNECTOR_CLASS) + "', not "
                    + BedrockSinkConnector.class.getName());
        }
        for (String key : config.keySet()) {
            if (!known(key, sinkDef, connectDef)) {
                problems.add("unknown key '" + key + "'");
            }
        }
        for (String key : e.commentedKeys()) {
            if (!known(key, sinkDef, connectDef)) {
                problems.add("unknown key '" + key + "' in a commented-out setting");
            }
        }
        for (String key : requiredKeys(sinkDef)) {
            if (config.getOrDefault(key, "").isBlank()) {
                problems.add("required key '" + key + "' is missing");
            }
        }
        if (config.getOrDefault(SinkConnectorConfig.TOPICS_CONFIG, "").isBlank()
                && config.getOrDefault(SinkConnectorConfig.TOPICS_REGEX_CONFIG, "")
                        .isBlank()) {
            problems.add("neither topics nor topics.regex is set");
        }

        config.forEach((k, v) -> {
            Matcher m = PROVIDER_REFERENCE.matcher(v);
            while (m.find()) {
                if (!e.providers().contains(m.group(1))) {
                    problems.add("key '" + k + "' uses config provider '" + m.group(1)
                            + "', which its worker does not define (it has " + e.providers() + ")");
                }
            }
        });
        Map<String, String> resolved = resolved(config);

        // Connect's own keys, as the worker checks them before asking the connector.
        errors(connectDef.validate(resolved), "Connect: ", problems);
        try {
            SinkConnectorConfig.validate(resolved);
        } catch (RuntimeException ex) {
            problems.add("Connect: " + ex.getMessage());
        }
        inputConverter(resolved, "key.converter", true, problems);
        inputConverter(resolved, "value.converter", false, problems);

        // The connector's validate(): each key's own validator plus the cross-key rules.
        errors(new BedrockSinkConnector().validate(resolved).configValues(), "", problems);

        // What the connector and each task build at start; catches what validate() leaves to start-up.
        try {
            BedrockSinkConnector connector = new BedrockSinkConnector();
            connector.start(resolved);
            int tasks = Integer.parseInt(resolved.getOrDefault("tasks.max", "1"));
            for (Map<String, String> task : connector.taskConfigs(tasks)) {
                BedrockSinkConfig c = new BedrockSinkTaskConfig(task);
                new RequestMapper(EngineWiring.requestMapping(c));
                EngineWiring.engine(c);
                EngineWiring.client(c);
                c.outputKeyConverter();
                c.outputValueConverter();
                c.producerConfigs();
            }
        } catch (RuntimeException ex) {
            problems.add("start-up: " + ex);
        }
        return problems;
    }

    /** The config with each config provider reference replaced by a placeholder, as if the worker resolved it. */
    private static Map<String, String> resolved(Map<String, String> config) {
        Map<String, String> resolved = new LinkedHashMap<>();
        config.forEach((k, v) -> resolved.put(k, PROVIDER_REFERENCE.matcher(v).replaceAll(PLACEHOLDER_VALUE)));
        return resolved;
    }

    /** The source connector's examples: the same checks against its own and Connect's source keys. */
    private static List<String> sourceProblems(Example e) {
        List<String> problems = new ArrayList<>(e.formatProblems());
        Map<String, String> config = e.config();
        ConfigDef sourceDef = BedrockSourceConfig.configDef();
        ConfigDef connectDef = org.apache.kafka.connect.runtime.SourceConnectorConfig.configDef();
        for (String key : config.keySet()) {
            if (!sourceDef.names().contains(key)
                    && !connectDef.names().contains(key)
                    && SOURCE_FREE_FORM_PREFIXES.stream().noneMatch(key::startsWith)) {
                problems.add("unknown key '" + key + "'");
            }
        }
        for (String key : requiredKeys(sourceDef)) {
            if (config.getOrDefault(key, "").isBlank()) {
                problems.add("required key '" + key + "' is missing");
            }
        }
        errors(connectDef.validate(config), "Connect: ", problems);
        inputConverter(config, "key.converter", true, problems);
        inputConverter(config, "value.converter", false, problems);
        errors(new BedrockSourceConnector().validate(config).configValues(), "", problems);
        try {
            // start() would list the request partitions on the broker: deal made-up ones instead
            BedrockSourceConfig connector = new BedrockSourceConfig(config);
            List<org.apache.kafka.common.TopicPartition> partitions = new ArrayList<>();
            for (String topic : connector.sourceTopics()) {
                for (int p = 0; p < 6; p++) {
                    partitions.add(new org.apache.kafka.common.TopicPartition(topic, p));
                }
            }
            int tasks = Integer.parseInt(config.getOrDefault("tasks.max", "1"));
            for (Map<String, String> task : BedrockSourceConnector.taskConfigs(config, partitions, tasks)) {
                BedrockSourceTaskConfig c = new BedrockSourceTaskConfig(task);
                new RequestMapper(EngineWiring.requestMapping(c));
                EngineWiring.engine(c);
                EngineWiring.client(c);
                c.sourceKeyConverter();
                c.sourceValueConverter();
                c.consumerConfigs();
                assertThat(c.assignedPartitions()).isNotEmpty();
            }
        } catch (RuntimeException ex) {
            problems.add("start-up: " + ex);
        }
        return problems;
    }

    private static boolean known(String key, ConfigDef sinkDef, ConfigDef connectDef) {
        return sinkDef.names().contains(key)
                || connectDef.names().contains(key)
                || FREE_FORM_PREFIXES.stream().anyMatch(key::startsWith);
    }

    private static Set<String> requiredKeys(ConfigDef sinkDef) {
        Set<String> required = new LinkedHashSet<>(List.of(NAME, CONNECTOR_CLASS));
        sinkDef.configKeys().values().stream().filter(k -> !k.hasDefault()).forEach(k -> required.add(k.name));
        return required;
    }

    private static void errors(Iterable<ConfigValue> values, String prefix, List<String> problems) {
        for (ConfigValue v : values) {
            for (String message : v.errorMessages()) {
                problems.add(prefix + v.name() + ": " + message);
            }
        }
    }

    /** The input converter the worker would create for this connector, configured from its prefix. */
    private static void inputConverter(Map<String, String> config, String key, boolean isKey, List<String> problems) {
        String className = config.get(key);
        if (className == null) {
            return; // the worker's default applies
        }
        try {
            Converter converter = Utils.newInstance(loadClass(className), Converter.class);
            Map<String, Object> settings = new TreeMap<>();
            config.forEach((k, v) -> {
                if (k.startsWith(key + ".")) {
                    settings.put(k.substring(key.length() + 1), v);
                }
            });
            converter.configure(settings, isKey);
        } catch (RuntimeException ex) {
            problems.add(key + ": " + ex);
        }
    }

    // ---- finding the examples

    private static List<Example> allExamples() {
        List<Example> examples = new ArrayList<>(fromConfigDir());
        examples.addAll(fromCompose());
        examples.addAll(fromReadme());
        return examples;
    }

    /** The connector config README.md shows in a properties block (the quick start's minimal config). */
    private static List<Example> fromReadme() {
        List<Example> examples = new ArrayList<>();
        Matcher block = README_PROPERTIES_BLOCK.matcher(readString(README));
        while (block.find()) {
            Properties props = new Properties();
            try {
                props.load(new java.io.StringReader(block.group(1)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (props.containsKey(CONNECTOR_CLASS)) {
                Map<String, String> config = new LinkedHashMap<>();
                props.stringPropertyNames().stream().sorted().forEach(k -> config.put(k, props.getProperty(k)));
                examples.add(
                        new Example(README_MINIMAL_CONFIG, config, Set.of(), providers(STANDALONE_WORKER), List.of()));
            }
        }
        assertThat(examples)
                .as("connector configs in README.md's properties blocks")
                .hasSize(1);
        return examples;
    }

    private static List<Example> fromConfigDir() {
        Set<String> providers = providers(STANDALONE_WORKER);
        try (Stream<Path> files = Files.walk(CONFIG_DIR)) {
            return files.filter(Files::isRegularFile)
                    .sorted()
                    .map(f -> read(f, ROOT.relativize(f).toString().replace('\\', '/'), providers))
                    .flatMap(List::stream)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The connector configs docker-compose.yml uses. It mounts them from config/ (connector-init registers the
     * file with PUT /connectors/{name}/config, which takes the flat map); a config written inline in the compose
     * file cannot be read by simple means, so it is reported instead of silently skipped.
     */
    private static List<Example> fromCompose() {
        String compose = readString(COMPOSE);
        List<Example> examples = new ArrayList<>();
        Set<String> referenced = new LinkedHashSet<>();
        Matcher m = COMPOSE_CONFIG_REFERENCE.matcher(compose);
        while (m.find()) {
            referenced.add(m.group(1));
        }
        Set<String> providers = providers(COMPOSE_WORKER);
        for (String file : referenced) {
            Path path = ROOT.resolve(file);
            assertThat(path).as("%s referenced by docker-compose.yml", file).isRegularFile();
            for (Example e : read(path, "docker-compose.yml -> " + file, providers)) {
                List<String> format = new ArrayList<>(e.formatProblems());
                if (file.endsWith(".json") && readJson(path).has("config")) {
                    format.add("connector-init PUTs this file to /connectors/{name}/config, which takes the flat "
                            + "config, not {\"name\", \"config\"}");
                }
                examples.add(new Example(e.source(), e.config(), e.commentedKeys(), e.providers(), format));
            }
        }
        assertThat(examples)
                .as("connector configs docker-compose.yml registers")
                .isNotEmpty();
        String withoutComments =
                compose.lines().map(l -> l.replaceFirst("(^|\\s)#.*$", "")).reduce("", (a, b) -> a + b + "\n");
        assertThat(withoutComments)
                .as("docker-compose.yml has a connector config inline: keep it in config/ "
                        + "and mount it, so that this test checks it")
                .doesNotContain(CONNECTOR_CLASS);
        return examples;
    }

    /** The connector configs in one file: none for worker configs and other files. */
    private static List<Example> read(Path file, String source, Set<String> providers) {
        String name = file.getFileName().toString();
        if (name.endsWith(".properties")) {
            Map<String, String> props = loadProperties(file);
            if (!props.containsKey(CONNECTOR_CLASS)) {
                return List.of();
            }
            Set<String> commented = new LinkedHashSet<>();
            Matcher m = COMMENTED_SETTING.matcher(readString(file));
            while (m.find()) {
                commented.add(m.group(1));
            }
            return List.of(new Example(source, props, commented, providers, List.of()));
        }
        if (name.endsWith(".json")) {
            JsonNode root = readJson(file);
            List<String> format = new ArrayList<>();
            Map<String, String> config;
            if (root.path("config").isObject()) {
                config = strings(root.get("config"), format);
                String outerName = root.path(NAME).asText("");
                if (config.containsKey(NAME) && !config.get(NAME).equals(outerName)) {
                    format.add("config.name '" + config.get(NAME) + "' differs from name '" + outerName + "'");
                }
                config.put(NAME, outerName);
                root.fieldNames().forEachRemaining(f -> {
                    if (!f.equals(NAME) && !f.equals("config")) {
                        format.add("unexpected top-level field '" + f + "' (POST /connectors takes name and config)");
                    }
                });
            } else if (root.has(CONNECTOR_CLASS)) {
                config = strings(root, format);
            } else {
                return List.of();
            }
            return List.of(new Example(source, config, Set.of(), providers, format));
        }
        return List.of();
    }

    /** Connect's REST API takes string values only. */
    private static Map<String, String> strings(JsonNode object, List<String> problems) {
        Map<String, String> config = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!field.getValue().isTextual()) {
                problems.add("value of '" + field.getKey() + "' is not a JSON string: " + field.getValue());
            }
            config.put(
                    field.getKey(),
                    field.getValue().isTextual()
                            ? field.getValue().asText()
                            : field.getValue().toString());
        }
        return config;
    }

    private static Set<String> providers(Path workerConfig) {
        String list = loadProperties(workerConfig).getOrDefault("config.providers", "");
        Set<String> providers = new LinkedHashSet<>();
        for (String p : list.split(",")) {
            if (!p.isBlank()) {
                providers.add(p.trim());
            }
        }
        return providers;
    }

    // ---- files

    private static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("pom.xml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no pom.xml above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    private static Map<String, String> loadProperties(Path file) {
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> map = new LinkedHashMap<>();
        props.stringPropertyNames().stream().sorted().forEach(k -> map.put(k, props.getProperty(k)));
        return map;
    }

    private static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("not valid JSON: " + file, e);
        }
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Class<?> loadClass(String name) {
        try {
            return Class.forName(name.trim());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("class not found: " + name, e);
        }
    }
}
