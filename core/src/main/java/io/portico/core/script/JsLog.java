package io.portico.core.script;

import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;

/**
 * {@code ctx.log}: {@code info(...args)}, {@code warn(...args)}, {@code error(...args)} log to the filter's
 * {@link Logger} at {@code INFO}, {@code WARNING}, {@code SEVERE}. The message is
 * {@code script <label> request <requestId>: } followed by the arguments joined by spaces (non-strings as
 * JS {@code String(x)}), CR and LF escaped as {@code \r} {@code \n} (one record is one line), and cut at
 * {@link #MAX_MESSAGE} characters. Nothing is formatted when the level is off. Confined to the request's
 * thread.
 */
final class JsLog extends JsView {
    /** The most characters of one message (prefix included); longer ones end with a truncation mark. */
    static final int MAX_MESSAGE = 8192;
    private static final String[] KEYS = {"info", "warn", "error"};

    private final Logger logger;
    private final String prefix;
    private ProxyExecutable info;
    private ProxyExecutable warn;
    private ProxyExecutable error;

    JsLog(Logger logger, String scriptLabel, String requestId) {
        super("ctx.log", KEYS);
        this.logger = Objects.requireNonNull(logger, "logger");
        this.prefix = "script " + scriptLabel + " request " + requestId + ": ";
    }

    @Override
    public Object getMember(String key) {
        return switch (key) {
            case "info" -> info != null ? info : (info = args -> log(Level.INFO, args));
            case "warn" -> warn != null ? warn : (warn = args -> log(Level.WARNING, args));
            case "error" -> error != null ? error : (error = args -> log(Level.SEVERE, args));
            default -> null;
        };
    }

    private Object log(Level level, Value[] args) {
        if (logger.isLoggable(level)) {
            logger.log(level, message(args));
        }
        return null;
    }

    private String message(Value[] args) {
        StringBuilder sb = new StringBuilder(prefix);
        for (int i = 0; i < args.length && sb.length() <= MAX_MESSAGE; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            String s = JsValues.string(args[i]);
            for (int j = 0; j < s.length() && sb.length() <= MAX_MESSAGE; j++) {
                char c = s.charAt(j);
                if (c == '\n') {
                    sb.append("\\n");
                } else if (c == '\r') {
                    sb.append("\\r");
                } else {
                    sb.append(c);
                }
            }
        }
        if (sb.length() > MAX_MESSAGE) {
            String mark = "… (truncated)";
            sb.setLength(MAX_MESSAGE - mark.length());
            sb.append(mark);
        }
        return sb.toString();
    }
}
