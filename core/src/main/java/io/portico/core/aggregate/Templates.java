package io.portico.core.aggregate;

import com.fasterxml.jackson.databind.JsonNode;
import io.portico.api.Consumer;
import io.portico.core.config.Template;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Renders a part's templates for one request. In a path, a value is percent-encoded (everything but the
 * unreserved characters {@code A-Z a-z 0-9 - . _ ~}; a whole value of {@code .} or {@code ..} too), so no
 * value can add a path segment, a query parameter or a fragment; in a header value it is copied as is and
 * refused when it holds a control character. Stateless.
 */
final class Templates {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private Templates() {
    }

    /** What references read: the request and the answers of the part's dependencies (by part name). */
    record Values(AggregateRequest request, Map<String, JsonNode> parts) {
    }

    /** The request target for {@code path}, every value encoded for where it stands (path or query). */
    static String path(Template path, Values values) throws PartFailure {
        StringBuilder sb = new StringBuilder(path.source().length() + 32);
        for (Template.Piece piece : path.pieces()) {
            if (piece instanceof Template.Text t) {
                sb.append(t.text());
            } else {
                String v = value((Template.Ref) piece, values);
                if (v.equals(".") || v.equals("..")) {
                    sb.append(v.equals(".") ? "%2E" : "%2E%2E");
                } else {
                    encode(sb, v);
                }
            }
        }
        return sb.toString();
    }

    /** A header value; {@link PartFailure} (400) when a value holds a control character. */
    static String header(String name, Template value, Values values) throws PartFailure {
        if (value.literal()) {
            return value.source();
        }
        StringBuilder sb = new StringBuilder(64);
        for (Template.Piece piece : value.pieces()) {
            if (piece instanceof Template.Text t) {
                sb.append(t.text());
            } else {
                String v = value((Template.Ref) piece, values);
                for (int i = 0; i < v.length(); i++) {
                    char c = v.charAt(i);
                    if ((c < 0x20 && c != '\t') || c == 0x7F || c > 0xFF) {
                        throw new PartFailure(400, PartOutcome.Cause.BAD_INPUT,
                                "the value of " + ((Template.Ref) piece).shown() + " cannot be sent in header " + name);
                    }
                }
                sb.append(v);
            }
        }
        return sb.toString();
    }

    private static String value(Template.Ref ref, Values values) throws PartFailure {
        AggregateRequest req = values.request();
        return switch (ref.kind()) {
            case PARAM -> {
                String v = req.params().decoded(ref.name());
                if (v == null) {
                    throw missing(ref);
                }
                yield v;
            }
            case QUERY -> req.query().getOrDefault(ref.name(), "");
            case CONSUMER_ID -> req.consumer().map(Consumer::id).orElseThrow(() -> missing(ref));
            case CLAIM -> claim(ref, req.consumer());
            case PART -> field(ref, values.parts().get(ref.name()));
        };
    }

    private static String claim(Template.Ref ref, Optional<Consumer> consumer) throws PartFailure {
        Object v = consumer.map(c -> c.claims().get(ref.name())).orElse(null);
        if (v instanceof String || v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        if (v == null) {
            throw missing(ref);
        }
        throw new PartFailure(400, PartOutcome.Cause.BAD_INPUT, ref.shown() + " is not a single value");
    }

    private static String field(Template.Ref ref, JsonNode body) throws PartFailure {
        JsonNode node = body;
        for (String segment : ref.field()) {
            if (node == null) {
                break;
            }
            node = node.isArray() && isIndex(segment) ? node.get(Integer.parseInt(segment)) : node.get(segment);
        }
        if (node == null || !node.isValueNode() || node.isNull()) {
            throw new PartFailure(502, PartOutcome.Cause.BAD_DATA, ref.shown() + " is missing or not a single value"
                    + " in the answer of part '" + ref.name() + "'");
        }
        return node.asText();
    }

    private static boolean isIndex(String s) {
        if (s.isEmpty() || s.length() > 9) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static PartFailure missing(Template.Ref ref) {
        return new PartFailure(400, PartOutcome.Cause.BAD_INPUT, "the request has no value for " + ref.shown());
    }

    /** Appends {@code v} as UTF-8 with everything but unreserved characters percent-encoded. */
    static void encode(StringBuilder sb, String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                sb.append(c);
            } else if (c < 0x80) {
                sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < v.length() ? i + 2 : i + 1;
                for (byte b : v.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                    sb.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
                }
                i = end - 1;
            }
        }
    }
}
