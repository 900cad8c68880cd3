package io.portico.core.telemetry.tracing;

import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.opentelemetry.context.propagation.TextMapGetter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Reads propagation headers from Helidon request headers (case-insensitive; header names made once). */
public final class HeadersGetter implements TextMapGetter<Headers> {
    public static final HeadersGetter INSTANCE = new HeadersGetter();
    private static final Map<String, HeaderName> NAMES = new ConcurrentHashMap<>();

    private HeadersGetter() {
    }

    @Override
    public Iterable<String> keys(Headers carrier) {
        List<String> keys = new ArrayList<>(carrier.size());
        for (Header h : carrier) {
            keys.add(h.name());
        }
        return keys;
    }

    @Override
    public String get(Headers carrier, String key) {
        if (carrier == null) {
            return null;
        }
        HeaderName name = NAMES.get(key);
        if (name == null) {
            name = NAMES.computeIfAbsent(key, HeaderNames::create);
        }
        return carrier.first(name).orElse(null);
    }
}
