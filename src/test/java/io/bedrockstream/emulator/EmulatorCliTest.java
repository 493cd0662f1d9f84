package io.bedrockstream.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EmulatorCliTest {

    @Test
    void parsesEveryFlagInBothForms() {
        EmulatorOptions o = EmulatorCli.parse(
                new String[] {
                    "--port",
                    "9000",
                    "--host=0.0.0.0",
                    "--seed",
                    "7",
                    "--ttft-ms",
                    "100",
                    "--delay-ms=5",
                    "--words",
                    "10",
                    "--per-chunk",
                    "2",
                    "--throttle-fraction",
                    "0.25",
                    "--max-concurrent",
                    "16",
                    "--tokens-per-minute",
                    "200000",
                    "--quota-window-ms=2000",
                    "--access-key-id",
                    "AK",
                    "--secret-access-key",
                    "SK",
                    "--tls=false"
                },
                Map.of());
        assertThat(o.port()).isEqualTo(9000);
        assertThat(o.host()).isEqualTo("0.0.0.0");
        assertThat(o.seed()).isEqualTo(7);
        assertThat(o.ttftMs()).isEqualTo(100);
        assertThat(o.delayMs()).isEqualTo(5);
        assertThat(o.words()).isEqualTo(10);
        assertThat(o.perChunk()).isEqualTo(2);
        assertThat(o.throttleFraction()).isEqualTo(0.25);
        assertThat(o.maxConcurrentStreams()).isEqualTo(16);
        assertThat(o.tokensPerMinute()).isEqualTo(200_000);
        assertThat(o.quotaWindowMs()).isEqualTo(2_000);
        assertThat(o.accessKeyId()).hasValue("AK");
        assertThat(o.verifiesSignatures()).isTrue();
        assertThat(o.logToStdout()).isTrue();
    }

    @Test
    void stsFlagsNameTheAssumableRolesTheValidTokensAndTheLifetime() {
        EmulatorOptions o = EmulatorCli.parse(
                new String[] {
                    "--sts-roles",
                    "arn:aws:iam::123456789012:role/a, arn:aws:iam::123456789012:role/b",
                    "--sts-web-identity-tokens=t1",
                    "--credential-lifetime-ms",
                    "1500"
                },
                Map.of());
        assertThat(o.stsRoles())
                .containsExactlyInAnyOrder("arn:aws:iam::123456789012:role/a", "arn:aws:iam::123456789012:role/b");
        assertThat(o.webIdentityTokens()).containsExactly("t1");
        assertThat(o.credentialLifetime()).isEqualTo(java.time.Duration.ofMillis(1500));
        EmulatorOptions defaults = EmulatorCli.parse(new String[0], Map.of());
        assertThat(defaults.stsRoles()).isEmpty();
        assertThat(defaults.webIdentityTokens()).isEmpty();
        assertThat(defaults.credentialLifetime()).isEqualTo(java.time.Duration.ofHours(1));
    }

    @Test
    void apiKeysComeFromTheFlagOrTheEnvironmentAndDefaultToAnyKey() {
        assertThat(EmulatorCli.parse(new String[] {"--api-keys", "ABSKone, bedrock-api-key-two"}, Map.of())
                        .apiKeys())
                .containsExactlyInAnyOrder("ABSKone", "bedrock-api-key-two");
        assertThat(EmulatorCli.parse(new String[0], Map.of("EMULATOR_API_KEYS", "ABSKenv"))
                        .apiKeys())
                .containsExactly("ABSKenv");
        assertThat(EmulatorCli.parse(new String[] {"--api-keys=ABSKflag"}, Map.of("EMULATOR_API_KEYS", "ABSKenv"))
                        .apiKeys())
                .containsExactly("ABSKflag");
        assertThat(EmulatorCli.parse(new String[0], Map.of()).apiKeys()).isEmpty();
        assertThat(EmulatorCli.USAGE).contains("--api-keys KEY,KEY");
    }

    @Test
    void defaultsToPort8089WithoutVerification() {
        EmulatorOptions o = EmulatorCli.parse(new String[0], Map.of());
        assertThat(o.port()).isEqualTo(8089);
        assertThat(o.host()).isEqualTo("127.0.0.1");
        assertThat(o.verifiesSignatures()).isFalse();
    }

    @Test
    void credentialsCanComeFromTheEnvironment() {
        EmulatorOptions o = EmulatorCli.parse(
                new String[0], Map.of("EMULATOR_ACCESS_KEY_ID", "AK", "EMULATOR_SECRET_ACCESS_KEY", "SK"));
        assertThat(o.secretAccessKey()).hasValue("SK");
    }

    @Test
    void rejectsTlsUnknownFlagsAndHalfCredentials() {
        assertThatThrownBy(() -> EmulatorCli.parse(new String[] {"--tls=true"}, Map.of()))
                .hasMessageContaining("TLS is not supported");
        assertThatThrownBy(() -> EmulatorCli.parse(new String[] {"--bogus", "1"}, Map.of()))
                .hasMessageContaining("unknown option --bogus");
        assertThatThrownBy(() -> EmulatorCli.parse(new String[] {"--access-key-id", "AK"}, Map.of()))
                .hasMessageContaining("both");
        assertThatThrownBy(() -> EmulatorCli.parse(new String[] {"--port", "x"}, Map.of()))
                .hasMessageContaining("bad number for --port");
    }
}
