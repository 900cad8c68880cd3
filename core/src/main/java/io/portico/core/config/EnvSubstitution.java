package io.portico.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Expands environment references in one scalar: {@code ${VAR}} and {@code ${VAR:default}}; <code>$${</code> is a
 * literal <code>${</code>. A default is used only when the variable is unset (a variable set to the empty
 * string stays empty). Substituted text is not scanned again. Stateless.
 */
final class EnvSubstitution {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /**
     * The outcome of one expansion.
     *
     * @param value  the expanded text (meaningless when {@code errors} is non-empty)
     * @param vars   the variables referenced, in order; empty when the text had no reference
     * @param errors what was wrong, e.g. an unset variable without a default
     */
    record Result(String value, List<String> vars, List<String> errors) {
    }

    private EnvSubstitution() {
    }

    static Result apply(String text, Function<String, String> env) {
        if (text.indexOf('$') < 0) {
            return new Result(text, List.of(), List.of());
        }
        StringBuilder out = new StringBuilder(text.length());
        List<String> vars = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (text.startsWith("${", i)) {
                int end = text.indexOf('}', i + 2);
                if (end < 0) {
                    errors.add("expected '}' to close the '${' reference (write $${ for a literal ${)");
                    break;
                }
                String body = text.substring(i + 2, end);
                int colon = body.indexOf(':');
                String name = colon < 0 ? body : body.substring(0, colon);
                String fallback = colon < 0 ? null : body.substring(colon + 1);
                if (!NAME.matcher(name).matches()) {
                    errors.add("expected a reference like ${NAME} or ${NAME:default}, got '${" + body + "}'");
                } else if (fallback != null && fallback.contains("${")) {
                    errors.add("a default cannot contain another reference, in ${" + name + ":...}");
                } else {
                    vars.add(name);
                    String value = env.apply(name);
                    if (value == null) {
                        value = fallback;
                    }
                    if (value == null) {
                        errors.add("environment variable " + name + " is not set (write ${" + name
                                + ":default} to give a default)");
                    } else {
                        out.append(value);
                    }
                }
                i = end + 1;
            } else {
                out.append(text.charAt(i++));
            }
        }
        return new Result(out.toString(), List.copyOf(vars), List.copyOf(errors));
    }
}
