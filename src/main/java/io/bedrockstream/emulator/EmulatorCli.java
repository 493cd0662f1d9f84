package io.bedrockstream.emulator;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Turns {@code --flag value} / {@code --flag=value} arguments and environment into options. */
final class EmulatorCli {

    static final String USAGE = """
            usage: BedrockEmulator [--port 8089] [--host 127.0.0.1] [--seed 42] [--words 24] [--per-chunk 3]
                                   [--ttft-ms 0] [--delay-ms 0] [--throttle-fraction 0] [--max-concurrent 0]
                                   [--tokens-per-minute 0] [--quota-window-ms 60000]
                                   [--access-key-id ID --secret-access-key SECRET] [--log-calls true|false]
                                   [--sts-roles ARN,ARN] [--sts-web-identity-tokens TOKEN,TOKEN]
                                   [--credential-lifetime-ms 3600000] [--api-keys KEY,KEY] [--tls=false]
              env EMULATOR_ACCESS_KEY_ID / EMULATOR_SECRET_ACCESS_KEY also turn on SigV4 verification;
              --api-keys (or env EMULATOR_API_KEYS) lists the Bedrock API keys bearer-token calls may use""";

    private EmulatorCli() {}

    static EmulatorOptions parse(String[] args, Map<String, String> env) {
        EmulatorOptions.Builder b =
                EmulatorOptions.builder().port(8089).logCalls(true).logToStdout(true);
        String accessKey = env.get("EMULATOR_ACCESS_KEY_ID");
        String secret = env.get("EMULATOR_SECRET_ACCESS_KEY");
        if (env.get("EMULATOR_API_KEYS") != null) {
            b.apiKeys(list(env.get("EMULATOR_API_KEYS")));
        }
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("missing value for " + arg);
            }
            try {
                switch (arg) {
                    case "--port" -> b.port(Integer.parseInt(value));
                    case "--host" -> b.host(value);
                    case "--seed" -> b.seed(Long.parseLong(value));
                    case "--words" -> b.words(Integer.parseInt(value));
                    case "--per-chunk" -> b.perChunk(Integer.parseInt(value));
                    case "--ttft-ms" -> b.ttftMs(Long.parseLong(value));
                    case "--delay-ms" -> b.delayMs(Long.parseLong(value));
                    case "--throttle-fraction" -> b.throttleFraction(Double.parseDouble(value));
                    case "--max-concurrent" -> b.maxConcurrentStreams(Integer.parseInt(value));
                    case "--tokens-per-minute" -> b.tokensPerMinute(Long.parseLong(value));
                    case "--quota-window-ms" -> b.quotaWindowMs(Long.parseLong(value));
                    case "--access-key-id" -> accessKey = value;
                    case "--secret-access-key" -> secret = value;
                    case "--log-calls" -> b.logCalls(Boolean.parseBoolean(value));
                    case "--sts-roles" -> b.stsRoles(list(value));
                    case "--sts-web-identity-tokens" -> b.webIdentityTokens(list(value));
                    case "--credential-lifetime-ms" -> b.credentialLifetime(Duration.ofMillis(Long.parseLong(value)));
                    case "--api-keys" -> b.apiKeys(list(value));
                    case "--tls" -> {
                        if (!value.equals("false")) {
                            throw new IllegalArgumentException("TLS is not supported; only --tls=false");
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown option " + arg);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad number for " + arg + ": " + value);
            }
        }
        if ((accessKey == null) != (secret == null)) {
            throw new IllegalArgumentException("give both the access key id and the secret access key, or neither");
        }
        return b.credentials(accessKey, secret).build();
    }

    private static Set<String> list(String value) {
        return Arrays.stream(value.split(","))
                .map(String::strip)
                .filter(v -> !v.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }
}
