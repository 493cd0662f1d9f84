package io.bedrockstream.connect.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Enumerated config values: how each is written in a config, and how a config value is read back. */
public final class Choice {
    private Choice() {
    }

    /** An enum whose constants are written in configs as {@link #configName()}. */
    public interface Named {
        String configName();
    }

    public static <E extends Enum<E> & Named> List<String> names(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Named::configName).toList();
    }

    /** Reads a value already checked by a {@link OneOf} validator, ignoring case. */
    public static <E extends Enum<E> & Named> E parse(Class<E> type, String value) {
        String wanted = value.trim().toLowerCase(Locale.ROOT);
        for (E e : type.getEnumConstants()) {
            if (e.configName().toLowerCase(Locale.ROOT).equals(wanted)) {
                return e;
            }
        }
        throw new IllegalArgumentException("Not one of " + names(type) + ": " + value);
    }

    public enum HttpProtocol implements Named {
        HTTP2, HTTP1_1;

        @Override
        public String configName() {
            return name();
        }
    }

    public enum CredentialsProvider implements Named {
        DEFAULT, STATIC, PROFILE, ASSUME_ROLE, API_KEY;

        @Override
        public String configName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public enum RequestMode implements Named {
        PASSTHROUGH, PROMPT, TEMPLATE;

        @Override
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum RequestIdSource implements Named {
        KEY, HEADER, FIELD, OFFSET;

        @Override
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum RequestOrdering implements Named {
        NONE, KEY;

        @Override
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum SetupErrorAction implements Named {
        DLQ, FAIL;

        @Override
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Values of {@code bedrock.trace}, as the InvokeModel API spells them. */
    public static final List<String> TRACE = List.of("ENABLED", "DISABLED", "ENABLED_FULL");
    /** Values of {@code bedrock.performance.latency}, as the InvokeModel API spells them. */
    public static final List<String> LATENCY = List.of("standard", "optimized");
    public static final List<String> API = List.of("invoke", "converse");
    public static final List<String> SERVICE_TIER = List.of("default", "priority", "flex", "reserved");
    public static final List<String> GUARDRAIL_STREAM_MODE = List.of("sync", "async");
}
