package io.portico.core.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code /admin/*} never shows. The rule, by key name and by value:
 * <ul>
 *   <li>a value (string, number, list or map; booleans stay, e.g. {@code strip-token: true}) under a key whose
 *       name, lower-cased without {@code -} and {@code _}, contains {@code secret}, {@code token},
 *       {@code password}, {@code passwd}, {@code privatekey}, {@code apikey}, {@code credential} or
 *       {@code authorization} becomes {@value #REDACTED}, at any depth of a filter's options;</li>
 *   <li>the user-info of any URL-like string ({@code scheme://user:pass@host}) becomes {@value #REDACTED}.</li>
 * </ul>
 * Public keys ({@code public-key}, PEM) and {@code jwks-url}s are not secrets and are shown. Stateless.
 */
final class Redaction {
    static final String REDACTED = "<redacted>";
    private static final List<String> SECRET_WORDS = List.of("secret", "token", "password", "passwd", "privatekey",
            "apikey", "credential", "authorization");
    private static final Pattern USERINFO = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#@]*)@");

    private Redaction() {
    }

    /** Whether a value under {@code key} is a secret. */
    static boolean secretKey(String key) {
        String k = key.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        for (String w : SECRET_WORDS) {
            if (k.contains(w)) {
                return true;
            }
        }
        return false;
    }

    /** {@code s} with the user-info of a URL replaced; null stays null. */
    static String url(String s) {
        if (s == null) {
            return null;
        }
        Matcher m = USERINFO.matcher(s);
        return m.find() ? m.group(1) + REDACTED + "@" + s.substring(m.end()) : s;
    }

    /** A copy of a parsed YAML value (map, list, scalar) with every secret replaced (see the class doc). */
    static Object value(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), entry(String.valueOf(k), x)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(x -> out.add(value(x)));
            return out;
        }
        if (v instanceof String s) {
            return url(s);
        }
        return v;
    }

    /** The value of map entry {@code key}, redacted as a whole when the key names a secret. */
    static Object entry(String key, Object v) {
        if (secretKey(key) && v != null && !(v instanceof Boolean)) {
            return REDACTED;
        }
        return value(v);
    }
}
