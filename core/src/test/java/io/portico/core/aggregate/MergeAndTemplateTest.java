package io.portico.core.aggregate;

import io.portico.api.Consumer;
import io.portico.core.config.PartConfig;
import io.portico.core.config.Template;
import io.portico.core.route.PathParams;
import io.portico.core.upstream.RequestHead;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The merge strategies and template rendering, without sockets. */
class MergeAndTemplateTest {

    private static PartPlan plan(String name, int index) {
        PartConfig c = new PartConfig(name, "u", new Template("/", List.of(new Template.Text("/"))), "GET", Map.of(),
                Optional.empty(), false, List.of(), Optional.empty(), 1);
        return new PartPlan(c, index, new int[0], null, false);
    }

    private static PartOutcome ok(String json) throws Exception {
        return new PartOutcome.Ok(PartCall.JSON.readTree(json), json, 200, 0);
    }

    private static String body(AggregateResult r) {
        return new String(((AggregateResult.Merged) r).body(), StandardCharsets.UTF_8);
    }

    private static AggregateRequest request(Optional<Consumer> consumer, Map<String, String> query) {
        return new AggregateRequest(PathParams.EMPTY, query, consumer, new RequestHead("GET", "/"), "r1", null, null,
                null, CancelSignal.NEVER);
    }

    @Test
    void deepMergeConcatenatesArraysKeepsEqualValuesAndEscapesPointers() throws Exception {
        List<PartPlan> plans = List.of(plan("a", 0), plan("b", 1), plan("c", 2));
        PartOutcome[] out = {
                ok("{\"x/y\":{\"~k\":1},\"same\":true,\"list\":[1]}"),
                ok("{\"x/y\":{\"~k\":2},\"same\":true,\"list\":[2,3],\"_portico\":{\"errors\":[]}}"),
                new PartOutcome.Failed(500, "upstream answered 500", PartOutcome.Cause.STATUS, 0)};
        AggregateResult r = new DeepMerge().merge(plans, out, List.of(new Merger.PartError("c", 500,
                "upstream answered 500")), null);
        assertThat(((AggregateResult.Merged) r).partial()).isTrue();
        assertThat(body(r)).isEqualTo("{\"x/y\":{\"~k\":2},\"same\":true,\"list\":[1,2,3],\"_portico\":{"
                + "\"conflicts\":[{\"path\":\"/x~1y/~0k\",\"parts\":[\"a\",\"b\"],\"winner\":\"b\"}],"
                + "\"errors\":[{\"part\":\"c\",\"status\":500,\"title\":\"upstream answered 500\"}]}}");
    }

    @Test
    void deepMergeOfArraysAndOfMismatchedRoots() throws Exception {
        List<PartPlan> plans = List.of(plan("a", 0), plan("b", 1));
        assertThat(body(new DeepMerge().merge(plans, new PartOutcome[] {ok("[1]"), ok("[2]")}, List.of(), null)))
                .isEqualTo("[1,2]");
        assertThat(body(new DeepMerge().merge(plans, new PartOutcome[] {ok("{\"k\":1}"), ok("[2]")}, List.of(), null)))
                .as("a later part wins a conflict at the root too").isEqualTo("[2]");
        assertThat(body(new DeepMerge().merge(plans, new PartOutcome[] {ok("{\"k\":null}"), ok("{\"k\":{\"a\":1}}")},
                List.of(), null))).isEqualTo("{\"k\":{\"a\":1},\"_portico\":{\"conflicts\":["
                + "{\"path\":\"/k\",\"parts\":[\"a\",\"b\"],\"winner\":\"b\"}]}}");
    }

    @Test
    void namespaceNeverCollides() throws Exception {
        List<PartPlan> plans = List.of(plan("a", 0), plan("b", 1));
        assertThat(body(new NamespaceMerge().merge(plans, new PartOutcome[] {ok("{\"k\":1}"), ok("{\"k\":2}")},
                List.of(), null))).isEqualTo("{\"a\":{\"k\":1},\"b\":{\"k\":2}}");
    }

