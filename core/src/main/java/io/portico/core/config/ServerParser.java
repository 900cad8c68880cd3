package io.portico.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.yaml.snakeyaml.nodes.Node;

/** Builds the listener sections: {@code server:}, {@code admin:} and {@code demo:}. Not thread-safe. */
final class ServerParser {
    static final List<String> SERVER_KEYS = List.of("host", "port", "max-body-size", "max-request-line",
            "max-header-size", "max-headers", "header-timeout", "idle-timeout", "shutdown-grace",
            "max-connections", "trusted-proxies");
    static final List<String> ADMIN_KEYS = List.of("host", "port", "token", "ready-requires-healthy-targets");
    static final List<String> DEMO_KEYS = List.of("enabled", "host", "port");
    private static final String HOST_FORMAT = "an IP address or host name like 0.0.0.0 or 127.0.0.1";
    private static final String TOKEN_FORMAT = "a token of visible ASCII characters without spaces";

    private final YamlNodes y;

    ServerParser(YamlNodes y) {
        this.y = y;
    }

    ServerConfig server(Fields top) {
        ServerConfig d = ServerConfig.defaults();
        Fields f = top.mapping("server", SERVER_KEYS);
        return new ServerConfig(
                host(f, d.host()),
                f.integer("port", 0, 65535, d.port()),
                f.size("max-body-size", 1, Long.MAX_VALUE, d.maxBodySize()),
                (int) f.size("max-request-line", 8000, 1 << 20, d.maxRequestLine()),
                (int) f.size("max-header-size", 1 << 10, 1 << 20, d.maxHeaderSize()),
                f.integer("max-headers", 1, 10_000, d.maxHeaders()),
                f.duration("header-timeout", d.headerTimeout()),
                f.duration("idle-timeout", d.idleTimeout()),
                f.integer("max-connections", 1, Integer.MAX_VALUE, d.maxConnections()),
                trustedProxies(f),
                f.duration("shutdown-grace", d.shutdownGrace()));
    }

    private List<Cidr> trustedProxies(Fields f) {
        List<Node> items = f.list("trusted-proxies");
        List<Cidr> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String key = f.keyOf("trusted-proxies") + "[" + i + "]";
            y.scalar(items.get(i), key, "a CIDR block like 10.0.0.0/8").ifPresent(s -> {
                try {
                    out.add(Cidr.parse(s.text()));
                } catch (IllegalArgumentException e) {
                    y.invalid(s, "an IP address or CIDR block like 10.0.0.0/8 or ::1/128");
                }
            });
        }
        return out;
    }

    AdminConfig admin(Fields top) {
        AdminConfig d = AdminConfig.defaults();
        Fields f = top.mapping("admin", ADMIN_KEYS);
        int port = f.scalar("port", "an integer 0..65535 or -1 (disabled)").flatMap(s -> {
            try {
                int p = Integer.parseInt(s.text().strip());
                if (p >= -1 && p <= 65535) {
                    return Optional.of(p);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            y.invalid(s, "an integer 0..65535 or -1 (disabled)");
            return Optional.<Integer>empty();
        }).orElse(d.port());
        String token = f.scalar("token", TOKEN_FORMAT).map(s -> {
            if (!s.text().chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                y.error(s.node(), s.key(), "expected " + TOKEN_FORMAT
                        + (s.vars().isEmpty() ? "" : ", in " + s.shown()));
                return "";
            }
            return s.text();
        }).orElse(d.token());
        boolean readyNeedsTargets = f.bool("ready-requires-healthy-targets", d.readyRequiresHealthyTargets());
        Optional<Scalar> explicitHost = f.scalar("host", HOST_FORMAT).filter(s -> checkHost(s));
        if (explicitHost.isPresent()) {
            Scalar h = explicitHost.get();
            if (token.isEmpty() && port != -1 && !Names.isLoopback(h.text())) {
                y.error(h.node(), h.key(), "a non-loopback admin host needs admin.token (set a token, or bind"
                        + " to 127.0.0.1), got " + h.shown());
            }
            return new AdminConfig(h.text(), port, token, readyNeedsTargets);
        }
        return new AdminConfig(token.isEmpty() ? "127.0.0.1" : "0.0.0.0", port, token, readyNeedsTargets);
    }

    DemoConfig demo(Fields top) {
        if (!top.present("demo")) {
            return DemoConfig.disabled();
        }
        DemoConfig d = DemoConfig.disabled();
        Fields f = top.mapping("demo", DEMO_KEYS);
        return new DemoConfig(f.bool("enabled", true), host(f, d.host()), f.integer("port", 0, 65535, d.port()));
    }

    private String host(Fields f, String dflt) {
        return f.scalar("host", HOST_FORMAT).filter(this::checkHost).map(Scalar::text).orElse(dflt);
    }

    private boolean checkHost(Scalar s) {
        if (Names.isBindHost(s.text())) {
            return true;
        }
        y.invalid(s, HOST_FORMAT);
        return false;
    }
}
