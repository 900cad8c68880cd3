package io.portico.core.route;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PathNormalizerTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "/",
            "/a",
            "/a/",
            "/api/orders/42",
            "/p%2Fq/a%20b",
            "/a%5Cb",
            "/x+y;v=1:@!$&'()*,=",
            "/%25",
            "/caf%C3%A9",
            "/...",
            "/a..b/.c/..d",
            "/{x}/|/^/`/\"<>[]",
    })
    void alreadyNormalizedPathIsReturnedAsSameInstance(String path) {
        String result = PathNormalizer.normalize(path);
        assertThat(result).isSameAs(path);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // examples from the contract
            "/p%2Fq/a%20b       | /p%2Fq/a%20b",
            "/a/./b/../c        | /a/c",
            "/%61pi//x          | /api/x",
            "/a/%2e%2e/b        | /b",
            // unreserved escapes are decoded
            "/%41%5a%61%7a%30%39 | /AZaz09",
            "/%2D%2e%5F%7e      | /-._~",
            "/%7E%7e            | /~~",
            // other escapes get upper-case hex and stay encoded
            "/%2f               | /%2F",
            "/%5c               | /%5C",
            "/a%2fb%3a%c3%a9    | /a%2Fb%3A%C3%A9",
            "/%25               | /%25",
            "/%2541             | /%2541",
            "/%20%2b            | /%20%2B",
            // slashes merged, trailing slash kept
            "//a///b            | /a/b",
            "//                 | /",
            "///                | /",
            "/a//               | /a/",
            "/a/b/              | /a/b/",
            // dot segments
            "/.                 | /",
            "/./                | /",
            "/./a               | /a",
            "/a/.               | /a/",
            "/a/./              | /a/",
            "/a/b/..            | /a/",
            "/a/b/../           | /a/",
            "/a/..              | /",
            "/a/../b/../c       | /c",
            "/a/b/c/../../d     | /a/d",
            "/a/.//b            | /a/b",
            "/a//..//b          | /b",
            "/a/%2E             | /a/",
            "/a/.%2e/b          | /b",
            "/a/%2E./b          | /b",
            // only whole segments are dot segments; hidden ones are rejected (see rejectsHiddenDotSegments)
            "/a/b%2F.c          | /a/b%2F.c",
            "/a/x;..            | /a/x;..",
            "/a/...             | /a/...",
            "/a/.b/..c          | /a/.b/..c",
    })
    void normalizes(String raw, String expected) {
        assertThat(PathNormalizer.normalize(raw)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/a/./b/../c", "/%61pi//x", "/a/%2e%2e/b", "/a%2fb", "//a///b/", "/a/b/..", "/%7e/x%3a"
    })
    void normalizationIsIdempotent(String raw) {
        String once = PathNormalizer.normalize(raw);
        assertThat(PathNormalizer.normalize(once)).isSameAs(once);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a/..%2Fb", "/a/..%2fb", "/a/%2e%2e%2fb", "/a/..;/b", "/a/.;x/b", "/a/b%2F..",
            "/a/b%5C..%5Cc", "/a/%5C.", "/public/..%2Fadmin", "/a/..;jsessionid=1"})
    void rejectsHiddenDotSegments(String raw) {
        assertRejected(raw, "ambiguous dot segment in path");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a b", "/a\tb", "/a\nb", "/a\rb", "/\u0000", "/a\u001fb", "/a\u007fb"})
    void rejectsControlCharactersSpaceAndDel(String raw) {
        assertRejected(raw, "invalid character in path");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/caf\u00e9", "/\u00ff", "/\u4e2d", "/a\ud83d\ude00"})
    void rejectsNonAscii(String raw) {
        assertRejected(raw, "invalid character in path");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a\\b", "/\\", "/a#b", "/#", "/a?b"})
    void rejectsBackslashHashAndQuestionMark(String raw) {
        assertRejected(raw, "invalid character in path");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a%2", "/a%", "/%", "/a%g1", "/a%1g", "/a%%41", "/%zz/b", "/a%2/b"})
    void rejectsMalformedEscapes(String raw) {
        assertRejected(raw, "malformed percent-encoding in path");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a%00", "/%00/b", "/a/%00"})
    void rejectsEncodedNul(String raw) {
        assertRejected(raw, "encoded NUL in path");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/..", "/../a", "/a/../..", "/a/../../b", "/%2e%2e", "/.%2E/x", "//..//", "/./.."})
    void rejectsClimbingAboveRoot(String raw) {
        assertRejected(raw, "path escapes the root");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/b", "*", "http://host/a", "%2Fa"})
    void rejectsPathNotStartingWithSlash(String raw) {
        assertRejected(raw, "path must start with '/'");
    }

    @Test
    void rejectsNull() {
        assertRejected(null, "path must start with '/'");
    }

    @Test
    void rejectionIsCheapAndDoesNotEchoThePath() {
        BadPathException e = catchBad("/secret%00");
        assertThat(e.getStackTrace()).isEmpty();
        assertThat(e.reason()).isEqualTo("encoded NUL in path").doesNotContain("secret");
    }

    @Test
    void encodedSlashAndBackslashStayOpaque() {
        assertThat(PathNormalizer.normalize("/files/group%2Fproject")).isEqualTo("/files/group%2Fproject");
        assertThat(PathNormalizer.normalize("/files/a%5Cb%2fc")).isEqualTo("/files/a%5Cb%2Fc");
        assertThat(PathNormalizer.normalize("/a%2F...%2Fb")).isEqualTo("/a%2F...%2Fb");
    }

    @Test
    void fastPathDoesNotAllocate() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled());
        String[] paths = {"/api/orders/42", "/p%2Fq/a%20b", "/a/b/c/d/e/f/", "/"};
        int sink = 0;
        for (int i = 0; i < 20_000; i++) { // warm up
            sink += PathNormalizer.normalize(paths[i & 3]).length();
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            sink += PathNormalizer.normalize(paths[i & 3]).length();
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertThat(sink).isPositive();
        assertThat(allocated).as("bytes allocated by 100k fast-path calls").isLessThan(10_000);
    }

    @Test
    void randomPathsEitherAreRejectedOrSatisfyAllInvariants() {
        char[] alphabet = "/./%2eE5fFcC0A4a1~-_ +;\\#?".toCharArray();
        java.util.Random random = new java.util.Random(7);
        int accepted = 0;
        for (int n = 0; n < 50_000; n++) {
            StringBuilder sb = new StringBuilder("/");
            int len = random.nextInt(12);
            for (int i = 0; i < len; i++) {
                sb.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String raw = sb.toString();
            String result;
            try {
                result = PathNormalizer.normalize(raw);
            } catch (BadPathException e) {
                continue;
            }
            accepted++;
            assertNormalForm(raw, result);
            if (result.equals(raw)) {
                assertThat(result).as("canonical input must take the fast path: %s", raw).isSameAs(raw);
            }
            assertThat(PathNormalizer.normalize(result)).as("idempotent: %s", raw).isSameAs(result);
        }
        assertThat(accepted).isGreaterThan(5_000);
    }

    private static void assertNormalForm(String raw, String p) {
        assertThat(p).as(raw).startsWith("/").doesNotContain("//");
        for (String segment : p.substring(1).split("/", -1)) {
            assertThat(segment).as(raw).isNotIn(".", "..");
        }
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            assertThat(c > 0x20 && c < 0x7F && c != '\\' && c != '#' && c != '?').as(raw).isTrue();
            if (c == '%') {
                String hex = p.substring(i + 1, i + 3);
                assertThat(hex).as(raw).matches("[0-9A-F]{2}").isNotEqualTo("00");
                assertThat(PathNormalizer.isUnreserved(Integer.parseInt(hex, 16))).as(raw).isFalse();
            }
        }
    }

    private static void assertRejected(String raw, String reason) {
        assertThat(catchBad(raw).getMessage()).isEqualTo(reason);
    }

    private static BadPathException catchBad(String raw) {
        try {
            String result = PathNormalizer.normalize(raw);
            throw new AssertionError("expected rejection of " + raw + " but got " + result);
        } catch (BadPathException e) {
            return e;
        }
    }

    @Test
    void rejectionIsABadPathExceptionWithTheReason() {
        assertThatThrownBy(() -> PathNormalizer.normalize("/a%2"))
                .isInstanceOf(BadPathException.class)
                .hasMessage("malformed percent-encoding in path");
    }
}
