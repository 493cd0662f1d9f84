package io.bedrockstream.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.testkit.ChildProcess;
import io.bedrockstream.testkit.HostClasspath;
import io.bedrockstream.testkit.ProjectLayout;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * One artifact per audience (README, "How it works"): the plugin archive holds the connector only, the assembler
 * library holds the assembler and the record contract and runs without the connector or the AWS SDK. (The
 * emulator's jar: {@code emulator.EmulatorJarPackagedIT}.)
 */
class ArtifactsPackagedIT {

    private static final ProjectLayout PROJECT = ProjectLayout.locate();

    @Test
    void thePluginArchiveHoldsNoEmulatorOrAssemblerClasses() throws IOException {
        Map<String, List<String>> classesByJar = new TreeMap<>();
        try (ZipFile zip = new ZipFile(PROJECT.pluginArchive().toFile())) {
            for (ZipEntry e : zip.stream().toList()) {
                if (e.getName().contains("/lib/") && e.getName().endsWith(".jar")) {
                    try (InputStream in = zip.getInputStream(e)) {
                        classesByJar.put(e.getName(), ourClasses(in.readAllBytes()));
                    }
                }
            }
        }
        List<String> ours = classesByJar.values().stream().flatMap(List::stream).toList();
        assertThat(ours)
                .contains(
                        "io/bedrockstream/connect/BedrockSinkConnector.class",
                        "io/bedrockstream/connect/BedrockSourceConnector.class",
                        "io/bedrockstream/contract/ChunkField.class");
        assertThat(ours)
                .noneMatch(n -> n.startsWith("io/bedrockstream/emulator/"))
                .noneMatch(n -> n.startsWith("io/bedrockstream/streams/"));
        // one jar of ours: the connector
        assertThat(classesByJar.entrySet().stream()
                        .filter(e -> !e.getValue().isEmpty())
                        .map(Map.Entry::getKey))
                .singleElement()
                .asString()
                .endsWith("/lib/kafka-connect-bedrock-stream-" + PROJECT.pluginVersion() + ".jar");
    }

    @Test
    void theAssemblerJarHoldsTheAssemblerAndTheContractAndItsPomNoAwsSdk() throws IOException {
        Path jar = PROJECT.assemblerJar();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            List<String> classes = zip.stream()
                    .map(ZipEntry::getName)
                    .filter(n -> n.endsWith(".class"))
                    .toList();
            assertThat(classes)
                    .contains(
                            "io/bedrockstream/streams/ChunkAssembler.class",
                            "io/bedrockstream/contract/ChunkField.class");
            assertThat(classes)
                    .allMatch(n ->
                            n.startsWith("io/bedrockstream/streams/") || n.startsWith("io/bedrockstream/contract/"));
            ZipEntry pom = zip.getEntry("META-INF/maven/io.bedrockstream/bedrock-stream-assembler/pom.xml");
            assertThat(pom).isNotNull();
            Element project;
            try (InputStream in = zip.getInputStream(pom)) {
                project = DocumentBuilderFactory.newInstance()
                        .newDocumentBuilder()
                        .parse(in)
                        .getDocumentElement();
            } catch (ParserConfigurationException | SAXException e) {
                throw new AssertionError("the assembler's pom.xml does not parse", e);
            }
            assertThat(child(project, "artifactId")).isEqualTo("bedrock-stream-assembler");
            assertThat(child(project, "version")).isEqualTo(PROJECT.pluginVersion());
            List<String> deps = new ArrayList<>();
            NodeList list = project.getElementsByTagName("dependency");
            for (int i = 0; i < list.getLength(); i++) {
                Element d = (Element) list.item(i);
                String scope = child(d, "scope");
                deps.add(
                        child(d, "groupId") + ":" + child(d, "artifactId") + ":" + (scope == null ? "compile" : scope));
            }
            assertThat(deps)
                    .containsExactly(
                            "com.fasterxml.jackson.core:jackson-databind:compile",
                            "org.apache.kafka:kafka-streams:provided",
                            "org.slf4j:slf4j-api:provided");
        }
    }

    @Test
    void theAssemblerRunsWithoutTheConnectorOrTheAwsSdkOnItsClasspath() throws Exception {
        List<Path> classpath = new ArrayList<>();
        classpath.add(PROJECT.assemblerJar());
        classpath.add(PROJECT.target().resolve("test-classes")); // AssemblerAlone only
        for (Path p : HostClasspath.entries()) {
            String s = p.toString().replace('\\', '/');
            boolean connectorOrSdk = s.contains("/software/amazon/")
                    || s.contains("/io/netty/")
                    || s.endsWith("/target/classes")
                    || s.endsWith("/target/test-classes")
                    || s.contains("/org/apache/kafka/connect")
                    || s.contains("/kafka-connect-bedrock-stream");
            if (!connectorOrSdk) {
                classpath.add(p);
            }
        }
        assertThat(classpath).noneMatch(p -> p.toString().contains("awssdk"));
        Path dir = Files.createTempDirectory("assembler-alone");
        ChildProcess child = ChildProcess.start(
                "assembler-alone",
                List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        HostClasspath.join(classpath),
                        AssemblerAlone.class.getName()),
                dir,
                dir.resolve("out.log"),
                Map.of());
        int exit = child.awaitExit(Duration.ofSeconds(90));
        String out = Files.readString(child.log());
        assertThat(exit).as(out).isZero();
        assertThat(out).contains("ANSWER req-1 Hello world end_turn");
    }

    private static String child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e.getTextContent().trim();
            }
        }
        return null;
    }

    private static List<String> ourClasses(byte[] jar) throws IOException {
        List<String> names = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (e.getName().startsWith("io/bedrockstream/") && e.getName().endsWith(".class")) {
                    names.add(e.getName());
                }
            }
        }
        return names;
    }
}
