package io.portico.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.portico.core.config.Template.Kind;
import io.portico.core.config.Template.Piece;
import io.portico.core.config.Template.Ref;
import io.portico.core.config.Template.Text;

/**
 * Parses the templates of an aggregate part ({@code path}, header values) into {@link Template}s, checking
 * each {@code {reference}} against what the part may read ({@link Scope}). Problems are recorded through
 * {@link YamlNodes} (a template with a problem comes back without pieces); never throws. Not thread-safe.
 */
final class TemplateParser {
    /** RFC 3986 characters of a request target other than '%' (checked as %XX) and '#'. */
    private static final String PATH_CHARS = "-._~!$&'()*+,;=:@/?[]";

    private final YamlNodes y;

    TemplateParser(YamlNodes y) {
        this.y = y;
    }

    /**
     * What a part's references may read.
     *
     * @param pattern  the route's path pattern (for messages)
     * @param params   its parameter names, or null when the pattern is invalid (then not checked)
     * @param parts    the names of the route's parts
     * @param self     the part's own name (null when it has none)
     * @param selfShown the part as messages name it
     * @param deps     the parts it depends on, directly or through others
     */
    record Scope(String pattern, List<String> params, Set<String> parts, String self, String selfShown,
                 Set<String> deps) {
    }

    /** A part's {@code path}: starts with '/', no '#', literal text of request-target characters. */
    Template path(Scalar s, Scope scope) {
        if (!s.text().startsWith("/")) {
            y.invalid(s, "a path starting with '/', like /users/{userId}");
            return new Template(s.text(), List.of());
        }
        if (s.text().indexOf('#') >= 0) {
            y.invalid(s, "a path without '#' (a fragment is never sent)");
            return new Template(s.text(), List.of());
        }
        Template t = template(s, scope);
        for (Piece p : t.pieces()) {
            if (p instanceof Text text && !checkPathText(s, text.text())) {
                break;
            }
        }
        return t;
    }

    private boolean checkPathText(Scalar s, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= text.length() || !isHex(text.charAt(i + 1)) || !isHex(text.charAt(i + 2))) {
                    y.invalid(s, "'%' only as the start of a %XX escape (two hex digits) in the path");
                    return false;
                }
            } else if (!(c < 0x80 && (Character.isLetterOrDigit(c) || PATH_CHARS.indexOf(c) >= 0))) {
                y.invalid(s, "a path of letters, digits, " + PATH_CHARS + " and %XX escapes outside {references}");
                return false;
            }
        }
        return true;
    }

    private static boolean isHex(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    /** A header value: literal text without CR, LF or NUL. */
    Template header(Scalar s, Scope scope) {
        Template t = template(s, scope);
        boolean bad = t.pieces().stream().anyMatch(p -> p instanceof Text text
                && text.text().chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0));
        if (bad) {
            y.invalid(s, "a header value without CR, LF or NUL");
        }
        return t;
    }

    /**
     * Splits {@code s} into texts and references, checking each reference against {@code scope}. On a brace
     * or reference problem it is recorded and the template is returned without pieces.
     */
    private Template template(Scalar s, Scope scope) {
        String src = s.text();
        List<Piece> pieces = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int i = 0;
        while (i < src.length()) {
            char c = src.charAt(i);
            if (c == '}') {
                return broken(s, "an unbalanced '}'");
            }
            if (c != '{') {
                text.append(c);
                i++;
                continue;
            }
            int end = src.indexOf('}', i + 1);
            int open = src.indexOf('{', i + 1);
            if (end < 0 || open >= 0 && open < end) {
                return broken(s, "an unbalanced '{'");
            }
            if (end == i + 1) {
                return broken(s, "an empty reference '{}'");
            }
            Ref ref = ref(s, src.substring(i + 1, end), scope);
            if (ref == null) {
                return new Template(src, List.of());
            }
            if (!text.isEmpty()) {
                pieces.add(new Text(text.toString()));
                text.setLength(0);
            }
            pieces.add(ref);
            i = end + 1;
        }
        if (!text.isEmpty()) {
            pieces.add(new Text(text.toString()));
        }
        return new Template(src, pieces);
    }

    private Template broken(Scalar s, String problem) {
        y.error(s.node(), s.key(), "expected a template with {references} in matching braces (braces cannot be"
                + " escaped), got " + s.shown() + " with " + problem);
        return new Template(s.text(), List.of());
    }

    /** The reference {@code {inner}}, or null when it is invalid (recorded). */
    private Ref ref(Scalar s, String inner, Scope scope) {
        int dot = inner.indexOf('.');
        if (dot < 0) {
            return param(s, inner, scope);
        }
        String head = inner.substring(0, dot);
        String rest = inner.substring(dot + 1);
        return switch (head) {
            case "query" -> named(s, inner, Kind.QUERY, rest, "a query parameter name after 'query.'");
            case "claims" -> named(s, inner, Kind.CLAIM, rest, "a claim name after 'claims.'");
            case "consumer" -> {
                if (rest.equals("id")) {
                    yield new Ref(Kind.CONSUMER_ID, "id", List.of());
                }
                refError(s, inner, "only {consumer.id} is available from the consumer");
                yield null;
            }
            default -> scope.parts().contains(head) ? partRef(s, inner, head, rest, scope)
                    : unknown(s, inner, scope);
        };
    }

    private Ref param(Scalar s, String name, Scope scope) {
        if (scope.params() == null || scope.params().contains(name)) {
            return new Ref(Kind.PARAM, name, List.of());
        }
        refError(s, name, "it is not a parameter of the route's path '" + scope.pattern() + "'; "
                + (scope.params().isEmpty() ? "the path has no parameters"
                : "expected one of: " + String.join(", ", scope.params())));
        return null;
    }

    private Ref named(Scalar s, String inner, Kind kind, String name, String expected) {
        if (name.isEmpty()) {
            refError(s, inner, "expected " + expected);
            return null;
        }
        return new Ref(kind, name, List.of());
    }

    private Ref partRef(Scalar s, String inner, String part, String field, Scope scope) {
        List<String> segments = List.of(field.split("\\.", -1));
        if (segments.stream().anyMatch(String::isEmpty)) {
            refError(s, inner, "expected a field of part '" + part + "' like {" + part + ".id} or {" + part
                    + ".a.b} (no empty segment)");
            return null;
        }
        if (part.equals(scope.self())) {
            refError(s, inner, "a part cannot refer to its own answer");
            return null;
        }
        if (!scope.deps().contains(part)) {
            y.error(s.node(), s.key(), shown(s, inner) + " refers to part '" + part + "', which "
                    + scope.selfShown() + " does not depend on: add after: " + part);
            return null;
        }
        return new Ref(Kind.PART, part, segments);
    }

    private Ref unknown(Scalar s, String inner, Scope scope) {
        List<String> parts = scope.parts().stream().filter(n -> !n.equals(scope.self())).toList();
        refError(s, inner, "expected {param}, {query.name}, {consumer.id}, {claims.name} or {part.field}"
                + (parts.isEmpty() ? " (the route has no other part)" : " with part one of: "
                + String.join(", ", parts)));
        return null;
    }

    private void refError(Scalar s, String inner, String problem) {
        y.error(s.node(), s.key(), "invalid reference " + shown(s, inner) + ": " + problem);
    }

    /** The reference as written, unless the value came from the environment (never echoed). */
    private static String shown(Scalar s, String inner) {
        return s.vars().isEmpty() ? "{" + inner + "}" : "in " + s.shown();
    }
}
