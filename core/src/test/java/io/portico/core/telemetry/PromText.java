package io.portico.core.telemetry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests: every line must be a
 * {@code # HELP}, {@code # TYPE}, another comment, or a sample; names and label names must be valid; label
 * values must use only the three escapes; a family's TYPE comes before its samples and at most once; a
 * family's samples are contiguous; no series appears twice; the text ends with a newline. Anything else
 * throws {@link IllegalArgumentException} naming the line.
 */
final class PromText {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    /** One sample: metric name, labels (sorted by name), value. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    final Map<String, String> types = new HashMap<>();
    final List<Sample> samples = new ArrayList<>();

    static PromText parse(String text) {
        PromText p = new PromText();
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IllegalArgumentException("the text does not end with a newline");
        }
        Set<String> series = new HashSet<>();
        Set<String> finishedFamilies = new HashSet<>();
        String currentFamily = null;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length - 1; i++) {
            String line = lines[i];
            int n = i + 1;
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                String[] parts = line.split(" ", 4);
                if (parts.length >= 3 && (parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
                    if (!NAME.matcher(parts[2]).matches()) {
                        throw new IllegalArgumentException(n + ": bad metric name in " + line);
                    }
                    if (parts[1].equals("TYPE")) {
                        if (parts.length != 4 || !TYPES.contains(parts[3])) {
                            throw new IllegalArgumentException(n + ": bad TYPE line " + line);
                        }
                        if (p.types.put(parts[2], parts[3]) != null) {
                            throw new IllegalArgumentException(n + ": second TYPE for " + parts[2]);
                        }
                        if (finishedFamilies.contains(parts[2])) {
                            throw new IllegalArgumentException(n + ": TYPE after samples of " + parts[2]);
                        }
                    }
                }
                continue;
            }
            Sample s = sample(line, n);
            String family = family(p, s.name());
            if (!family.equals(currentFamily)) {
                if (currentFamily != null) {
                    finishedFamilies.add(currentFamily);
                }
                if (finishedFamilies.contains(family)) {
                    throw new IllegalArgumentException(n + ": samples of " + family + " are not contiguous");
                }
                currentFamily = family;
            }
            if (!series.add(s.name() + s.labels())) {
                throw new IllegalArgumentException(n + ": duplicate series " + s.name() + s.labels());
            }
            p.samples.add(s);
        }
        return p;
    }

    /** The family a sample belongs to: its name, or its name without a histogram/summary/counter suffix. */
    private static String family(PromText p, String name) {
        for (String suffix : new String[] {"_bucket", "_count", "_sum", "_total", "_created"}) {
            if (name.endsWith(suffix)) {
                String base = name.substring(0, name.length() - suffix.length());
                if (p.types.containsKey(base) && !p.types.containsKey(name)) {
                    return base;
                }
            }
        }
        return name;
    }

    private static Sample sample(String line, int n) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(n + ": bad metric name '" + name + "'");
        }
        Map<String, String> labels = new TreeMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (true) {
                if (i >= line.length()) {
                    throw new IllegalArgumentException(n + ": unterminated labels");
                }
                if (line.charAt(i) == '}') {
                    i++;
                    break;
                }
                int eq = line.indexOf('=', i);
                if (eq < 0) {
                    throw new IllegalArgumentException(n + ": label without '='");
                }
                String label = line.substring(i, eq);
                if (!LABEL.matcher(label).matches()) {
                    throw new IllegalArgumentException(n + ": bad label name '" + label + "'");
                }
                i = eq + 1;
                if (i >= line.length() || line.charAt(i) != '"') {
                    throw new IllegalArgumentException(n + ": label value not quoted");
                }
                i++;
                StringBuilder v = new StringBuilder();
                while (true) {
                    if (i >= line.length()) {
                        throw new IllegalArgumentException(n + ": unterminated label value");
                    }
                    char c = line.charAt(i++);
                    if (c == '"') {
                        break;
                    }
                    if (c == '\\') {
                        char e = i < line.length() ? line.charAt(i++) : 0;
                        switch (e) {
                            case '\\' -> v.append('\\');
                            case '"' -> v.append('"');
                            case 'n' -> v.append('\n');
                            default -> throw new IllegalArgumentException(n + ": bad escape \\" + e);
                        }
                    } else {
                        v.append(c);
                    }
                }
                if (labels.put(label, v.toString()) != null) {
                    throw new IllegalArgumentException(n + ": label " + label + " twice");
                }
                if (i < line.length() && line.charAt(i) == ',') {
                    i++;
                }
            }
        }
        if (i >= line.length() || line.charAt(i) != ' ') {
            throw new IllegalArgumentException(n + ": no value");
        }
        String[] rest = line.substring(i + 1).split(" ");
        if (rest.length < 1 || rest.length > 2) {
            throw new IllegalArgumentException(n + ": expected value [timestamp], got '" + line.substring(i + 1) + "'");
        }
        double value = switch (rest[0]) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> {
                try {
                    yield Double.parseDouble(rest[0]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(n + ": bad value '" + rest[0] + "'");
                }
            }
        };
        if (rest.length == 2) {
            try {
                Long.parseLong(rest[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(n + ": bad timestamp '" + rest[1] + "'");
            }
        }
        return new Sample(name, labels, value);
    }

    /** The value of the series with exactly these labels (name, value pairs), or null when absent. */
    Double value(String name, String... labelPairs) {
        Map<String, String> want = new TreeMap<>();
        for (int i = 0; i < labelPairs.length; i += 2) {
            want.put(labelPairs[i], labelPairs[i + 1]);
        }
        for (Sample s : samples) {
            if (s.name().equals(name) && s.labels().equals(want)) {
                return s.value();
            }
        }
        return null;
    }

    /** The value, or 0 when the series is absent. */
    double valueOr0(String name, String... labelPairs) {
        Double v = value(name, labelPairs);
        return v == null ? 0 : v;
    }

    /** Every series of {@code name}, labels to value. */
    Map<Map<String, String>, Double> series(String name) {
        Map<Map<String, String>, Double> out = new LinkedHashMap<>();
        for (Sample s : samples) {
            if (s.name().equals(name)) {
                out.put(s.labels(), s.value());
            }
        }
        return out;
    }
}
