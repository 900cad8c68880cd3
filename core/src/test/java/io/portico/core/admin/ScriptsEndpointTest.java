package io.portico.core.admin;

import static io.portico.core.testing.MiniJson.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.portico.core.script.ScriptEngine;
import io.portico.core.script.ScriptLibrary;
import io.portico.core.testing.MiniJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /admin/scripts} rendering of filters and merge scripts, from a real {@link ScriptLibrary}. */
class ScriptsEndpointTest {
    @TempDir
    Path dir;

    @Test
    void everyScriptShowsItsKindAndOnlyFiltersHaveAPhase() throws Exception {
        Files.writeString(dir.resolve("tag.js"), "export default { phase: 'quota', onRequest() {} };");
        Files.writeString(dir.resolve("dash.js"), "export default { merge(parts) { return parts; } };");
        Files.writeString(dir.resolve("bad.js"), "export default { phase: 'quota', onRequest() {} };");
        try (ScriptLibrary library = new ScriptLibrary(dir, ScriptEngine::new)) {
            library.resolve("tag.js");
            library.resolveMerge("dash.js");
            library.resolveMerge("bad.js");
            library.resolveMerge("gone.js");
            AdminSources sources = new AdminSources(() -> true, null, null, () -> null, List::of, library::slots, null);
            Object json = MiniJson.parse(ScriptsEndpoint.render(sources));

            assertThat(at(json, "scripts", 0, "file")).isEqualTo("tag.js");
            assertThat(at(json, "scripts", 0, "kind")).isEqualTo("filter");
            assertThat(at(json, "scripts", 0, "phase")).isEqualTo("quota");
            assertThat(at(json, "scripts", 1, "file")).isEqualTo("dash.js");
            assertThat(at(json, "scripts", 1, "kind")).isEqualTo("merge");
            assertThat(at(json, "scripts", 1, "state")).isEqualTo("LOADED");
            assertThat(at(json, "scripts", 1, "phase")).isNull();
            assertThat((String) at(json, "scripts", 1, "hash")).matches("sha256:[0-9a-f]{64}");
            assertThat(at(json, "scripts", 2, "kind")).isEqualTo("merge");
            assertThat(at(json, "scripts", 2, "state")).isEqualTo("FAILED");
            assertThat((String) at(json, "scripts", 2, "lastError", "message")).contains("'merge' must be a function");
            assertThat(at(json, "scripts", 3, "kind")).isEqualTo("merge");
            assertThat(at(json, "scripts", 3, "state")).isEqualTo("MISSING");
        }
    }
}
