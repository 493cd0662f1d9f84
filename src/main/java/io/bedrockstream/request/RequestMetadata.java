package io.bedrockstream.request;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code request.metadata}: key/value pairs sent with every call (Bedrock's {@code requestMetadata}, for cost
 * attribution and invocation-log filters), some taken from record headers. Bedrock's limits: at most 16 pairs,
 * keys 1–256 and values 0–256 characters of letters, digits, whitespace and {@code :_@$#=/+,-.}.
 */
public final class RequestMetadata {
    public static final int MAX_PAIRS = 16;
    private static final Pattern KEY = Pattern.compile("[a-zA-Z0-9\\s:_@$#=/+,.-]{1,256}");
    private static final Pattern VALUE = Pattern.compile("[a-zA-Z0-9\\s:_@$#=/+,.-]{0,256}");

    private RequestMetadata() {}

    /** Parses {@code key=value} entries; throws with the entry named if one has no '='. */
    public static Map<String, String> parse(List<String> entries, String configKey) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String e : entries) {
            if (e == null || e.isBlank()) {
                continue;
            }
            int eq = e.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(configKey + " entries are key=value, got '" + e + "'");
            }
            out.put(e.substring(0, eq).trim(), e.substring(eq + 1).trim());
        }
        return out;
    }

    /** Problems with the configured pairs: counts, key and value patterns. */
    public static List<String> problems(Map<String, String> fixed, Map<String, String> fromHeaders) {
        List<String> problems = new ArrayList<>();
        if (fixed.size() + fromHeaders.size() > MAX_PAIRS) {
            problems.add(RequestMappingSettings.METADATA_KEY + " and " + RequestMappingSettings.METADATA_HEADERS_KEY
                    + " name " + (fixed.size() + fromHeaders.size()) + " keys; Bedrock takes at most " + MAX_PAIRS);
        }
        for (Map.Entry<String, String> e : fixed.entrySet()) {
            keyProblem(e.getKey(), RequestMappingSettings.METADATA_KEY, problems);
            if (!VALUE.matcher(e.getValue()).matches()) {
                problems.add(RequestMappingSettings.METADATA_KEY + " value of '" + e.getKey() + "' must be at most "
                        + "256 letters, digits, spaces or :_@$#=/+,-.");
            }
        }
        fromHeaders.keySet().forEach(k -> keyProblem(k, RequestMappingSettings.METADATA_HEADERS_KEY, problems));
        return problems;
    }

    private static void keyProblem(String key, String configKey, List<String> problems) {
        if (!KEY.matcher(key).matches()) {
            problems.add(configKey + " key '" + key + "' must be 1 to 256 letters, digits, spaces or :_@$#=/+,-.");
        }
    }

    /** Whether a header's value may be sent as a metadata value. */
    static boolean validValue(String value) {
        return VALUE.matcher(value).matches();
    }
}
