package io.portico.plugins.jwtauth;

import static org.assertj.core.api.Assertions.assertThat;

import io.portico.plugins.testkit.FakeHeaders;
import io.portico.plugins.testkit.FakeQuery;
import io.portico.plugins.testkit.FakeRequest;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokenLocatorTest {
    private static Optional<TokenLocator.Found> find(TokenLocator l, FakeHeaders h) {
        return l.find(new FakeRequest("GET", "/").headers(h));
    }

    @Test
    void authorizationWantsTheBearerSchemeInAnyCase() {
        TokenLocator l = new TokenLocator("Authorization", Optional.empty(), Optional.empty());
        assertThat(find(l, FakeHeaders.of("Authorization", "bearer  abc "))).map(TokenLocator.Found::value).contains("abc");
        assertThat(find(l, FakeHeaders.of("authorization", "BEARER abc"))).map(TokenLocator.Found::value).contains("abc");
        assertThat(find(l, FakeHeaders.of("Authorization", "Basic abc"))).isEmpty();
        assertThat(find(l, FakeHeaders.of("Authorization", "Bearer"))).hasValueSatisfying(f -> assertThat(f.value()).isNull());
        assertThat(find(l, FakeHeaders.of())).isEmpty();
    }

    @Test
    void anotherHeaderCarriesTheBareToken() {
        TokenLocator l = new TokenLocator("X-Api-Token", Optional.empty(), Optional.empty());
        assertThat(find(l, FakeHeaders.of("X-Api-Token", "abc"))).map(TokenLocator.Found::value).contains("abc");
        assertThat(find(l, FakeHeaders.of("X-Api-Token", "Bearer abc"))).map(TokenLocator.Found::value).contains("abc");
        assertThat(find(l, FakeHeaders.of("Authorization", "Bearer abc"))).isEmpty();
    }

    @Test
    void headerWinsOverCookieWhichWinsOverQuery() {
        TokenLocator l = new TokenLocator("Authorization", Optional.of("jwt"), Optional.of("token"));
        FakeRequest all = new FakeRequest("GET", "/").headers(FakeHeaders.of("Authorization", "Bearer h", "Cookie", "jwt=c"))
                .query(FakeQuery.of("token", "q"));
        assertThat(l.find(all)).map(TokenLocator.Found::value).contains("h");
        FakeRequest cookieAndQuery = new FakeRequest("GET", "/").headers(FakeHeaders.of("Cookie", "x=1; jwt=\"c\""))
                .query(FakeQuery.of("token", "q"));
        assertThat(l.find(cookieAndQuery)).map(TokenLocator.Found::value).contains("c");
        l.strip(cookieAndQuery, TokenLocator.Source.COOKIE);
        assertThat(cookieAndQuery.headers().first("Cookie")).contains("x=1");
        assertThat(cookieAndQuery.query().first("token")).contains("q");
        FakeRequest twoCookies = new FakeRequest("GET", "/").headers(FakeHeaders.of("Cookie", "jwt=a; jwt=b"));
        assertThat(l.find(twoCookies)).hasValueSatisfying(f -> assertThat(f.value()).isNull());
    }
}
