package io.bedrockstream.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.testkit.ChildProcess;
import io.bedrockstream.testkit.ProjectLayout;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;

/**
 * The emulator's own artifact (target/emulator/bedrock-emulator-&lt;version&gt;.jar): it holds the emulator and its
 * declared dependencies and nothing of the connector, runs with {@code java -jar} and nothing else on its
 * classpath, and the real SDK streams from it exactly what the emulator classes stream in this JVM.
 */
class EmulatorJarPackagedIT {

    private static final List<String> OPTIONS = List.of("--seed", "3", "--words", "9", "--per-chunk", "2");
    private static final String MODEL = "anthropic.claude-3-haiku-20240307-v1:0";

    @Test
    void theJarHoldsTheEmulatorAndItsDependenciesButNothingOfTheConnector() throws IOException {
        Path jar = ProjectLayout.locate().emulatorJar();
        try (JarFile zip = new JarFile(jar.toFile())) {
            List<String> ours = zip.stream()
                    .map(e -> e.getName())
                    .filter(n -> n.startsWith("io/bedrockstream/") && n.endsWith(".class"))
                    .toList();
            assertThat(ours).isNotEmpty().allMatch(n -> n.startsWith("io/bedrockstream/emulator/"));
            assertThat(zip.getEntry("io/netty/handler/codec/http2/Http2FrameCodec.class"))
                    .isNotNull();
            assertThat(zip.getEntry("com/fasterxml/jackson/databind/ObjectMapper.class"))
                    .isNotNull();
            assertThat(zip.getEntry("org/slf4j/impl/StaticLoggerBinder.class")).isNotNull();
            assertThat(zip.stream().map(e -> e.getName())).noneMatch(n -> n.startsWith("software/amazon/"));
            assertThat(zip.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo(BedrockEmulator.class.getName());
        }
    }

    @Test
    void javaDashJarRunsItAndTheSdkStreamsWhatTheEmulatorClassesStream() throws Exception {
        Path jar = ProjectLayout.locate().emulatorJar();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path dir = Files.createTempDirectory("emulator-jar");
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString(),
                "--host",
                "127.0.0.1",
                "--port",
                String.valueOf(port)));
        command.addAll(OPTIONS);
        ChildProcess child = ChildProcess.start("emulator-jar", command, dir, dir.resolve("emulator.log"), Map.of());
        try {
            awaitListening(port, child);
            SdkHarness.StreamResult fromJar;
            try (BedrockRuntimeAsyncClient client = SdkHarness.client(URI.create("http://127.0.0.1:" + port))) {
                fromJar = SdkHarness.stream(client, MODEL, SdkHarness.claudeBody("hello"));
            }
            EmulatorOptions options = EmulatorCli.parse(OPTIONS.toArray(String[]::new), Map.of());
            SdkHarness.StreamResult inJvm;
            try (BedrockEmulator emulator = BedrockEmulator.start(options);
                    BedrockRuntimeAsyncClient client = SdkHarness.client(emulator.endpoint())) {
                inJvm = SdkHarness.stream(client, MODEL, SdkHarness.claudeBody("hello"));
            }
            assertThat(fromJar.error()).as(fromJar.errorText()).isNull();
            assertThat(inJvm.error()).as(inJvm.errorText()).isNull();
            // 9 words, 2 per chunk: message_start, content_block_start, 5 deltas, content_block_stop,
            // message_delta, message_stop
            // (message ids and latencies differ from call to call: compare what the model said)
            assertThat(said(fromJar)).hasSize(10).isEqualTo(said(inJvm));
            assertThat(said(fromJar).get(2)).isEqualTo("content_block_delta:the {brace}");
            assertThat(Files.readString(child.log()))
                    .contains("Bedrock emulator listening on http://127.0.0.1:" + port);
        } finally {
            child.stop(Duration.ofSeconds(10));
        }
    }

    private static List<String> said(SdkHarness.StreamResult r) {
        return r.chunks().stream()
                .map(c -> c.path("type").asText() + ":"
                        + c.path("delta").path("text").asText())
                .toList();
    }

    private static void awaitListening(int port, ChildProcess child) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            child.requireAlive();
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("the emulator jar did not listen on " + port + ": " + child.tail(20));
    }
}
