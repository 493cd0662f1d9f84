package io.bedrockstream.docker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A ksqlDB script split into the requests its statements become on ksqlDB's REST API (POST /ksql takes one
 * statement per request here, so that each answer belongs to one statement). The same rules as the awk in
 * docker/ksqldb/run-statements.sh, which docker-compose's ksqldb-init runs; KsqlSetupScriptTest checks that both
 * split the project's files alike.
 *
 * <p>A statement ends with ';' outside single quotes, back-quoted identifiers and comments. {@code --} comments
 * run to the end of the line, block comments become one space; then trailing blanks and blank lines are dropped
 * and leading blanks trimmed. {@code SET 'key' = 'value'} and {@code UNSET 'key'} are not sent: like the ksqlDB
 * CLI, they change the properties sent with every later statement of the script.
 */
public final class KsqlStatements {

    private static final Pattern SET = Pattern.compile("SET '([^']*)' ?= ?'([^']*)' ?;", Pattern.CASE_INSENSITIVE);
    private static final Pattern UNSET = Pattern.compile("UNSET '([^']*)' ?;", Pattern.CASE_INSENSITIVE);
    private static final Pattern CREATE = Pattern.compile(
            "CREATE (?:OR REPLACE )?(?:SOURCE )?(?:STREAM|TABLE) (?:IF NOT EXISTS )?([A-Z_][A-Z0-9_]*).*",
            Pattern.DOTALL);
    private static final Pattern BLANKS = Pattern.compile("[ \\t\\n]+");

    /**
     * One request.
     *
     * @param sql        the statement, ending with ';'
     * @param properties the properties SET before it in the same script, in the order they were first set
     * @param creates    the stream or table it creates, upper case, when its name is not quoted
     */
    public record Statement(String sql, Map<String, String> properties, Optional<String> creates) {
        /** The statement on one line, blanks collapsed, as logs and assertion messages show it. */
        public String summary() {
            String flat = flatten(sql);
            return flat.length() <= 120 ? flat : flat.substring(0, 120);
        }
    }

    private KsqlStatements() {}

    public static List<Statement> parse(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** @throws IllegalArgumentException when the script ends inside a quote or comment, or without a ';' */
    public static List<Statement> parse(String script) {
        List<Statement> statements = new ArrayList<>();
        Map<String, String> properties = new LinkedHashMap<>();
        StringBuilder buf = new StringBuilder();
        char state = 'n'; // n: SQL, q: 'string', t: `identifier`, l: -- comment, b: /* comment */
        String text = script.replace("\r", "");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
            switch (state) {
                case 'n' -> {
                    if (c == '-' && next == '-') {
                        state = 'l';
                        i++;
                    } else if (c == '/' && next == '*') {
                        state = 'b';
                        buf.append(' ');
                        i++;
                    } else {
                        buf.append(c);
                        if (c == '\'') {
                            state = 'q';
                        } else if (c == '`') {
                            state = 't';
                        } else if (c == ';') {
                            finish(buf, properties, statements);
                        }
                    }
                }
                case 'l' -> {
                    if (c == '\n') {
                        buf.append(c);
                        state = 'n';
                    }
                }
                case 'b' -> {
                    if (c == '*' && next == '/') {
                        state = 'n';
                        i++;
                    }
                }
                default -> {
                    buf.append(c);
                    if ((state == 'q' && c == '\'') || (state == 't' && c == '`')) {
                        state = 'n';
                    }
                }
            }
        }
        if (state == 'q' || state == 't' || state == 'b') {
            throw new IllegalArgumentException("unterminated quote or comment at the end of the script");
        }
        if (!buf.toString().isBlank()) {
            throw new IllegalArgumentException(
                    "a statement without its closing ; at the end of the script: " + flatten(buf.toString()));
        }
        return List.copyOf(statements);
    }

    private static void finish(StringBuilder buf, Map<String, String> properties, List<Statement> statements) {
        List<String> lines = new ArrayList<>();
        for (String line : buf.toString().split("\n", -1)) {
            String kept = line.replaceFirst("[ \\t]+$", "");
            if (!kept.isBlank()) {
                lines.add(kept);
            }
        }
        buf.setLength(0);
        String sql = String.join("\n", lines).replaceFirst("^[ \\t]+", "");
        String flat = flatten(sql);
        if (flat.equals(";")) {
            return;
        }
        Matcher set = SET.matcher(flat);
        if (set.matches()) {
            properties.put(set.group(1), set.group(2));
            return;
        }
        Matcher unset = UNSET.matcher(flat);
        if (unset.matches()) {
            properties.remove(unset.group(1));
            return;
        }
        Matcher create = CREATE.matcher(flat.toUpperCase(Locale.ROOT));
        Optional<String> creates = create.matches() ? Optional.of(create.group(1)) : Optional.empty();
        statements.add(new Statement(sql, Collections.unmodifiableMap(new LinkedHashMap<>(properties)), creates));
    }

    private static String flatten(String sql) {
        return BLANKS.matcher(sql).replaceAll(" ").strip();
    }
}
