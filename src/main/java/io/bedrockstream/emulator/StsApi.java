package io.bedrockstream.emulator;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The two STS actions credential providers call, in STS's query protocol: a form-encoded {@code POST /}
 * answered with XML. {@code AssumeRole} must be SigV4-signed (by the configured key pair when the emulator
 * verifies signatures); {@code AssumeRoleWithWebIdentity} is unsigned and carries the token instead. Both
 * issue temporary credentials that the Bedrock routes then accept until they expire.
 */
final class StsApi {

    static final String NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

    private final EmulatorState state;

    StsApi(EmulatorState state) {
        this.state = state;
    }

    /** Whether a request is meant for STS: a form POST to the root path. */
    static boolean isStsRequest(FullHttpRequest request, String path) {
        String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        return path.equals("/") && contentType.startsWith("application/x-www-form-urlencoded");
    }

    void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        byte[] body = ByteBufUtil.getBytes(request.content());
        Map<String, String> form = parseForm(new String(body, StandardCharsets.UTF_8));
        String action = form.getOrDefault("Action", "");
        EmulatorOptions options = state.options();
        switch (action) {
            case "AssumeRole" -> {
                SigV4Verifier.Verdict verdict = SigV4Verifier.check(
                        options,
                        state.temporaryCredentials,
                        request.method().name(),
                        request.uri(),
                        request.headers(),
                        body);
                if (verdict.error().isPresent()) {
                    refuse(ctx, request, action, signatureError(verdict.error().get()));
                    return;
                }
                assume(ctx, request, action, form.get("RoleArn"), form.get("RoleSessionName"));
            }
            case "AssumeRoleWithWebIdentity" -> {
                String token = form.get("WebIdentityToken");
                if (token == null || token.isBlank()) {
                    refuse(
                            ctx,
                            request,
                            action,
                            new StsError(
                                    400,
                                    "Sender",
                                    "ValidationError",
                                    "1 validation error detected: Value null at 'webIdentityToken' failed to satisfy "
                                            + "constraint: Member must not be null"));
                    return;
                }
                if (!options.webIdentityTokens().isEmpty()
                        && !options.webIdentityTokens().contains(token.strip())) {
                    refuse(
                            ctx,
                            request,
                            action,
                            new StsError(
                                    400,
                                    "Sender",
                                    "InvalidIdentityToken",
                                    "The web identity token that was passed could not be validated by AWS. Get a new "
                                            + "identity token from the identity provider and then retry the request."));
                    return;
                }
                assume(ctx, request, action, form.get("RoleArn"), form.get("RoleSessionName"));
            }
            default ->
                refuse(
                        ctx,
                        request,
                        action.isEmpty() ? "(none)" : action,
                        new StsError(
                                400,
                                "Sender",
                                "InvalidAction",
                                "Could not find operation " + action + " for version "
                                        + form.getOrDefault("Version", "(none)")));
        }
    }

    private void assume(
            ChannelHandlerContext ctx, FullHttpRequest request, String action, String roleArn, String sessionName) {
        if (roleArn == null || !roleArn.matches("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+")) {
            refuse(
                    ctx,
                    request,
                    action,
                    new StsError(
                            400,
                            "Sender",
                            "ValidationError",
                            "1 validation error detected: Value '" + roleArn
                                    + "' at 'roleArn' failed to satisfy constraint"));
            return;
        }
        if (sessionName == null || !sessionName.matches("[\\w+=,.@-]{2,64}")) {
            refuse(
                    ctx,
                    request,
                    action,
                    new StsError(
                            400,
                            "Sender",
                            "ValidationError",
                            "1 validation error detected: Value '" + sessionName
                                    + "' at 'roleSessionName' failed to satisfy constraint"));
            return;
        }
        EmulatorOptions options = state.options();
        if (!options.stsRoles().isEmpty() && !options.stsRoles().contains(roleArn)) {
            refuse(
                    ctx,
                    request,
                    action,
                    new StsError(
                            403,
                            "Sender",
                            "AccessDenied",
                            "User: arn:aws:iam::000000000000:user/emulator-caller is not authorized to perform: sts:"
                                    + action + " on resource: " + roleArn));
            return;
        }
        TemporaryCredentials.Issued c =
                state.temporaryCredentials.issue(roleArn, sessionName, options.credentialLifetime(), action);
        String account = roleArn.split(":")[4];
        String roleName = roleArn.substring(roleArn.lastIndexOf('/') + 1);
        StringBuilder xml = new StringBuilder()
                .append("<")
                .append(action)
                .append("Response xmlns=\"")
                .append(NAMESPACE)
                .append("\">")
                .append("<")
                .append(action)
                .append("Result>");
        if (action.equals("AssumeRoleWithWebIdentity")) {
            xml.append(
                            "<SubjectFromWebIdentityToken>system:serviceaccount:emulator:connect</SubjectFromWebIdentityToken>")
                    .append("<Audience>sts.amazonaws.com</Audience>")
                    .append("<Provider>oidc.emulator.local</Provider>");
        }
        xml.append("<AssumedRoleUser><AssumedRoleId>AROAEMULATOR:")
                .append(escape(sessionName))
                .append("</AssumedRoleId><Arn>arn:aws:sts::")
                .append(account)
                .append(":assumed-role/")
                .append(escape(roleName))
                .append('/')
                .append(escape(sessionName))
                .append("</Arn></AssumedRoleUser>")
                .append("<Credentials><AccessKeyId>")
                .append(c.accessKeyId())
                .append("</AccessKeyId>")
                .append("<SecretAccessKey>")
                .append(escape(c.secretAccessKey()))
                .append("</SecretAccessKey>")
                .append("<SessionToken>")
                .append(escape(c.sessionToken()))
                .append("</SessionToken>")
                .append("<Expiration>")
                .append(DateTimeFormatter.ISO_INSTANT.format(c.expiration()))
                .append("</Expiration></Credentials>")
                .append("</")
                .append(action)
                .append("Result>")
                .append("<ResponseMetadata><RequestId>")
                .append(UUID.randomUUID())
                .append("</RequestId></ResponseMetadata>")
                .append("</")
                .append(action)
                .append("Response>");
        state.recorder.stsCall(action, "ok");
        state.logSts(action, "ok " + c.accessKeyId() + " for " + roleArn + " until " + c.expiration());
        send(ctx, request, HttpResponseStatus.OK, xml.toString());
    }

    /** An STS error: HTTP status, {@code Sender}/{@code Receiver}, code and message. */
    record StsError(int status, String type, String code, String message) {}

    /** STS's names for the signature problems the Bedrock routes call by their own names. */
    static StsError signatureError(String bedrockCode) {
        return switch (bedrockCode) {
            case "MissingAuthenticationTokenException" ->
                new StsError(403, "Sender", "MissingAuthenticationToken", "Request is missing Authentication Token");
            case "IncompleteSignatureException" ->
                new StsError(
                        400,
                        "Sender",
                        "IncompleteSignature",
                        "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.");
            case "ExpiredTokenException" ->
                new StsError(400, "Sender", "ExpiredToken", "The security token included in the request is expired");
            case "InvalidSignatureException" ->
                new StsError(
                        403,
                        "Sender",
                        "SignatureDoesNotMatch",
                        "The request signature we calculated does not match the signature you provided. Check your "
                                + "AWS Secret Access Key and signing method. Consult the service documentation for details.");
            default ->
                new StsError(
                        403,
                        "Sender",
                        "InvalidClientTokenId",
                        "The security token included in the request is invalid.");
        };
    }

    private void refuse(ChannelHandlerContext ctx, FullHttpRequest request, String action, StsError error) {
        state.recorder.stsCall(action, error.code());
        state.logSts(action, error.code());
        String xml = "<ErrorResponse xmlns=\"" + NAMESPACE + "\"><Error><Type>" + error.type() + "</Type><Code>"
                + error.code() + "</Code><Message>" + escape(error.message()) + "</Message></Error><RequestId>"
                + UUID.randomUUID() + "</RequestId></ErrorResponse>";
        send(ctx, request, HttpResponseStatus.valueOf(error.status()), xml);
    }

    private static void send(
            ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status, String xml) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(xml.getBytes(StandardCharsets.UTF_8)));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/xml");
        response.headers().set("x-amzn-RequestId", UUID.randomUUID().toString());
        HttpReplies.send(ctx, request, response);
    }

    static Map<String, String> parseForm(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            form.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return form;
    }

    private static String escape(String s) {
        return s == null
                ? ""
                : s.replace("&", "&amp;")
                        .replace("<", "&lt;")
                        .replace(">", "&gt;")
                        .replace("\"", "&quot;");
    }
}
