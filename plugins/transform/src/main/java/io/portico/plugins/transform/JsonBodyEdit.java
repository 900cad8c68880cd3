package io.portico.plugins.transform;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@link BodyRules} ready to apply to a body that is one JSON object. Streams the document through
 * jackson-core (shaded): fields not named are copied as they are (numbers keep their exact text); a field in
 * {@code set} is replaced where it first occurs (later duplicates dropped) or appended; a field in
 * {@code remove} is dropped wherever it occurs. Anything else (not JSON, malformed, an array or scalar at the
 * top, trailing content) gives {@link Optional#empty()}: the caller leaves such a body untouched.
 * Immutable, thread-safe.
 */
final class JsonBodyEdit {
    private static final JsonFactory JSON = new JsonFactory();

    private final Map<String, Object> set;
    private final Set<String> remove;

    JsonBodyEdit(BodyRules rules) {
        Map<String, Object> prepared = new LinkedHashMap<>();
        rules.set().forEach((name, value) -> prepared.put(name,
                value instanceof String s && !Template.parse(s).isLiteral() ? Template.parse(s) : new RawJson(toJson(value))));
        this.set = prepared;
        this.remove = Set.copyOf(rules.remove());
    }

    /** JSON text already rendered at configuration time. */
    private record RawJson(String text) {
    }

    /**
     * Whether a body of this {@code Content-Type} (and {@code Content-Encoding}) is edited: {@code application/json}
     * or any {@code +json} type, in UTF-8 (no charset, or {@code charset=utf-8}), not content-encoded.
     */
    static boolean applies(Optional<String> contentType, Optional<String> contentEncoding) {
        if (contentType.isEmpty() || contentEncoding.filter(e -> !e.strip().equalsIgnoreCase("identity")).isPresent()) {
            return false;
        }
        String[] parts = contentType.get().toLowerCase(Locale.ROOT).split(";");
        String type = parts[0].strip();
        if (!type.equals("application/json") && !(type.endsWith("+json") && type.indexOf('/') > 0)) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip();
            if (p.startsWith("charset=") && !p.substring(8).replace("\"", "").strip().equals("utf-8")) {
                return false;
            }
        }
        return true;
    }

    /** The edited document, or empty when {@code json} is not a single JSON object (or nothing changed). */
    Optional<byte[]> apply(byte[] json, Map<String, String> params) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length + 64);
        try (JsonParser p = JSON.createParser(json); JsonGenerator g = JSON.createGenerator(out)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            boolean changed = !set.isEmpty();
            Set<String> written = new HashSet<>();
            g.writeStartObject();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (remove.contains(name) || set.containsKey(name)) {
                    p.skipChildren();
                    changed |= remove.contains(name);
                    if (set.containsKey(name) && written.add(name)) {
                        write(g, name, params);
                    }
                } else {
                    g.writeFieldName(name);
                    copy(p, g);
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                return Optional.empty();
            }
            for (String name : set.keySet()) {
                if (written.add(name)) {
                    write(g, name, params);
                }
            }
            g.writeEndObject();
            g.flush();
            return changed ? Optional.of(out.toByteArray()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private void write(JsonGenerator g, String name, Map<String, String> params) throws IOException {
        g.writeFieldName(name);
        Object value = set.get(name);
        if (value instanceof Template t) {
            g.writeString(t.render(params, v -> v));
        } else {
            g.writeRawValue(((RawJson) value).text());
        }
    }

    /** Copies the current value; numbers as their exact text. */
    private static void copy(JsonParser p, JsonGenerator g) throws IOException {
        switch (p.currentToken()) {
            case START_OBJECT -> {
                g.writeStartObject();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    g.writeFieldName(p.currentName());
                    p.nextToken();
                    copy(p, g);
                }
                g.writeEndObject();
            }
            case START_ARRAY -> {
                g.writeStartArray();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    copy(p, g);
                }
                g.writeEndArray();
            }
            case VALUE_STRING -> g.writeString(p.getText());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> g.writeNumber(p.getText());
            case VALUE_TRUE -> g.writeBoolean(true);
            case VALUE_FALSE -> g.writeBoolean(false);
            case VALUE_NULL -> g.writeNull();
            default -> throw new IOException("unexpected token " + p.currentToken());
        }
    }

    /** A config value (checked by {@link BodyRules}) as JSON text. */
    static String toJson(Object value) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            writeValue(g, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    private static void writeValue(JsonGenerator g, Object value) throws IOException {
        switch (value) {
            case null -> g.writeNull();
            case String s -> g.writeString(s);
            case Boolean b -> g.writeBoolean(b);
            case BigInteger n -> g.writeNumber(n);
            case BigDecimal n -> g.writeNumber(n);
            case Double d -> g.writeNumber(d);
            case Float f -> g.writeNumber(f);
            case Number n -> g.writeNumber(n.longValue());
            case List<?> list -> {
                g.writeStartArray();
                for (Object o : list) {
                    writeValue(g, o);
                }
                g.writeEndArray();
            }
            case Map<?, ?> map -> {
                g.writeStartObject();
                for (var e : map.entrySet()) {
                    g.writeFieldName((String) e.getKey());
                    writeValue(g, e.getValue());
                }
                g.writeEndObject();
            }
            default -> throw new IllegalArgumentException("cannot be written as JSON: " + value.getClass());
        }
    }
}
