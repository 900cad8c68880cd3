package io.portico.plugins.ratelimit;

import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.portico.api.RedisSettings;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One Redis server as the plugin uses it: a Lettuce client with one shared connection, opened lazily on first use
 * and kept (Lettuce reconnects by itself after a drop), and the Bucket4j CAS proxy manager on it.
 *
 * <p>Bounded waits only: while the connection is down, commands are rejected at once
 * ({@code REJECT_COMMANDS}) instead of queueing, every command times out after the configured timeout, and a
 * caller waits for the first connect at most until its deadline. A failed connect is retried by the next caller
 * at most once per {@link #RETRY_CONNECT}; after a drop Lettuce reconnects with a back-off capped at
 * {@link #MAX_RECONNECT_DELAY}, so limiting resumes within about a second of Redis coming back. Thread-safe.
 */
final class RedisConnection implements AutoCloseable {
    /** Least time between two attempts of the first connect. */
    static final Duration RETRY_CONNECT = Duration.ofSeconds(1);
    /** How long a key outlives the time its bucket needs to be full again. */
    static final Duration KEEP_AFTER_FULL = Duration.ofSeconds(10);

    /** Reconnect attempts back off exponentially from 10 ms, but never wait longer than this. */
    static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);

    /** How long {@link #close()} waits for a connect under way. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

    private final ClientResources resources;
    private final RedisClient client;
    private final RedisURI uri;
    private final ReentrantLock lock = new ReentrantLock();
    private CompletableFuture<Connected> connecting;
    private long lastAttemptNanos;
    private volatile boolean closed;

    /** The live connection and its proxy manager. */
    record Connected(StatefulRedisConnection<byte[], byte[]> connection, AsyncProxyManager<byte[]> buckets) {
    }

    RedisConnection(RedisSettings settings) {
        this.uri = RedisURI.create(settings.url());
        Duration timeout = settings.timeout();
        uri.setTimeout(timeout);
        this.resources = ClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources, uri);
        Duration connectTimeout = timeout.compareTo(Duration.ofSeconds(1)) > 0 ? timeout : Duration.ofSeconds(1);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).build())
                .build());
    }

    /**
     * The connected proxy manager, waiting for a connect in progress at most until {@code deadlineNanos}
     * ({@link System#nanoTime()} based).
     *
     * @throws BucketStore.BackendException when not connected by then, or the connect failed
     */
    AsyncProxyManager<byte[]> buckets(long deadlineNanos) throws BucketStore.BackendException {
        CompletableFuture<Connected> f = current();
        try {
            long wait = deadlineNanos - System.nanoTime();
            return f.get(Math.max(0, wait), TimeUnit.NANOSECONDS).buckets();
        } catch (TimeoutException e) {
            throw new BucketStore.BackendException("no connection to Redis yet", e);
        } catch (ExecutionException e) {
            throw new BucketStore.BackendException("cannot connect to Redis: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BucketStore.BackendException("interrupted", e);
        }
    }

    /**
     * Starts connecting in the background (if not connected or connecting) and, once connected, runs one harmless
     * read so that the first request does not pay for class loading and the connection set-up. Never blocks;
     * failures are left to the requests to report.
     */
    void warmUp() {
        try {
            current().thenCompose(c -> c.buckets().getProxyConfiguration(
                    (RedisBucketStore.PREFIX + "warm-up").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (BucketStore.BackendException | RuntimeException e) {
            // reported by the requests
        }
    }

    private CompletableFuture<Connected> current() throws BucketStore.BackendException {
        lock.lock();
        try {
            if (closed) {
                throw new BucketStore.BackendException("the rate-limit plugin is stopped", null);
            }
            if (connecting == null || (connecting.isCompletedExceptionally()
                    && System.nanoTime() - lastAttemptNanos >= RETRY_CONNECT.toNanos())) {
                lastAttemptNanos = System.nanoTime();
                connecting = client.connectAsync(ByteArrayCodec.INSTANCE, uri).toCompletableFuture()
                        .thenApply(RedisConnection::connected);
            }
            return connecting;
        } finally {
            lock.unlock();
        }
    }

    private static Connected connected(StatefulRedisConnection<byte[], byte[]> connection) {
        AsyncProxyManager<byte[]> buckets = Bucket4jLettuce.casBasedBuilder(connection)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(KEEP_AFTER_FULL))
                .build()
                .asAsync();
        return new Connected(connection, buckets);
    }

    /**
     * Closes the connection and the client's threads. A connect still under way is waited for, at most
     * {@link #CLOSE_WAIT}, so that it does not complete on executors already shut down (which Lettuce logs
     * as an error); one that takes longer is closed whenever it completes.
     */
    @Override
    public void close() {
        CompletableFuture<Connected> f;
        lock.lock();
        try {
            closed = true;
            f = connecting;
        } finally {
            lock.unlock();
        }
        if (f != null) {
            try {
                f.get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS).connection().close();
            } catch (ExecutionException e) {
                // never connected: nothing to close
            } catch (TimeoutException e) {
                f.thenAccept(c -> c.connection().close());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                f.thenAccept(c -> c.connection().close());
            }
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
