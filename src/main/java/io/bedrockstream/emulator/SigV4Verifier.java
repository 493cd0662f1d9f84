package io.bedrockstream.emulator;

import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks AWS Signature Version 4 on a request. Written from the SigV4 spec: the canonical URI is the
 * path as sent, URI-encoded once more per segment (the SDK double-encodes for every service but S3).
 */
final class SigV4Verifier {

    static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final HexFormat HEX = HexFormat.of();

    private SigV4Verifier() {}

    /**
     * The outcome of a check: {@code error} is empty when the request is acceptable, else the §3-style error
     * code to refuse it with; {@code temporary} names the STS-issued credentials it was signed with, if any.
     */
    record Verdict(Optional<String> error, Optional<TemporaryCredentials.Issued> temporary) {
        static Verdict ok(TemporaryCredentials.Issued temporary) {
            return new Verdict(Optional.empty(), Optional.ofNullable(temporary));
        }

        static Verdict refused(String code) {
            return new Verdict(Optional.of(code), Optional.empty());
        }
    }

    /** Checks against the configured key pair only (no STS-issued credentials are known). */
    static Optional<String> check(
            EmulatorOptions options, String method, String uri, HttpHeaders headers, byte[] body) {
        return check(options, null, method, uri, headers, body).error();
    }

    /**
     * Credentials issued by the emulated STS are always verified, session token and expiry included; other keys
     * only when the options name a key pair to verify against (else any SigV4-signed request passes).
     */
    static Verdict check(
            EmulatorOptions options,
            TemporaryCredentials issued,
            String method,
            String uri,
            HttpHeaders headers,
            byte[] body) {
        String authorization = headers.get("Authorization");
        if (authorization == null || !authorization.startsWith(ALGORITHM + " ")) {
            return Verdict.refused("MissingAuthenticationTokenException");
        }
        String credential = param(authorization, "Credential");
        String[] scopeParts = credential == null ? new String[0] : credential.split("/");
        TemporaryCredentials.Issued temporary = issued == null || scopeParts.length != 5
                ? null
                : issued.find(scopeParts[0]).orElse(null);
        String secret;
        if (temporary != null) {
            String token = headers.get("X-Amz-Security-Token");
            if (token == null
                    || !MessageDigest.isEqual(
                            token.getBytes(StandardCharsets.UTF_8),
                            temporary.sessionToken().getBytes(StandardCharsets.UTF_8))) {
                return Verdict.refused("UnrecognizedClientException");
            }
            if (temporary.expiredAt(issued.now())) {
                return Verdict.refused("ExpiredTokenException");
            }
            secret = temporary.secretAccessKey();
        } else if (!options.verifiesSignatures()) {
            return Verdict.ok(null);
        } else if (scopeParts.length == 5
                && scopeParts[0].equals(options.accessKeyId().orElseThrow())) {
            secret = options.secretAccessKey().orElseThrow();
        } else if (credential == null) {
            return Verdict.refused("IncompleteSignatureException");
        } else {
            return Verdict.refused("UnrecognizedClientException");
        }
        String signedHeaders = param(authorization, "SignedHeaders");
        String signature = param(authorization, "Signature");
        if (signedHeaders == null || signature == null) {
            return Verdict.refused("IncompleteSignatureException");
        }
        String amzDate = headers.get("X-Amz-Date");
        if (amzDate == null) {
            return Verdict.refused("IncompleteSignatureException");
        }
        String payloadHash = headers.get("x-amz-content-sha256");
        String bodyHash = HEX.formatHex(sha256(body));
        if (payloadHash == null) {
            payloadHash = bodyHash;
        } else if (!payloadHash.equals("UNSIGNED-PAYLOAD") && !payloadHash.equals(bodyHash)) {
            return Verdict.refused("InvalidSignatureException");
        }
        String canonicalRequest = canonicalRequest(method, uri, headers, signedHeaders, payloadHash);
        String scope = String.join("/", scopeParts[1], scopeParts[2], scopeParts[3], scopeParts[4]);
        String stringToSign = ALGORITHM + "\n" + amzDate + "\n" + scope + "\n"
                + HEX.formatHex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), scopeParts[1]);
        key = hmac(key, scopeParts[2]);
        key = hmac(key, scopeParts[3]);
        key = hmac(key, scopeParts[4]);
        String expected = HEX.formatHex(hmac(key, stringToSign));
        return MessageDigest.isEqual(
                        expected.getBytes(StandardCharsets.US_ASCII), signature.getBytes(StandardCharsets.US_ASCII))
                ? Verdict.ok(temporary)
                : Verdict.refused("InvalidSignatureException");
    }

    static String canonicalRequest(
            String method, String uri, HttpHeaders headers, String signedHeaders, String payloadHash) {
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        String query = q < 0 ? "" : uri.substring(q + 1);
        StringBuilder canonical = new StringBuilder();
        canonical.append(method).append('\n');
        canonical.append(canonicalPath(path)).append('\n');
        canonical.append(canonicalQuery(query)).append('\n');
        for (String name : signedHeaders.split(";")) {
            List<String> values = headers.getAll(name);
            List<String> trimmed = new ArrayList<>();
            for (String v : values) {
                trimmed.add(v.strip().replaceAll("\\s+", " "));
            }
            canonical
                    .append(name.toLowerCase(Locale.ROOT))
                    .append(':')
                    .append(String.join(",", trimmed))
                    .append('\n');
        }
        canonical.append('\n').append(signedHeaders).append('\n').append(payloadHash);
        return canonical.toString();
    }

    private static String canonicalPath(String path) {
        if (path.isEmpty()) {
            return "/";
        }
        StringBuilder out = new StringBuilder();
        String[] segments = path.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                out.append('/');
            }
            out.append(encode(segments[i]));
        }
        return out.toString();
    }

    private static String canonicalQuery(String query) {
        if (query.isEmpty()) {
            return "";
        }
        List<String> pairs = new ArrayList<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            pairs.add(encode(decode(name)) + "=" + encode(decode(value)));
        }
        pairs.sort(null);
        return String.join("&", pairs);
    }

    /** RFC 3986 encoding: everything but unreserved characters, as SigV4 requires. */
    static String encode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if ((c >= 'A' && c <= 'Z')
                    || (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '_'
                    || c == '.'
                    || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xFF));
            }
        }
        return out.toString();
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String param(String authorization, String name) {
        for (String part : authorization.substring(ALGORITHM.length()).split(",")) {
            String p = part.strip();
            if (p.startsWith(name + "=")) {
                return p.substring(name.length() + 1);
            }
        }
        return null;
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
