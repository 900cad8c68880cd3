package io.portico.core.script;

import io.portico.api.Request;
import io.portico.core.chain.BufferedBody;
import io.portico.core.chain.ExchangeBase;
import io.portico.core.chain.MutableHeaders;
import io.portico.core.chain.MutableQuery;
import io.portico.core.chain.MutableResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The in-memory exchange {@link ScriptEngine}'s warm-up runs the bindings against: a {@code POST /warm?a=1}
 * with a small JSON body, one upstream called {@code warm}, and a JSON response. One thread; not used for
 * real requests.
 */
final class WarmUpExchange extends ExchangeBase {
    private final Request request;

    WarmUpExchange() {
        super("warm-up", "warm-up", "warm");
        MutableHeaders headers = new MutableHeaders();
        MutableQuery query = new MutableQuery("a=1");
        BufferedBody body = BufferedBody.of("{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        request = new Request() {
            private String upstreamPath = "/warm";

            @Override
            public String method() {
                return "POST";
            }

            @Override
            public String path() {
                return "/warm";
            }

            @Override
            public String upstreamPath() {
                return upstreamPath;
            }

            @Override
            public void upstreamPath(String path) {
                upstreamPath = path;
            }

            @Override
            public MutableQuery query() {
                return query;
            }

            @Override
            public MutableHeaders headers() {
                return headers;
            }

            @Override
            public BufferedBody body() {
                return body;
            }
        };
        responseView(new MutableResponse(200, new MutableHeaders(),
                BufferedBody.of("[1]".getBytes(StandardCharsets.UTF_8))));
    }

    @Override
    protected boolean upstreamExists(String name) {
        return name.equals("warm");
    }

    @Override
    public Map<String, String> pathParams() {
        return Map.of("id", "1");
    }

    @Override
    public String clientIp() {
        return "127.0.0.1";
    }

    @Override
    public Request request() {
        return request;
    }
}