    private static Template tpl(Object... pieces) {
        List<Template.Piece> out = new ArrayList<>();
        StringBuilder src = new StringBuilder();
        for (Object p : pieces) {
            if (p instanceof String s) {
                out.add(new Template.Text(s));
                src.append(s);
            } else {
                out.add((Template.Piece) p);
                src.append(((Template.Ref) p).shown());
            }
        }
        return new Template(src.toString(), out);
    }

    private static Template.Ref ref(Template.Kind kind, String name, String... field) {
        return new Template.Ref(kind, name, List.of(field));
    }

    @Test
    void pathValuesArePercentEncodedAsUtf8() throws Exception {
        Consumer ann = new Consumer("ann/admin", Set.of(), Set.of(), Map.of("tenant", "ø ß?#", "n", 42, "list", List.of(1)));
        AggregateRequest req = request(Optional.of(ann), Map.of("q", "a&b=c"));
        var values = new Templates.Values(req, Map.of("user", PartCall.JSON.readTree("{\"ids\":[\"x\",\"y\"],\"k\":7}")));
        assertThat(Templates.path(tpl("/t/", ref(Template.Kind.CLAIM, "tenant"), "/", ref(Template.Kind.CONSUMER_ID, "id"),
                "?q=", ref(Template.Kind.QUERY, "q"), "&n=", ref(Template.Kind.CLAIM, "n"), "&u=",
                ref(Template.Kind.PART, "user", "ids", "1"), "&k=", ref(Template.Kind.PART, "user", "k"),
                "&missing=", ref(Template.Kind.QUERY, "nope")), values))
                .isEqualTo("/t/%C3%B8%20%C3%9F%3F%23/ann%2Fadmin?q=a%26b%3Dc&n=42&u=y&k=7&missing=");
        assertThat(Templates.path(tpl("/", ref(Template.Kind.QUERY, "q")), new Templates.Values(
                request(Optional.empty(), Map.of("q", "😀")), Map.of()))).isEqualTo("/%F0%9F%98%80");
    }

    @Test
    void missingOrUnusableValuesFailThePart() throws Exception {
        AggregateRequest anonymous = request(Optional.empty(), Map.of());
        assertThatThrownBy(() -> Templates.path(tpl("/", ref(Template.Kind.CONSUMER_ID, "id")),
                new Templates.Values(anonymous, Map.of())))
                .isInstanceOfSatisfying(PartFailure.class, f -> {
                    assertThat(f.status).isEqualTo(400);
                    assertThat(f.getMessage()).isEqualTo("the request has no value for {consumer.id}");
                });
        Consumer c = new Consumer("c", Set.of(), Set.of(), Map.of("list", List.of(1)));
        assertThatThrownBy(() -> Templates.path(tpl("/", ref(Template.Kind.CLAIM, "list")),
                new Templates.Values(request(Optional.of(c), Map.of()), Map.of())))
                .hasMessage("{claims.list} is not a single value");
        var values = new Templates.Values(anonymous, Map.of("user", PartCall.JSON.readTree("{\"o\":{},\"n\":null}")));
        for (String field : List.of("o", "n", "absent")) {
            assertThatThrownBy(() -> Templates.path(tpl("/", ref(Template.Kind.PART, "user", field)), values))
                    .isInstanceOfSatisfying(PartFailure.class, f -> assertThat(f.status).isEqualTo(502))
                    .hasMessage("{user." + field + "} is missing or not a single value in the answer of part 'user'");
        }
        var crlf = new Templates.Values(request(Optional.empty(), Map.of("q", "a\r\nX-Evil: 1")), Map.of());
        assertThatThrownBy(() -> Templates.header("X-Q", tpl("v=", ref(Template.Kind.QUERY, "q")), crlf))
                .hasMessage("the value of {query.q} cannot be sent in header X-Q");
        assertThat(Templates.header("X-Q", tpl("v=", ref(Template.Kind.QUERY, "q")),
                new Templates.Values(request(Optional.empty(), Map.of("q", "a b/c")), Map.of()))).isEqualTo("v=a b/c");
    }
}
