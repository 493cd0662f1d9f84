package io.bedrockstream.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.bedrockstream.docker.ShellScript.Shell;
import io.bedrockstream.testkit.ProjectLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker/healthcheck/http-ok.sh, the health check docker-compose gives Connect (GET /health), the emulator
 * (its admin API) and ksqlDB (GET /healthcheck), run with bash against a local HTTP server.
 */
class HttpOkScriptTest {

    private static final Path SCRIPT = ProjectLayout.locate().baseDir().resolve("docker/healthcheck/http-ok.sh");

    @TempDir
    Path scratch;

    private HttpServer server;

    @BeforeEach
    void startServer() throws Exception {
        ShellScript.require("bash", "the health check is a bash script");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health", exchange -> {
            byte[] body = "{\"status\":\"healthy\"}".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/starting", exchange -> {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void aTwoHundredIsHealthy() throws Exception {
        ShellScript.Result result = check(server.getAddress().getPort(), "/health");

        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void anyOtherStatusIsUnhealthyAndSaysWhatItGot() throws Exception {
        ShellScript.Result result = check(server.getAddress().getPort(), "/starting");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.output()).contains("/starting answered: HTTP/1.1 503");
        assertThat(check(server.getAddress().getPort(), "/missing").exitCode()).isEqualTo(1);
    }

    @Test
    void nothingListeningIsUnhealthy() throws Exception {
        int freePort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            freePort = socket.getLocalPort();
        }

        assertThat(check(freePort, "/health").exitCode()).isEqualTo(1);
    }

    private ShellScript.Result check(int port, String path) throws Exception {
        return ShellScript.run(
                Shell.HOST, "bash", SCRIPT, List.of("127.0.0.1", String.valueOf(port), path), Map.of(), scratch);
    }
}
