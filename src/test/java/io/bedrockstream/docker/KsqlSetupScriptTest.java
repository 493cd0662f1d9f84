package io.bedrockstream.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bedrockstream.docker.FakeKsqlDb.Reply;
import io.bedrockstream.docker.KsqlStatements.Statement;
import io.bedrockstream.docker.ShellScript.Shell;
import io.bedrockstream.testkit.ProjectLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * docker/ksqldb/run-statements.sh, which docker-compose's ksqldb-init runs on curlimages/curl, against a fake
 * ksqlDB on this machine: it sends the project's statements one per request exactly as {@link KsqlStatements}
 * splits them (what ComposeStackDockerIT sends to the real server), and it fails, naming the statement, on
 * everything the ksqlDB CLI would have let pass. Runs with the host's sh and tools, and with busybox alone
 * where busybox is installed (curlimages/curl is Alpine: busybox sh, awk and grep).
 */
class KsqlSetupScriptTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ProjectLayout PROJECT = ProjectLayout.locate();
    private static final Path SCRIPT = PROJECT.baseDir().resolve("docker/ksqldb/run-statements.sh");
    private static final List<Path> FILES = List.of(
            PROJECT.baseDir().resolve("config/ksqldb/01-streams.sql"),
            PROJECT.baseDir().resolve("config/ksqldb/02-answers.sql"));

    @TempDir
    Path scratch;

    @ParameterizedTest
    @EnumSource(Shell.class)
    void sendsEachStatementAloneWithTheFilesPropertiesAsKsqlStatementsSplitsThem(Shell shell) throws Exception {
        try (FakeKsqlDb ksql = new FakeKsqlDb()) {
            ShellScript.Result result = run(shell, ksql, FILES);

            assertThat(result.exitCode()).as(result.output()).isZero();
            List<Statement> expected = new ArrayList<>();
            FILES.forEach(f -> expected.addAll(KsqlStatements.parse(f)));
            assertThat(expected).hasSize(3);
            assertThat(ksql.statementRequests())
                    .extracting(r -> r.path("ksql").asText())
                    .containsExactlyElementsOf(
                            expected.stream().map(Statement::sql).toList());
            for (int i = 0; i < expected.size(); i++) {
                JsonNode request = ksql.statementRequests().get(i);
                assertThat(JSON.convertValue(request.path("streamsProperties"), Map.class))
                        .isEqualTo(expected.get(i).properties());
                // each statement waits for the command the one before it queued (the fake numbers them from 10)
                assertThat(request.has("commandSequenceNumber")).isEqualTo(i > 0);
                if (i > 0) {
                    assertThat(request.path("commandSequenceNumber").asLong()).isEqualTo(10 + i - 1);
                }
            }
            assertThat(result.output())
                    .contains(
                            "ksqlDB set-up done: 3 statements",
                            "BEDROCK_CHUNKS",
                            "BEDROCK_COMPLETIONS",
                            "BEDROCK_ANSWERS");
        }
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void stopsAtTheFirstRejectedStatementNamingItAndQuotingTheServer(Shell shell) throws Exception {
        try (FakeKsqlDb ksql = new FakeKsqlDb()
                .answering(sql -> sql.contains("bedrock_completions (") ? Reply.REJECTED : Reply.SUCCESS)) {
            ShellScript.Result result = run(shell, ksql, FILES);

            assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
            assertThat(result.output())
                    .contains(
                            "ksqlDB rejected statement 2",
                            "CREATE STREAM IF NOT EXISTS bedrock_completions",
                            "the fake says no");
            assertThat(ksql.statementRequests())
                    .as("nothing is sent after the rejected statement")
                    .hasSize(2);
        }
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void objectsThatExistAlreadyCountAsDoneSoTheSetUpCanRunAgain(Shell shell) throws Exception {
        try (FakeKsqlDb ksql = new FakeKsqlDb().answering(sql -> Reply.ALREADY_EXISTS)) {
            ShellScript.Result result = run(shell, ksql, FILES);

            assertThat(result.exitCode()).as(result.output()).isZero();
            assertThat(result.output()).contains("exists  CREATE TABLE IF NOT EXISTS bedrock_answers");
        }
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void anAcceptedStatementWhoseObjectNeverAppearsFails(Shell shell) throws Exception {
        try (FakeKsqlDb ksql = new FakeKsqlDb().forgettingWhatItCreates()) {
            ShellScript.Result result = run(shell, ksql, FILES);

            assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
            assertThat(result.output()).contains("do not exist: BEDROCK_CHUNKS BEDROCK_COMPLETIONS BEDROCK_ANSWERS");
        }
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void aPersistentQueryInStateErrorFails(Shell shell) throws Exception {
        try (FakeKsqlDb ksql = new FakeKsqlDb()
                .answering(sql -> sql.contains("bedrock_answers") ? Reply.QUERY_FAILS : Reply.SUCCESS)) {
            ShellScript.Result result = run(shell, ksql, FILES);

            assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
            assertThat(result.output()).contains("a persistent query is in state ERROR");
        }
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void aStatementWithoutItsSemicolonFailsBeforeAnythingIsSent(Shell shell) throws Exception {
        Path bad = scratch.resolve("bad.sql");
        Files.writeString(
                bad,
                "-- a comment; not a statement\nCREATE STREAM s (a INT) WITH (KAFKA_TOPIC = 't');\n"
                        + "CREATE STREAM t (a INT) WITH (KAFKA_TOPIC = 't')\n",
                StandardCharsets.UTF_8);
        try (FakeKsqlDb ksql = new FakeKsqlDb()) {
            ShellScript.Result result = run(shell, ksql, List.of(bad));

            assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
            assertThat(result.output()).contains("without its closing ;");
            assertThat(ksql.statementRequests()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void noHealthyServerFails(Shell shell) throws Exception {
        try (FakeKsqlDb ksql = new FakeKsqlDb().unhealthy()) {
            ShellScript.Result result = run(shell, ksql, FILES);

            assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
            assertThat(result.output()).contains("no healthy ksqlDB");
            assertThat(ksql.statementRequests()).isEmpty();
        }
    }

    private ShellScript.Result run(Shell shell, FakeKsqlDb ksql, List<Path> files) throws Exception {
        ShellScript.require("curl", "the script calls ksqlDB with curl");
        return ShellScript.run(
                shell,
                "sh",
                SCRIPT,
                files.stream().map(Path::toString).toList(),
                Map.of("KSQL_URL", ksql.uri().toString(), "KSQL_WAIT_TRIES", "1", "KSQL_CHECK_TRIES", "1"),
                scratch);
    }
}
