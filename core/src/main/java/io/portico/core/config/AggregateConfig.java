package io.portico.core.config;

import java.util.List;

/**
 * A route's {@code aggregate:} section: parts fetched in parallel (each after the parts it depends on) and
 * merged into one JSON answer. Validated at load: part names unique, every {@code after} names a known part,
 * no dependency cycle, every {@code {part.field}} template refers to a part the template's part depends on.
 *
 * @param merge how the parts' bodies become one ({@code merge:}, default {@link Merge.Namespace})
 * @param parts the parts in configuration order (which is also the order deep-merge resolves conflicts by:
 *              a later part wins)
 */
public record AggregateConfig(Merge merge, List<PartConfig> parts) {
    public AggregateConfig {
        parts = List.copyOf(parts);
    }

    /** {@code merge:} — {@code namespace}, {@code deep-merge} or {@code { script: file.js }}. */
    public sealed interface Merge {
        /** Each part's body under its name; never collides. */
        record Namespace() implements Merge {
        }

        /** Objects merged recursively, arrays concatenated; a later part wins a conflict, which is reported. */
        record DeepMerge() implements Merge {
        }

        /**
         * {@code export default { merge(parts, ctx) }} of a file of {@code scripts.dir}.
         *
         * @param file relative to {@code scripts.dir}
         * @param line line of the {@code script} key (for messages)
         */
        record Script(String file, int line) implements Merge {
        }
    }
}
