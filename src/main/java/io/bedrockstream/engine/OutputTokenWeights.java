package io.bedrockstream.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How many quota tokens one output token burns, per model: Bedrock's "burndown rate" (5 for Claude Sonnet 4,
 * Opus 4 and later Claude models; 1 for the rest). Written {@code pattern:weight,pattern:weight}; a pattern is a
 * model id where {@code *} matches any run of characters, matched against the whole model id the connector calls
 * (so {@code *anthropic.claude-sonnet-4*} also matches the {@code us.} inference profile); the entry's weight is
 * after its last colon (model ids have colons: {@code anthropic.claude-3-haiku-20240307-v1:0:2}); the first matching
 * entry wins; a model no entry matches weighs 1. Immutable.
 */
public final class OutputTokenWeights {
    public static final OutputTokenWeights NONE = new OutputTokenWeights(List.of(), "");
    /**
     * Bedrock's documented burndown ("How tokens are counted in Amazon Bedrock"): 5 for Claude 3.7 Sonnet, Claude
     * Sonnet 4 and Claude Opus 4 (4.x included), as the emulator's quota applies it; the connector's default.
     */
    public static final String BEDROCK_BURNDOWN =
            "*anthropic.claude-3-7-sonnet*:5,*anthropic.claude-sonnet-4*:5,*anthropic.claude-opus-4*:5";

    private record Entry(String pattern, Pattern regex, double weight) {}

    private final List<Entry> entries;
    private final String text;

    private OutputTokenWeights(List<Entry> entries, String text) {
        this.entries = entries;
        this.text = text;
    }

    /**
     * @throws IllegalArgumentException naming the bad entry: no colon, an empty pattern, or a weight that is not a
     *                                  number from 1 to 100
     */
    public static OutputTokenWeights parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return NONE;
        }
        List<Entry> entries = new ArrayList<>();
        for (String raw : spec.split(",")) {
            String entry = raw.strip();
            if (entry.isEmpty()) {
                continue;
            }
            int colon = entry.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(
                        "'" + entry + "' is not pattern:weight (e.g. " + "anthropic.claude-sonnet-4*:5)");
            }
            String pattern = entry.substring(0, colon).strip();
            String number = entry.substring(colon + 1).strip();
            double weight;
            try {
                weight = Double.parseDouble(number);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + entry + "': the weight '" + number + "' is not a number");
            }
            if (pattern.isEmpty()) {
                throw new IllegalArgumentException("'" + entry + "': the model pattern is empty");
            }
            if (!(weight >= 1 && weight <= 100)) {
                throw new IllegalArgumentException("'" + entry + "': the weight must be from 1 to 100");
            }
            entries.add(new Entry(pattern, glob(pattern), weight));
        }
        return entries.isEmpty() ? NONE : new OutputTokenWeights(List.copyOf(entries), spec.strip());
    }

    private static Pattern glob(String pattern) {
        StringBuilder re = new StringBuilder();
        String[] parts = pattern.toLowerCase(Locale.ROOT).split("\\*", -1);
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                re.append(".*");
            }
            re.append(Pattern.quote(parts[i]));
        }
        return Pattern.compile(re.toString());
    }

    /** The weight of {@code modelId}'s output tokens: the first matching entry's, else 1. Case-insensitive. */
    public double weight(String modelId) {
        if (entries.isEmpty() || modelId == null) {
            return 1;
        }
        String id = modelId.toLowerCase(Locale.ROOT);
        for (Entry e : entries) {
            if (e.regex.matcher(id).matches()) {
                return e.weight;
            }
        }
        return 1;
    }

    @Override
    public String toString() {
        return text;
    }
}
