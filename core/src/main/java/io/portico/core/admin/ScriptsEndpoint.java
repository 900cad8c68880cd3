package io.portico.core.admin;

import io.portico.core.script.ScriptError;
import io.portico.core.script.ScriptSlot;
import io.portico.core.script.ScriptStats;
import io.portico.core.script.ScriptVersion;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /admin/scripts}: {@code {"scripts":[{file, kind, state, hash, phase, loadedAt, changedAt, lastError:
 * {file, line, column, location, message}|null, stats:{invocations, errors, timeouts, busy}}]}}: every script
 * file a configuration refers to. {@code hash} and {@code stats} are those of the version serving now (null
 * and zeros when none does: a FAILED file may still serve its previous version, a MISSING one serves nothing);
 * {@code kind} is {@code filter} or {@code merge} (what configurations use the file as; known even when no
 * version serves); {@code phase} is null for a merge script, which has none.
 * {@code loadedAt} is when that version was published. Stateless.
 */
final class ScriptsEndpoint {
    private ScriptsEndpoint() {
    }

    static String render(AdminSources sources) {
        List<Object> out = new ArrayList<>();
        for (ScriptSlot s : sources.scripts().get()) {
            ScriptVersion v = s.current();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", s.name());
            m.put("kind", s.kind().name().toLowerCase(Locale.ROOT));
            m.put("state", s.state().name());
            m.put("hash", v == null ? null : "sha256:" + v.sha256());
            m.put("phase", v == null || v.phase() == null ? null : v.phase().name().toLowerCase(Locale.ROOT));
            m.put("loadedAt", s.state() == ScriptSlot.State.LOADED ? Texts.instant(s.changedAt()) : null);
            m.put("changedAt", Texts.instant(s.changedAt()));
            ScriptError e = s.lastError();
            if (e == null) {
                m.put("lastError", null);
            } else {
                Map<String, Object> em = new LinkedHashMap<>();
                String file = e.file().getFileName() == null ? e.file().toString() : e.file().getFileName().toString();
                em.put("file", file);
                em.put("line", e.line());
                em.put("column", e.column());
                em.put("location", e.line() > 0 ? file + ":" + e.line() + ":" + e.column() : file);
                em.put("message", e.message());
                m.put("lastError", em);
            }
            ScriptStats st = v == null ? null : v.stats();
            Map<String, Object> sm = new LinkedHashMap<>();
            sm.put("invocations", st == null ? 0 : st.invocations());
            sm.put("errors", st == null ? 0 : st.errors());
            sm.put("timeouts", st == null ? 0 : st.timeouts());
            sm.put("busy", st == null ? 0 : st.busy());
            m.put("stats", sm);
            out.add(m);
        }
        return new JsonWriter().value(Map.of("scripts", out)).toString();
    }
}
