package io.portico.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a filter's {@link GatewayFilter#onRequest} decided: go on, or answer the client now.
 *
 * <p>Immutable and thread-safe; a {@code Respond} may be built once and returned for many requests.
 */
public sealed interface Decision permits Decision.Proceed, Decision.Respond {

    /** Continue with the next filter, then the upstream. */
    static Decision proceed() {
        return Proceed.INSTANCE;
    }

    /** Answer with {@code status} (100..599 excluding 1xx informational use) and no body; see the withers. */
    static Respond respond(int status) {
        return new Respond(status, List.of(), null, null, null);
    }

    /**
     * Answer with an RFC 9457 problem: {@code application/problem+json} with
     * {@code type = urn:portico:problem:<slug>}, {@code title}, {@code status}, {@code detail} and the
     * request id as {@code instance}, exactly like the gateway's own errors.
     *
     * @param slug   short lower-case identifier, e.g. {@code ip-denied}
     * @param title  short human-readable summary, e.g. {@code Forbidden}
     * @param detail what happened, for the client (never secrets or internal addresses)
     */
    static Respond problem(int status, String slug, String title, String detail) {
        return new Respond(status, List.of(), null, null, new Problem(slug, title, detail));
    }

    /** The singleton "go on" decision. */
    final class Proceed implements Decision {
        static final Proceed INSTANCE = new Proceed();

        private Proceed() {
        }

        @Override
        public String toString() {
            return "Proceed";
        }
    }

    /** The {@link Decision#problem} fields. */
    record Problem(String slug, String title, String detail) {
        public Problem {
            Objects.requireNonNull(slug, "slug");
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /**
     * Answer the client with this status, these headers and this body. Hop-by-hop headers and
     * {@code Content-Length} are set by the gateway and ignored here.
     *
     * @param status      the HTTP status, 200..599
     * @param headers     name/value pairs in order (a name may repeat)
     * @param body        the body bytes, or null for none
     * @param contentType the body's media type, or null
     * @param problem     set for {@link Decision#problem} answers (then body and contentType are null)
     */
    record Respond(int status, List<Map.Entry<String, String>> headers, byte[] body, String contentType,
                   Problem problem) implements Decision {
        public Respond {
            if (status < 200 || status > 599) {
                throw new IllegalArgumentException("status must be 200..599, got " + status);
            }
            headers = List.copyOf(headers);
        }

        /** This answer with one more header. */
        public Respond header(String name, String value) {
            List<Map.Entry<String, String>> h = new ArrayList<>(headers);
            h.add(Map.entry(name, value));
            return new Respond(status, h, body, contentType, problem);
        }

        /** This answer with a UTF-8 text body of the given media type. */
        public Respond body(String text, String mediaType) {
            return body(text.getBytes(StandardCharsets.UTF_8), mediaType);
        }

        /** This answer with a body of the given media type. */
        public Respond body(byte[] bytes, String mediaType) {
            return new Respond(status, headers, bytes.clone(), mediaType, null);
        }
    }
}
