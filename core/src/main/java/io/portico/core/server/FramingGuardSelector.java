package io.portico.core.server;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProtocolConfigs;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionProvider;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;

import io.portico.core.aggregate.CancelSignal;

import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * Helidon's HTTP/1.1 connection handling, with every byte the client sends passed through a
 * {@link FramingGuard} first. Bytes up to a framing violation are delivered; the read after them fails
 * with a 400 {@link RequestException}, which the request path turns into a problem response and a closed
 * connection. Reads of request-body bytes are limited by {@link ClientDeadlines}. Registered as the
 * listener's only connection selector.
 *
 * <p>{@link #clientGone()} lets the request being handled learn that its client closed the connection while
 * the handler waits on something else (an aggregation): the connection's next read is made early, on
 * another thread, and handed to the connection when it reads next, so no byte is lost or reordered.
 */
final class FramingGuardSelector implements ServerConnectionSelector {
    private final ServerConnectionSelector http1;
    private final ClientDeadlines deadlines;

    FramingGuardSelector(String listenerName, Http1Config config, ClientDeadlines deadlines) {
        this.http1 = new Http1ConnectionProvider().create(listenerName, config, ProtocolConfigs.create(List.of(config)));
        this.deadlines = deadlines;
    }

    @Override
    public int bytesToIdentifyConnection() {
        return http1.bytesToIdentifyConnection();
    }

    @Override
    public Support supports(BufferData data) {
        return http1.supports(data);
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return http1.supportedApplicationProtocols();
    }

    /**
     * A signal that fires when the client of the request handled on this thread closes its connection (or
     * the connection fails); {@link CancelSignal#NEVER} outside a guarded connection's thread. Helidon's
     * HTTP/1 handler runs on its connection's own thread, which is how the connection is found.
     */
    static CancelSignal clientGone() {
        GuardedSupplier s = GuardedSupplier.CURRENT.get();
        return s == null ? CancelSignal.NEVER : s::whenClosed;
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        return http1.connection(new Guarded(ctx, deadlines));
    }

    /** The connection context with a reader that checks framing. */
    private static final class Guarded implements ConnectionContext {
        private final ConnectionContext ctx;
        private final DataReader reader;

        Guarded(ConnectionContext ctx, ClientDeadlines deadlines) {
            this.ctx = ctx;
            this.reader = DataReader.create(new GuardedSupplier(ctx, deadlines));
        }

        @Override
        public DataReader dataReader() {
            return reader;
        }

        @Override
        public ListenerContext listenerContext() {
            return ctx.listenerContext();
        }

        @Override
        public ExecutorService executor() {
            return ctx.executor();
        }

        @Override
        public DataWriter dataWriter() {
            return ctx.dataWriter();
        }

        @Override
        public Router router() {
            return ctx.router();
        }

        @Override
        public Optional<ProxyProtocolData> proxyProtocolData() {
            return ctx.proxyProtocolData();
        }

        @Override
        public HelidonSocket serverSocket() {
            return ctx.serverSocket();
        }

        @Override
        public PeerInfo remotePeer() {
            return ctx.remotePeer();
        }

        @Override
        public PeerInfo localPeer() {
            return ctx.localPeer();
        }

        @Override
        public boolean isSecure() {
            return ctx.isSecure();
        }

        @Override
        public String socketId() {
            return ctx.socketId();
        }

        @Override
        public String childSocketId() {
            return ctx.childSocketId();
        }
    }

    /** Socket bytes through the guard; the bytes Helidon already buffered (if any) come first. */
    private static final class GuardedSupplier implements Supplier<byte[]> {
        static final ThreadLocal<GuardedSupplier> CURRENT = new ThreadLocal<>();

        private final ConnectionContext ctx;
        private final DataReader original;
        private final HelidonSocket socket;
        private final ClientDeadlines deadlines;
        private final FramingGuard guard = new FramingGuard();
        private boolean drainedOriginal;
        private RequestException pending;
        /** The next read, made early by {@link #whenClosed}; taken by the connection's next {@link #read()}. */
        private java.util.concurrent.CompletableFuture<byte[]> ahead;

        GuardedSupplier(ConnectionContext ctx, ClientDeadlines deadlines) {
            this.ctx = ctx;
            this.original = ctx.dataReader();
            this.socket = ctx.serverSocket();
            this.deadlines = deadlines;
        }

        @Override
        public byte[] get() {
            if (pending != null) {
                throw pending;
            }
            byte[] data;
            if (!drainedOriginal) {
                drainedOriginal = true;
                CURRENT.set(this); // the connection's own thread: the handler runs here too
                int buffered = original.available();
                data = buffered > 0 ? original.readBytes(buffered) : read();
            } else {
                data = read();
            }
            if (data == null) {
                return null;
            }
            int ok = guard.inspect(data, data.length);
            if (ok == data.length) {
                return data;
            }
            pending = RequestException.builder()
                    .type(io.helidon.http.DirectHandler.EventType.BAD_REQUEST)
                    .status(Status.BAD_REQUEST_400)
                    .message("invalid request framing: " + guard.violation())
                    .safeMessage(false)
                    .setKeepAlive(false)
                    .build();
            if (ok == 0) {
                throw pending;
            }
            return Arrays.copyOf(data, ok);
        }

        /**
         * Runs {@code action} once when the client closes the connection (the early read sees the end of
         * the stream or fails), until the registration is closed. Connection thread only.
         */
        CancelSignal.Registration whenClosed(Runnable action) {
            var live = new java.util.concurrent.atomic.AtomicBoolean(true);
            var f = ahead;
            if (f == null) {
                var started = new java.util.concurrent.CompletableFuture<byte[]>();
                Thread.ofVirtual().name("portico-client-watch").start(() -> {
                    try {
                        started.complete(socket.get());
                    } catch (Throwable t) {
                        started.completeExceptionally(t);
                    }
                });
                ahead = started;
                f = started;
            }
            f.whenComplete((data, failure) -> {
                if ((data == null || failure != null) && live.getAndSet(false)) {
                    action.run();
                }
            });
            return () -> live.set(false);
        }

        private byte[] read() {
            var early = ahead;
            if (early != null) {
                ahead = null;
                try {
                    return early.get();
                } catch (InterruptedException e) {
                    // as an interrupted socket read would: the server stops, or drains an idle connection
                    Thread.currentThread().interrupt();
                    socket.close();
                    throw new ServerConnectionException("Failed to get data from socket",
                            new UncheckedIOException(new java.nio.channels.ClosedByInterruptException()));
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof UncheckedIOException io) {
                        throw new ServerConnectionException("Failed to get data from socket", io);
                    }
                    throw e.getCause() instanceof RuntimeException re ? re
                            : new ServerConnectionException("Failed to get data from socket", e.getCause());
                }
            }
            boolean inBody = guard.inBody();
            if (inBody) {
                deadlines.bodyReadStarted(ctx);
            }
            try {
                return socket.get();
            } catch (UncheckedIOException e) {
                throw new ServerConnectionException("Failed to get data from socket", e);
            } finally {
                if (inBody) {
                    deadlines.bodyReadEnded(ctx);
                }
            }
        }
    }
}
