package io.bedrockstream.demo;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The table printed once every request has finished: one row per request, then totals. */
public final class SummaryTable {

    private static final String[] HEADERS = {
        "request", "model", "attempts", "chunks", "status", "first byte", "first chunk", "total", "tokens out", "tok/s"
    };

    private SummaryTable() {}

    public static void print(PrintStream out, List<RequestProgress> requests, long wallMillis) {
        List<String[]> rows = new ArrayList<>();
        for (RequestProgress p : requests) {
            rows.add(new String[] {
                p.request().id(),
                p.modelId(),
                p.attempts() == 0 ? "-" : String.valueOf(p.attempts()),
                String.valueOf(p.chunks()),
                switch (p.status()) {
                    case COMPLETE -> "complete";
                    case DEAD_LETTERED -> "dead-lettered";
                    case PENDING -> "unfinished";
                },
                millis(p.firstByteLatencyMs()),
                millis(p.firstChunkMs()),
                millis(p.totalMs()),
                p.outputTokens() == null ? "-" : String.valueOf(p.outputTokens()),
                p.tokensPerSecond() == null ? "-" : String.format(Locale.ROOT, "%.1f", p.tokensPerSecond())
            });
        }
        int[] widths = new int[HEADERS.length];
        for (int i = 0; i < HEADERS.length; i++) {
            widths[i] = HEADERS[i].length();
            for (String[] row : rows) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        out.println(format(HEADERS, widths));
        StringBuilder rule = new StringBuilder();
        for (int width : widths) {
            rule.append("-".repeat(width)).append("  ");
        }
        out.println(rule.toString().stripTrailing());
        rows.forEach(row -> out.println(format(row, widths)));

        long complete = requests.stream()
                .filter(p -> p.status() == RequestProgress.Status.COMPLETE)
                .count();
        long deadLettered = requests.stream()
                .filter(p -> p.status() == RequestProgress.Status.DEAD_LETTERED)
                .count();
        long chunks = requests.stream().mapToLong(RequestProgress::chunks).sum();
        long tokens = requests.stream()
                .filter(p -> p.outputTokens() != null)
                .mapToLong(RequestProgress::outputTokens)
                .sum();
        long completions =
                requests.stream().filter(RequestProgress::hasCompletionRecord).count();
        out.printf(
                Locale.ROOT,
                "total: %d requests, %d complete, %d dead-lettered; %d chunks, %d tokens out in %.1f s"
                        + " (%.1f tok/s overall); %d records on %s%n",
                requests.size(),
                complete,
                deadLettered,
                chunks,
                tokens,
                wallMillis / 1000.0,
                wallMillis <= 0 ? 0.0 : tokens * 1000.0 / wallMillis,
                completions,
                DemoConnectorConfig.COMPLETIONS_TOPIC);
        out.println("first byte = the model's first-byte latency as Bedrock reports it; first chunk / total = from"
                + " sending the request record to its first chunk / terminal record arriving here through Kafka.");
    }

    private static String millis(Long value) {
        return value == null ? "-" : value + " ms";
    }

    private static String format(String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            boolean numeric = i >= 2 && i != 4;
            String cell = cells[i];
            String pad = " ".repeat(widths[i] - cell.length());
            line.append(numeric ? pad + cell : cell + pad).append("  ");
        }
        return line.toString().stripTrailing();
    }
}
