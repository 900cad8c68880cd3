package io.portico.core.admin;

import io.portico.core.plugin.PluginStatus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /admin/plugins}: {@code {"plugins":[{file, id, version, checksum, state, filterTypes, error,
 * since}]}} from the plugin host: each file's active version, its last failed attempt, and retired versions
 * still loaded. {@code checksum} is {@code sha256:<hex>} of the file. Stateless.
 */
final class PluginsEndpoint {
    private PluginsEndpoint() {
    }

    static String render(AdminSources sources) {
        List<Object> out = new ArrayList<>();
        for (PluginStatus p : sources.plugins().get()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", p.file() == null ? null : p.file().getFileName().toString());
            m.put("id", p.pluginId());
            m.put("version", p.version());
            m.put("checksum", p.sha256() == null ? null : "sha256:" + p.sha256());
            m.put("state", p.state().name());
            m.put("filterTypes", p.types());
            m.put("error", p.error());
            m.put("since", Texts.instant(p.at()));
            out.add(m);
        }
        return new JsonWriter().value(Map.of("plugins", out)).toString();
    }
}
