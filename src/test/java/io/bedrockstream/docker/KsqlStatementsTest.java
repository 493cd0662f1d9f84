package io.bedrockstream.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bedrockstream.docker.KsqlStatements.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KsqlStatementsTest {

    @Test
    void semicolonsInCommentsQuotesAndBackQuotesDoNotEndAStatement() {
        List<Statement> statements = KsqlStatements.parse("""
                -- a comment; with a semicolon
                CREATE STREAM s (a VARCHAR KEY,   -- trailing; comment
                  `b;c` VARCHAR /* block; comment */) WITH (KAFKA_TOPIC = 'x;y');

                SELECT 'it''s; fine' FROM s;""");

        assertThat(statements)
                .extracting(Statement::sql)
                .containsExactly(
                        "CREATE STREAM s (a VARCHAR KEY,\n  `b;c` VARCHAR  ) WITH (KAFKA_TOPIC = 'x;y');",
                        "SELECT 'it''s; fine' FROM s;");
        assertThat(statements.get(0).creates()).contains("S");
        assertThat(statements.get(1).creates()).isEmpty();
    }

    @Test
    void setAndUnsetAreNotSentButApplyToTheLaterStatements() {
        List<Statement> statements = KsqlStatements.parse("""
                CREATE STREAM a (x INT) WITH (KAFKA_TOPIC = 'a');
                SET 'auto.offset.reset' = 'earliest';
                set 'ksql.streams.num.stream.threads'='2';
                CREATE OR REPLACE TABLE IF NOT EXISTS b AS SELECT x, COUNT(*) AS n FROM a GROUP BY x;
                UNSET 'auto.offset.reset';
                CREATE SOURCE STREAM IF NOT EXISTS c (x INT) WITH (KAFKA_TOPIC = 'c');
                """);

        assertThat(statements)
                .extracting(Statement::properties)
                .containsExactly(
                        Map.of(),
                        Map.of("auto.offset.reset", "earliest", "ksql.streams.num.stream.threads", "2"),
                        Map.of("ksql.streams.num.stream.threads", "2"));
        assertThat(statements)
                .extracting(Statement::creates)
                .containsExactly(Optional.of("A"), Optional.of("B"), Optional.of("C"));
    }

    @Test
    void aStatementWithoutItsSemicolonOrAnOpenQuoteIsAnError() {
        assertThatThrownBy(
                        () -> KsqlStatements.parse("CREATE STREAM a (x INT) WITH (KAFKA_TOPIC = 'a');\nDROP STREAM a"))
                .hasMessageContaining("without its closing ;")
                .hasMessageContaining("DROP STREAM a");
        assertThatThrownBy(() -> KsqlStatements.parse("SELECT 'open;")).hasMessageContaining("unterminated");
        assertThat(KsqlStatements.parse("  ;\n-- only a comment\n")).isEmpty();
    }

    @Test
    void theProjectsFilesCreateTheChunkAndCompletionStreamsThenTheAnswersTable() {
        ProjectFiles files = ProjectFiles.locate();

        assertThat(files.ksqlStatements())
                .extracting(s -> s.creates().orElse("-"))
                .containsExactly("BEDROCK_CHUNKS", "BEDROCK_COMPLETIONS", "BEDROCK_ANSWERS");
        assertThat(files.ksqlStatements())
                .allSatisfy(s -> assertThat(s.properties()).containsEntry("auto.offset.reset", "earliest"));
        assertThat(files.ksqlStatements().get(0).summary()).startsWith("CREATE STREAM IF NOT EXISTS bedrock_chunks (");
    }
}
