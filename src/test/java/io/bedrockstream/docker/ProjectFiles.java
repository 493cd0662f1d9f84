package io.bedrockstream.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bedrockstream.testkit.ProjectLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The files of the container path, read the way the containers use them: docker-compose.yml, the worker config
 * and connector config it mounts, the ksqlDB statements, the assembler's Dockerfile. Shared by the docker tier
 * and by the tests that check these files on this machine.
 */
public record ProjectFiles(Path root) {

    public static final String COMPOSE_CONNECTOR_CONFIG = "config/bedrock-sink-demo.json";
    public static final String COMPOSE_WORKER_CONFIG = "docker/connect/connect-distributed.properties";

    /** An {@code image:} line or a YAML anchor holding an image ({@code x-...: &name repo:tag}). */
    private static final Pattern COMPOSE_IMAGE =
            Pattern.compile("^\\s*(?:image:|x-[\\w-]+-image:\\s*&[\\w-]+)\\s+(\\S+)\\s*$", Pattern.MULTILINE);

    private static final Pattern DOCKERFILE_FROM = Pattern.compile("^FROM\\s+(\\S+)", Pattern.MULTILINE);
    private static final ObjectMapper JSON = new ObjectMapper();

    public static ProjectFiles locate() {
        return new ProjectFiles(ProjectLayout.locate().baseDir());
    }

    public Path compose() {
        return root.resolve("docker-compose.yml");
    }

    public Path assemblerDockerfile() {
        return root.resolve("docker/assembler/Dockerfile");
    }

    /** config/ksqldb/*.sql in the order they run. */
    public List<Path> ksqlFiles() {
        try (Stream<Path> files = Files.list(root.resolve("config/ksqldb"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".sql"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every statement of config/ksqldb, file by file, each with the properties its own file set before it. */
    public List<KsqlStatements.Statement> ksqlStatements() {
        List<KsqlStatements.Statement> all = new ArrayList<>();
        ksqlFiles().forEach(f -> all.addAll(KsqlStatements.parse(f)));
        return all;
    }

    /** The flat connector config docker-compose's connector-init registers (values as written, ${env:...} kept). */
    public Map<String, String> composeConnectorConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        try {
            JsonNode root =
                    JSON.readTree(this.root.resolve(COMPOSE_CONNECTOR_CONFIG).toFile());
            root.fields()
                    .forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return config;
    }

    public String composeWorkerConfig() {
        return read(root.resolve(COMPOSE_WORKER_CONFIG));
    }

    /** Every image docker-compose.yml names (anchors and image: lines), in file order, duplicates kept. */
    public List<String> composeImages() {
        return matches(COMPOSE_IMAGE, read(compose()));
    }

    /** The images the assembler's Dockerfile builds from. */
    public List<String> assemblerBaseImages() {
        return matches(DOCKERFILE_FROM, read(assemblerDockerfile()));
    }

    public String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> matches(Pattern pattern, String text) {
        List<String> found = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            if (!m.group(1).startsWith("*")) { // an alias (image: *kafka-image) names an anchor counted already
                found.add(m.group(1));
            }
        }
        return found;
    }
}
