package io.portico.plugins.jwtauth;

import com.auth0.jwk.JwksHttpClient;
import com.auth0.jwk.JwksHttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP client under jwks-rsa's {@code UrlJwkProvider}: one GET with an <b>overall deadline</b> (connect,
 * headers and body together within {@code timeout}; jwks-rsa's own client bounds only the connect and each read,
 * so a server trickling bytes could hold a request thread for long), no redirects, status 200 only, and a body of
 * at most {@code maxBytes}. Thread-safe.
 */
final class DeadlineJwksHttpClient implements JwksHttpClient {
    private static final ExecutorService FETCHES = Executors.newVirtualThreadPerTaskExecutor();

    private final Duration timeout;
    private final int maxBytes;

    DeadlineJwksHttpClient(Duration timeout, int maxBytes) {
        this.timeout = timeout;
        this.maxBytes = maxBytes;
    }

    /** @throws IOException on any failure, including the deadline passing (the connection is then closed) */
    @Override
    public JwksHttpResponse fetch(URL url) throws IOException {
        HttpURLConnection conn = (HttpURLConnection) url.openConnection();
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        conn.setConnectTimeout(millis);
        conn.setReadTimeout(millis);
        conn.setInstanceFollowRedirects(false);
        conn.setUseCaches(false);
        conn.setRequestProperty("Accept", "application/json");
        Future<String> body = FETCHES.submit(() -> read(conn));
        try {
            return new JwksHttpResponse(body.get(millis, java.util.concurrent.TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            throw new IOException("JWKS fetch took longer than " + timeout, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            body.cancel(true);
            conn.disconnect();
        }
    }

    private String read(HttpURLConnection conn) throws IOException {
        int status = conn.getResponseCode();
        if (status != 200) {
            throw new IOException("JWKS answered " + status);
        }
        try (InputStream in = conn.getInputStream()) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw new IOException("JWKS document larger than " + maxBytes + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
