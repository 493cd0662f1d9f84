package io.bedrockstream.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml read as compose reads it (anchors and merge keys resolved), for the rules that keep the
 * stack startable and honest where it cannot be run: health checks, start order, the target/ mounts, the
 * one-shot set-up services and what the docker tier relies on.
 */
class ComposeFileTest {

    private static final ProjectFiles FILES = ProjectFiles.locate();
    private static final Map<String, Object> SERVICES =
            map(map(new Yaml().load(FILES.read(FILES.compose()))).get("services"));
    /** Run once and exit 0; what needs them waits for service_completed_successfully. */
    private static final List<String> ONE_SHOT = List.of("topics-init", "connector-init", "ksqldb-init");

    @Test
    void everyLongRunningServiceHasAHealthCheck() {
        for (String name : SERVICES.keySet()) {
            Map<String, Object> service = service(name);
            if (ONE_SHOT.contains(name)) {
                assertThat(service.get("restart")).as(name).isEqualTo("no");
            } else if (!service.containsKey("profiles")) {
                assertThat(service).as("%s has a health check", name).containsKey("healthcheck");
            }
        }
        assertThat(SERVICES.keySet()).contains("kafka", "emulator", "connect", "assembler", "ksqldb-server");
        assertThat(service("ksqldb-cli").get("profiles"))
                .as("the CLI runs on demand only")
                .isEqualTo(List.of("cli"));
    }

    @Test
    void everyServiceWaitsForWhatItNeedsToBeHealthyOrDone() {
        assertThat(condition("connector-init", "connect")).isEqualTo("service_healthy");
        assertThat(condition("connect", "kafka")).isEqualTo("service_healthy");
        assertThat(condition("connect", "emulator")).isEqualTo("service_healthy");
        assertThat(condition("connect", "topics-init")).isEqualTo("service_completed_successfully");
        assertThat(condition("ksqldb-init", "ksqldb-server")).isEqualTo("service_healthy");
        assertThat(condition("ksqldb-init", "topics-init")).isEqualTo("service_completed_successfully");
        assertThat(condition("assembler", "topics-init")).isEqualTo("service_completed_successfully");
        for (String name : SERVICES.keySet()) {
            Object dependsOn = service(name).get("depends_on");
            assertThat(dependsOn == null || dependsOn instanceof Map)
                    .as("%s: depends_on with conditions", name)
                    .isTrue();
        }
    }

    @Test
    void buildOutputIsMountedOnlyWithLongSyntaxThatNeverCreatesTheHostPath() {
        List<String> targetMounts = new ArrayList<>();
        for (String name : SERVICES.keySet()) {
            for (Object volume : list(service(name).get("volumes"))) {
                if (volume instanceof String shortSyntax) {
                    assertThat(shortSyntax)
                            .as("%s mounts build output with the short syntax", name)
                            .doesNotStartWith("./target");
                    continue;
                }
                Map<String, Object> mount = map(volume);
                if (String.valueOf(mount.get("source")).startsWith("./target/")) {
                    targetMounts.add(name + ":" + mount.get("source"));
                    assertThat(mount.get("type")).isEqualTo("bind");
                    assertThat(mount.get("read_only")).isEqualTo(true);
                    assertThat(map(mount.get("bind")).get("create_host_path"))
                            .as(name)
                            .isEqualTo(false);
                }
            }
        }
        assertThat(targetMounts)
                .containsExactlyInAnyOrder(
                        "emulator:./target/emulator", "connect:./target/plugin", "assembler:./target/assembler");
    }

    @Test
    void theAssemblerRunsOnItsGlibcImageAndIsRestartedWhenItFails() {
        Map<String, Object> assembler = service("assembler");

        assertThat(assembler).doesNotContainKey("image");
        assertThat(map(assembler.get("build")).get("context")).isEqualTo("./docker/assembler");
        assertThat(assembler.get("restart")).isEqualTo("on-failure");
        assertThat(FILES.read(FILES.assemblerDockerfile())).contains("--health-file", "/tmp/chunk-assembler.healthy");
        assertThat(map(assembler.get("healthcheck")).get("test").toString()).contains("/tmp/chunk-assembler.healthy");
    }

    @Test
    void theKsqlDbSetUpRunsTheStatementFilesInOrderThroughTheRestScript() {
        Map<String, Object> init = service("ksqldb-init");
        List<String> expected = new ArrayList<>(List.of("/bin/sh", "/scripts/run-statements.sh"));
        FILES.ksqlFiles().forEach(f -> expected.add("/ksqldb/sql/" + f.getFileName()));

        assertThat(init.get("entrypoint")).isEqualTo(expected);
        assertThat(init.get("image")).isEqualTo(DockerImages.CURL);
        assertThat(FILES.read(FILES.compose()))
                .doesNotContain("ksql --file")
                .doesNotContain("KSQL_KSQL_FUNCTIONS_COLLECT__LIST_LIMIT");
    }

    @Test
    void whatTheDockerTierReliesOn() {
        // ComposeStackDockerIT reaches these fixed host ports; Testcontainers refuses container_name
        assertThat(service("kafka").get("ports")).isEqualTo(List.of("29092:29092"));
        assertThat(service("connect").get("ports")).isEqualTo(List.of("8083:8083"));
        assertThat(service("emulator").get("ports")).isEqualTo(List.of("8089:8089"));
        assertThat(service("ksqldb-server").get("ports")).isEqualTo(List.of("8088:8088"));
        SERVICES.keySet().forEach(name -> assertThat(service(name)).as(name).doesNotContainKey("container_name"));
        assertThat(String.join(" ", ComposeStackDockerIT.SERVICES))
                .isEqualTo("kafka topics-init emulator connect connector-init assembler ksqldb-server");
        assertThat(SERVICES.keySet()).containsAll(ComposeStackDockerIT.SERVICES);
    }

    private static String condition(String service, String dependency) {
        return String.valueOf(
                map(map(service(service).get("depends_on")).get(dependency)).get("condition"));
    }

    private static Map<String, Object> service(String name) {
        return map(SERVICES.get(name));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return o == null ? List.of() : (List<Object>) o;
    }
}
