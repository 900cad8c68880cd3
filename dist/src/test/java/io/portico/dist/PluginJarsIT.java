package io.portico.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.portico.api.Decision;
import io.portico.api.FilterFactory;
import io.portico.api.GatewayFilter;
import io.portico.api.Phase;
import io.portico.plugins.testkit.FakeBody;
import io.portico.plugins.testkit.FakeExchange;
import io.portico.plugins.testkit.FakeFilterContext;
import io.portico.plugins.testkit.FakeHeaders;
import io.portico.plugins.testkit.FakeRequest;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pf4j.JarPluginManager;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

/**
 * The first-party plugin jars in the assembled {@code plugins/} folder, loaded by PF4J as the gateway will
 * (deployment mode, one class loader per jar, the API from the application class path): every jar is a valid
 * plugin for this Portico version and contributes its {@link FilterFactory}; transform's shaded jackson-core
 * works inside its jar (jwt-auth's shaded libraries are exercised by JwtAuthIT in a running gateway). Filters are driven with the testkit's fakes (no gateway runs here).
 */
class PluginJarsIT {
    private static final Path PLUGINS = Path.of(System.getProperty("portico.home", "target/portico")).resolve("plugins");

    private PluginManager plugins;

    @BeforeEach
    void load() {
        plugins = new JarPluginManager(PLUGINS);
        // as the gateway must: without a pre-release qualifier, which PF4J's Plugin-Requires ranges cannot admit
        plugins.setSystemVersion(System.getProperty("portico.version", "0.1.0-SNAPSHOT").replaceFirst("-.*", ""));
        plugins.loadPlugins();
        plugins.startPlugins();
    }

    @AfterEach
    void unload() {
        plugins.stopPlugins();
        plugins.unloadPlugins();
    }

    @Test
    @SuppressWarnings("rawtypes")
    void everyPluginStartsAndContributesItsFilterFactory() {
        assertThat(plugins.getPlugins()).extracting(PluginWrapper::getPluginId)
                .containsExactlyInAnyOrder("request-id", "transform", "cors", "ip-restriction", "request-size", "jwt-auth",
                        "key-auth", "acl", "rate-limit");
        assertThat(plugins.getPlugins()).extracting(PluginWrapper::getPluginState).containsOnly(PluginState.STARTED);
        assertThat(plugins.getPlugins()).extracting(p -> p.getDescriptor().getProvider()).containsOnly("Portico");

        Map<String, Phase> phases = new TreeMap<>();
        for (FilterFactory f : plugins.getExtensions(FilterFactory.class)) {
            phases.put(f.type(), f.phase());
            assertThat(f.getClass().getClassLoader()).isNotSameAs(FilterFactory.class.getClassLoader());
            assertThat(plugins.whichPlugin(f.getClass()).getPluginId()).isEqualTo(f.type());
        }
        assertThat(phases).containsExactlyInAnyOrderEntriesOf(Map.of(
                "request-id", Phase.AUTHENTICATE, "cors", Phase.AUTHENTICATE, "ip-restriction", Phase.AUTHORIZE,
                "request-size", Phase.AUTHORIZE, "transform", Phase.TRANSFORM, "jwt-auth", Phase.AUTHENTICATE,
                "key-auth", Phase.AUTHENTICATE, "acl", Phase.AUTHORIZE, "rate-limit", Phase.QUOTA));
    }

    @Test
    void transformEditsJsonWithItsShadedJackson() throws Exception {
        FilterFactory<Record> transform = factory("transform");
        ClassLoader cl = transform.getClass().getClassLoader();
        Object body = record(cl, "BodyRules", Map.of("added", List.of(1, "two")), List.of("secret"));
        Object request = record(cl, "RequestRules", Optional.empty(), Optional.empty(), Optional.of("/v2/{id}"),
                Optional.of(body));
        Record config = (Record) record(cl, "TransformConfig", Optional.of(request), Optional.empty());

        GatewayFilter filter = transform.create(config, new FakeFilterContext("transform"));
        FakeExchange ex = new FakeExchange(new FakeRequest("POST", "/api/7")
                .headers(FakeHeaders.of("Content-Type", "application/json"))
                .body(FakeBody.of("{\"secret\":1,\"n\":1.50}"))).pathParams(Map.of("id", "7"));

        assertThat(filter.onRequest(ex)).isEqualTo(Decision.proceed());
        assertThat(ex.request().upstreamPath()).isEqualTo("/v2/7");
        assertThat(ex.request().fakeBody().peek()).isEqualTo("{\"n\":1.50,\"added\":[1,\"two\"]}");
    }

    @Test
    void ipRestrictionRefusesFromItsJar() throws Exception {
        FilterFactory<Record> ip = factory("ip-restriction");
        Record config = (Record) record(ip.getClass().getClassLoader(), "IpRestrictionConfig", List.of(),
                List.of("10.0.0.0/8"));
        GatewayFilter filter = ip.create(config, new FakeFilterContext("ip-restriction"));
        Decision d = filter.onRequest(FakeExchange.get("/").clientIp("10.1.2.3"));
        assertThat(d).isInstanceOf(Decision.Respond.class);
        assertThat(((Decision.Respond) d).status()).isEqualTo(403);
    }

    @SuppressWarnings("unchecked")
    private FilterFactory<Record> factory(String type) {
        return plugins.getExtensions(FilterFactory.class).stream()
                .filter(f -> f.type().equals(type)).findFirst().orElseThrow();
    }

    /** A config record {@code simpleName} of the plugin whose class loader is {@code cl} and whose package is the factory's. */
    private static Object record(ClassLoader cl, String simpleName, Object... args) throws Exception {
        Class<?> type = null;
        for (String pkg : List.of("io.portico.plugins.transform", "io.portico.plugins.iprestriction",
                "io.portico.plugins.jwtauth")) {
            try {
                type = cl.loadClass(pkg + "." + simpleName);
                break;
            } catch (ClassNotFoundException e) {
                // the other plugin's package
            }
        }
        if (type == null) {
            throw new ClassNotFoundException(simpleName);
        }
        Class<?>[] types = Arrays.stream(type.getRecordComponents()).map(RecordComponent::getType).toArray(Class<?>[]::new);
        Constructor<?> c = type.getDeclaredConstructor(types);
        return c.newInstance(args);
    }
}
