package io.bedrockstream.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bedrockstream.docker.FakeKsqlDb.Reply;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Java client of the docker tier judges ksqlDB's answers as run-statements.sh does (both against
 * {@link FakeKsqlDb}), and reads /query answers in the shape ksqlDB 0.29 sends them.
 */
class KsqlRestTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theProjectsStatementsAreAcceptedOneByOneAndListed() throws Exception {
        try (FakeKsqlDb fake = new FakeKsqlDb()) {
            KsqlRest ksql = new KsqlRest(fake.uri());
            for (KsqlStatements.Statement s : ProjectFiles.locate().ksqlStatements()) {
                ksql.execute(s);
            }

            assertThat(fake.statementRequests())
                    .extracting(r -> r.path("commandSequenceNumber").asText("-"))
                    .containsExactly("-", "10", "11");
            assertThat(ksql.names("LIST STREAMS;"))
                    .containsExactly("BEDROCK_CHUNKS", "BEDROCK_COMPLETIONS", "BEDROCK_ANSWERS");
        }
    }

    @Test
    void aRejectedStatementFailsWithTheServersMessageAndAnExistingObjectDoesNot() throws Exception {
        List<KsqlStatements.Statement> statements = ProjectFiles.locate().ksqlStatements();
        try (FakeKsqlDb fake = new FakeKsqlDb().answering(sql -> Reply.REJECTED)) {
            assertThatThrownBy(() -> new KsqlRest(fake.uri()).execute(statements.get(0)))
                    .hasMessageContaining("CREATE STREAM IF NOT EXISTS bedrock_chunks")
                    .hasMessageContaining("rejected (HTTP 400): Invalid statement: the fake says no");
        }
        try (FakeKsqlDb fake = new FakeKsqlDb().answering(sql -> Reply.ALREADY_EXISTS)) {
            new KsqlRest(fake.uri()).execute(statements.get(0));
        }
    }

    @Test
    void commandsThatFailedOrAnswersOfAnotherKindAreProblems() throws Exception {
        JsonNode failed = JSON.readTree(
                "[{\"@type\":\"currentStatus\",\"commandStatus\":" + "{\"status\":\"ERROR\",\"message\":\"boom\"}}]");
        JsonNode queued = JSON.readTree("[{\"@type\":\"currentStatus\",\"commandStatus\":{\"status\":\"QUEUED\"}}]");
        JsonNode other = JSON.readTree("[{\"@type\":\"warning_entity\",\"message\":\"something else\"}]");

        assertThat(KsqlRest.problem(new KsqlRest.Answer(200, failed))).contains("the command failed: boom");
        assertThat(KsqlRest.problem(new KsqlRest.Answer(200, queued))).isEmpty();
        assertThat(KsqlRest.problem(new KsqlRest.Answer(200, other)))
                .get()
                .asString()
                .startsWith("unexpected");
        assertThat(KsqlRest.problem(new KsqlRest.Answer(503, JSON.nullNode())))
                .get()
                .asString()
                .startsWith("HTTP 503");
    }

    @Test
    void pullQueryRowsAreTheColumnsOfEachRowAndStructFieldsMatchWithoutCase() throws Exception {
        JsonNode answer = JSON.readTree("[{\"header\":{\"queryId\":\"q1\",\"schema\":\"`REQUEST_ID` STRING KEY, "
                + "`ANSWER` STRUCT<`TEXT` STRING, `ATTEMPTS` INTEGER>\"}},"
                + "{\"row\":{\"columns\":[\"req-1\",{\"TEXT\":\"Hello\",\"ATTEMPTS\":2}]}}]");

        List<JsonNode> rows = KsqlRest.rows(answer);

        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get(0).asText()).isEqualTo("req-1");
        assertThat(KsqlRest.field(rows.get(0).get(1), "text").asText()).isEqualTo("Hello");
        assertThat(KsqlRest.field(rows.get(0).get(1), "attempts").asInt()).isEqualTo(2);
        assertThatThrownBy(() -> KsqlRest.rows(JSON.readTree("[{\"errorMessage\":{\"message\":\"no\"}}]")))
                .hasMessageContaining("the query failed");
    }
}
