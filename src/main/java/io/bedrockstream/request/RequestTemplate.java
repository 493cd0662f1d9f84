package io.bedrockstream.request;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import io.bedrockstream.request.InvalidRequestException.Reason;
import java.util.ArrayList;
import java.util.List;

/**
 * A body template: JSON text whose string literals may hold {@code ${/json/pointer}} (or {@code ${field}},
 * short for {@code ${/field}}) placeholders. Filling is one pass over the compiled parts, and every inserted
 * text is JSON-string-escaped, so a field value can never add keys, end a string or start another placeholder.
 *
 * <p>A placeholder that is a whole string literal value ({@code "max_tokens": "${/n}"}) takes the field's JSON
 * value as it is: a number stays a number, an object an object, a string a string. Object keys always stay
 * strings. To write a literal {@code ${} in a template, escape the dollar: {@code \u0024{}. Inside a longer literal
 * ({@code "Answer: ${/q}"}) the field's text is inserted: strings as they are, other values as their JSON text.
 * A missing or null field is an error either way.
 */
final class RequestTemplate {

    private sealed interface Part permits Literal, Field {}

    private record Literal(String json) implements Part {}

    private record Field(String name, JsonPointer pointer, boolean wholeString) implements Part {}

    private final List<Part> parts;

    private RequestTemplate(List<Part> parts) {
        this.parts = parts;
    }

    /**
     * @throws IllegalArgumentException if a placeholder is outside a string literal, unterminated or not a pointer
     */
    static RequestTemplate compile(String template) {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        boolean inString = false;
        int stringStart = -1;
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            boolean placeholder = c == '$' && i + 1 < template.length() && template.charAt(i + 1) == '{';
            if (!inString) {
                if (placeholder) {
                    throw new IllegalArgumentException("placeholder at character " + i + " of "
                            + RequestMappingSettings.TEMPLATE_KEY + " is outside a JSON string; write it in quotes, "
                            + "e.g. \"${/field}\"");
                }
                if (c == '"') {
                    inString = true;
                    stringStart = i;
                }
                literal.append(c);
                i++;
            } else if (c == '\\') {
                literal.append(template, i, Math.min(i + 2, template.length()));
                i += 2;
            } else if (c == '"') {
                inString = false;
                literal.append(c);
                i++;
            } else if (placeholder) {
                int end = placeholderEnd(template, i);
                String name = template.substring(i + 2, end);
                boolean wholeString = i - 1 == stringStart
                        && end + 1 < template.length()
                        && template.charAt(end + 1) == '"'
                        && !isKey(template, end + 2);
                if (wholeString) {
                    literal.setLength(literal.length() - 1); // the opening quote; the field writes its own
                }
                if (literal.length() > 0) {
                    parts.add(new Literal(literal.toString()));
                    literal.setLength(0);
                }
                parts.add(new Field("${" + name + "}", pointer(name, i), wholeString));
                i = end + 1;
                if (wholeString) {
                    inString = false;
                    i++; // the closing quote
                }
            } else {
                literal.append(c);
                i++;
            }
        }
        if (literal.length() > 0) {
            parts.add(new Literal(literal.toString()));
        }
        return new RequestTemplate(List.copyOf(parts));
    }

    /** Config problems of a template: placeholder syntax, and whether it is JSON once filled. */
    static List<String> problems(String template) {
        RequestTemplate compiled;
        try {
            compiled = compile(template);
        } catch (IllegalArgumentException e) {
            return List.of(e.getMessage());
        }
        try {
            RequestJson.parse(
                    compiled.fill(part -> part.wholeString() ? "\"\"" : ""), RequestMappingSettings.TEMPLATE_KEY);
            return List.of();
        } catch (InvalidRequestException e) {
            return List.of(e.getMessage() + " (placeholders filled with empty strings)");
        }
    }

    /** The filled-in body text. */
    String render(JsonNode value) throws InvalidRequestException {
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            if (part instanceof Literal l) {
                out.append(l.json());
            } else {
                out.append(fieldJson((Field) part, value));
            }
        }
        return out.toString();
    }

    private String fill(java.util.function.Function<Field, String> fieldText) {
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            out.append(part instanceof Literal l ? l.json() : fieldText.apply((Field) part));
        }
        return out.toString();
    }

    private static String fieldJson(Field field, JsonNode value) throws InvalidRequestException {
        JsonNode node = value.at(field.pointer());
        if (node.isMissingNode() || node.isNull()) {
            throw new InvalidRequestException(
                    Reason.TEMPLATE_FIELD_MISSING,
                    "the record value has no field "
                            + field.pointer() + " (or it is null), which " + RequestMappingSettings.TEMPLATE_KEY
                            + " uses as " + field.name() + "; add the field or change the template");
        }
        if (field.wholeString()) {
            return node.isTextual() ? "\"" + escape(node.textValue()) + "\"" : json(node);
        }
        return escape(node.isTextual() ? node.textValue() : node.isValueNode() ? node.asText() : json(node));
    }

    private static String escape(String text) {
        return new String(JsonStringEncoder.getInstance().quoteAsString(text));
    }

    private static String json(JsonNode node) {
        try {
            return RequestJson.MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON tree always serialises", e);
        }
    }

    /** Whether the string literal ending just before {@code from} is an object key: keys stay strings. */
    private static boolean isKey(String template, int from) {
        for (int j = from; j < template.length(); j++) {
            char c = template.charAt(j);
            if (!Character.isWhitespace(c)) {
                return c == ':';
            }
        }
        return false;
    }

    private static int placeholderEnd(String template, int start) {
        for (int j = start + 2; j < template.length(); j++) {
            char c = template.charAt(j);
            if (c == '}') {
                return j;
            }
            if (c == '"' || c == '\\') {
                break;
            }
        }
        throw new IllegalArgumentException("placeholder at character " + start + " of "
                + RequestMappingSettings.TEMPLATE_KEY + " has no closing } inside its string");
    }

    private static JsonPointer pointer(String name, int at) {
        if (name.isBlank()) {
            throw new IllegalArgumentException("empty placeholder ${} at character " + at + " of "
                    + RequestMappingSettings.TEMPLATE_KEY + "; write ${/field} or ${field}");
        }
        try {
            return JsonPointer.compile(name.startsWith("/") ? name : "/" + name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "placeholder ${" + name + "} at character " + at + " of " + RequestMappingSettings.TEMPLATE_KEY
                            + " is not a JSON pointer",
                    e);
        }
    }
}
