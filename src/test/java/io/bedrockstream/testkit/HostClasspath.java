package io.bedrockstream.testkit;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * This JVM's application classpath, and the part of it a child worker may see.
 *
 * <p>The worker must load the connector only from {@code plugin.path}, so that the packaged archive is what
 * runs: the project's own classes and jars are removed, and so are the libraries the plugin bundles (AWS SDK,
 * Netty, Reactive Streams) — if the archive lacked one, the worker would otherwise find it on its own
 * classpath through the plugin class loader's parent and hide the packaging mistake. Kafka's test jars go too.
 */
public final class HostClasspath {

    /** Path fragments (with '/' separators) of the groups the plugin archive bundles in its lib/. */
    private static final List<String> PLUGIN_BUNDLED_GROUPS =
            List.of("/software/amazon/awssdk/", "/io/netty/", "/org/reactivestreams/");

    private static final String PROJECT_ARTIFACT = "kafka-connect-bedrock-stream";

    /** What a child worker gets, and what was taken out (so tests can assert the filter did its job). */
    public record Filtered(List<Path> kept, List<Path> removed) {
        public String asArgument() {
            return join(kept);
        }
    }

    private HostClasspath() {}

    /**
     * The entries this code was loaded from. Under {@code exec:java} that is the plugin's URL class loader
     * (java.class.path is Maven's own launcher there); under surefire/failsafe it is java.class.path, with a
     * manifest-only booter jar expanded.
     */
    public static List<Path> entries() {
        Set<Path> result = new LinkedHashSet<>();
        for (ClassLoader cl = HostClasspath.class.getClassLoader(); cl != null; cl = cl.getParent()) {
            if (cl instanceof URLClassLoader urls) {
                for (URL url : urls.getURLs()) {
                    toPath(url).ifPresent(result::add);
                }
            }
        }
        if (result.isEmpty()) {
            for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    Path path = Path.of(entry).toAbsolutePath().normalize();
                    List<Path> listed = manifestClassPath(path);
                    // a manifest-only jar would hand its whole Class-Path (project classes too) to a child
                    if (listed.isEmpty()) {
                        result.add(path);
                    } else {
                        result.addAll(listed);
                    }
                }
            }
        }
        return List.copyOf(result);
    }

    /** The entries without the project's classes, its jar, and the libraries the plugin bundles. */
    public static Filtered forWorker(List<Path> entries, Path projectDir) {
        Path target = projectDir.toAbsolutePath().normalize().resolve("target");
        List<Path> kept = new ArrayList<>();
        List<Path> removed = new ArrayList<>();
        for (Path entry : entries) {
            if (isProjectOwn(entry, target) || isPluginBundled(entry) || isTestJar(entry)) {
                removed.add(entry);
            } else {
                kept.add(entry);
            }
        }
        return new Filtered(List.copyOf(kept), List.copyOf(removed));
    }

    public static String join(List<Path> entries) {
        return String.join(
                File.pathSeparator, entries.stream().map(Path::toString).toList());
    }

    static boolean isProjectOwn(Path entry, Path projectTarget) {
        Path normalized = entry.toAbsolutePath().normalize();
        return normalized.startsWith(projectTarget)
                || normalized.getFileName().toString().startsWith(PROJECT_ARTIFACT);
    }

    /** Kafka's test jars carry dozens of sample connectors that would crowd the worker's plugin list. */
    static boolean isTestJar(Path entry) {
        String name = entry.getFileName().toString();
        return name.endsWith("-test.jar") || name.endsWith("-tests.jar");
    }

    static boolean isPluginBundled(Path entry) {
        String unix = entry.toAbsolutePath().normalize().toString().replace('\\', '/');
        return PLUGIN_BUNDLED_GROUPS.stream().anyMatch(unix::contains);
    }

    private static java.util.Optional<Path> toPath(URL url) {
        if (!"file".equals(url.getProtocol())) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(Path.of(url.toURI()).toAbsolutePath().normalize());
        } catch (URISyntaxException | IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    /** Surefire may start the fork with a single jar whose manifest Class-Path lists the real classpath. */
    private static List<Path> manifestClassPath(Path jar) {
        String name = jar.getFileName().toString();
        if (!Files.isRegularFile(jar) || !name.startsWith("surefire") || !name.endsWith(".jar")) {
            return List.of();
        }
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            String classPath =
                    manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (classPath == null || classPath.isBlank()) {
                return List.of();
            }
            List<Path> result = new ArrayList<>();
            for (String token : classPath.trim().split("\\s+")) {
                try {
                    URL url = jar.toUri().resolve(token).toURL();
                    toPath(url).ifPresent(result::add);
                } catch (IOException | IllegalArgumentException e) {
                    // not a file URL: nothing a child JVM could use
                }
            }
            return result;
        } catch (IOException e) {
            return List.of();
        }
    }
}
