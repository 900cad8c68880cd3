package io.portico.core.config;

import java.util.List;

/**
 * A parsed aggregation template such as {@code /orders?user={userId}&tenant={claims.tenant}}: literal text and
 * references, in order. References:
 * <ul>
 *   <li>{@code {name}} (no dot): a parameter of the route's path pattern ({@link Kind#PARAM});</li>
 *   <li>{@code {query.X}}: the client's query parameter {@code X} (first value; empty when absent);</li>
 *   <li>{@code {consumer.id}}: the authenticated consumer's id;</li>
 *   <li>{@code {claims.X}}: the consumer's claim {@code X} (the whole rest after {@code claims.} is the name);</li>
 *   <li>{@code {part.a.b}}: field {@code a.b} of the JSON answer of part {@code part} (a dependency).</li>
 * </ul>
 * There is no escape for braces: a template with an unbalanced or empty brace is a config error.
 *
 * @param source the template as written
 * @param pieces literal text and references, in order; adjacent texts are joined
 */
public record Template(String source, List<Piece> pieces) {
    public Template {
        pieces = List.copyOf(pieces);
    }

    /** A literal run or a reference. */
    public sealed interface Piece {
    }

    /** Literal text, copied as written. */
    public record Text(String text) implements Piece {
    }

    /**
     * A {@code {...}} reference.
     *
     * @param kind  what it reads
     * @param name  the parameter, query parameter, claim or part name ({@code id} for {@link Kind#CONSUMER_ID})
     * @param field for {@link Kind#PART}: the dotted field path inside the part's JSON, split (non-empty);
     *              empty otherwise
     */
    public record Ref(Kind kind, String name, List<String> field) implements Piece {
        public Ref {
            field = List.copyOf(field);
        }

        /** The reference as written, with braces. */
        public String shown() {
            return switch (kind) {
                case PARAM -> "{" + name + "}";
                case QUERY -> "{query." + name + "}";
                case CONSUMER_ID -> "{consumer.id}";
                case CLAIM -> "{claims." + name + "}";
                case PART -> "{" + name + "." + String.join(".", field) + "}";
            };
        }
    }

    /** What a reference reads. */
    public enum Kind { PARAM, QUERY, CONSUMER_ID, CLAIM, PART }

    /** Whether the template has no reference. */
    public boolean literal() {
        return pieces.stream().allMatch(p -> p instanceof Text);
    }
}
