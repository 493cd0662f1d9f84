package io.bedrockstream.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the build put things: the unpacked plugin under target/plugin, the config templates under config/. */
public record ProjectLayout(Path baseDir) {

    public static final String PLUGIN_NAME = "kafka-connect-bedrock-stream";

    public ProjectLayout {
        baseDir = baseDir.toAbsolutePath().normalize();
    }

    /** Maven's basedir (set by surefire/failsafe), else the nearest directory upwards holding a pom.xml. */
    public static ProjectLayout locate() {
        String basedir = System.getProperty("basedir");
        if (basedir != null && Files.isRegularFile(Path.of(basedir, "pom.xml"))) {
            return new ProjectLayout(Path.of(basedir));
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("pom.xml"))) {
                return new ProjectLayout(dir);
            }
        }
        throw new IllegalStateException("No pom.xml in " + Path.of("").toAbsolutePath() + " or above");
    }

    public Path target() {
        return baseDir.resolve("target");
    }

    /** The worker's plugin.path: the directory that holds the unpacked plugin directory. */
    public Path pluginPath() {
        return target().resolve("plugin");
    }

    public Path pluginDir() {
        return pluginPath().resolve(PLUGIN_NAME);
    }

    public Path pluginLib() {
        return pluginDir().resolve("lib");
    }

    /** The emulator's runnable jar (`mvn package`); the plugin archive holds no emulator. */
    public Path emulatorJar() {
        Path jar = target().resolve("emulator").resolve("bedrock-emulator-" + pluginVersion() + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    "The emulator jar is missing: " + jar + ". Run `mvn package -DskipTests`" + " first.");
        }
        return jar;
    }

    /** The Kafka Streams assembler library's jar (`mvn package`). */
    public Path assemblerJar() {
        return target().resolve("assembler").resolve("bedrock-stream-assembler-" + pluginVersion() + ".jar");
    }

    /** The zip users install (Confluent Hub layout); target/plugin holds the same tree unpacked. */
    public Path pluginArchive() {
        return target().resolve("bedrockstream-" + PLUGIN_NAME + "-" + pluginVersion() + ".zip");
    }

    public Path template(String fileName) {
        return baseDir.resolve("config").resolve(fileName);
    }

    /** Fails with the command to run when `mvn package` has not produced the plugin yet. */
    public void requirePackagedPlugin() {
        Path manifest = pluginDir().resolve("manifest.json");
        boolean hasJar = false;
        if (Files.isDirectory(pluginLib())) {
            try (var files = Files.list(pluginLib())) {
                hasJar = files.anyMatch(p -> p.getFileName().toString().startsWith(PLUGIN_NAME));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (!Files.isRegularFile(manifest) || !hasJar) {
            throw new IllegalStateException("The packaged plugin is missing under " + pluginDir()
                    + " (manifest.json and lib/" + PLUGIN_NAME + "-*.jar). Run `mvn package -DskipTests` first.");
        }
    }

    /** The version the build wrote into the plugin's manifest.json. */
    public String pluginVersion() {
        try {
            JsonNode manifest = new ObjectMapper()
                    .readTree(pluginDir().resolve("manifest.json").toFile());
            return manifest.path("version").asText();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + pluginDir().resolve("manifest.json"), e);
        }
    }
}
