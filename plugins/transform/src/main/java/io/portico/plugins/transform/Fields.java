package io.portico.plugins.transform;

import io.portico.api.Headers;
import io.portico.api.Query;
import java.util.List;

/** The operations {@link NameEdit} needs, over {@link Headers} or {@link Query}. */
interface Fields {
    List<String> all(String name);

    void set(String name, String value);

    void add(String name, String value);

    void remove(String name);

    static Fields of(Headers h) {
        return new Fields() {
            @Override
            public List<String> all(String name) {
                return h.all(name);
            }

            @Override
            public void set(String name, String value) {
                h.set(name, value);
            }

            @Override
            public void add(String name, String value) {
                h.add(name, value);
            }

            @Override
            public void remove(String name) {
                h.remove(name);
            }
        };
    }

    static Fields of(Query q) {
        return new Fields() {
            @Override
            public List<String> all(String name) {
                return q.all(name);
            }

            @Override
            public void set(String name, String value) {
                q.set(name, value);
            }

            @Override
            public void add(String name, String value) {
                q.add(name, value);
            }

            @Override
            public void remove(String name) {
                q.remove(name);
            }
        };
    }
}
