package io.portico.core.upstream.balance;

import io.portico.core.upstream.Target;
import io.portico.core.upstream.TestTargets;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class CandidateCacheTest {

    @Test
    void buildsOncePerSetAndRecognisesAnEqualList() {
        List<Target> t = TestTargets.targets(3);
        AtomicInteger builds = new AtomicInteger();
        List<Object> previous = new ArrayList<>();
        CandidateCache<String> cache = new CandidateCache<>((c, prev) -> {
            previous.add(prev == null ? "none" : prev);
            return "state-" + builds.incrementAndGet() + "-" + c.size();
        });
        assertThat(cache.get(t)).isEqualTo("state-1-3");
        assertThat(cache.get(t)).isEqualTo("state-1-3");
        assertThat(cache.get(new ArrayList<>(t))).as("same targets, another list").isEqualTo("state-1-3");
        assertThat(cache.get(t.subList(0, 2))).isEqualTo("state-2-2");
        assertThat(cache.get(List.of(t.get(1), t.get(0)))).as("order matters").isEqualTo("state-3-2");
        assertThat(cache.get(TestTargets.targets(3))).as("other targets").isEqualTo("state-4-3");
        assertThat(previous).containsExactly("none", "state-1-3", "state-2-2", "state-3-2");
    }
}
