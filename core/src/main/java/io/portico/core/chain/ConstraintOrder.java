package io.portico.core.chain;

import io.portico.api.FilterFactory;
import io.portico.api.Phase;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Orders a route's filter entries: by phase (stable, so config order and global-before-route hold within a
 * phase), then, inside each phase, a stable topological sort by the {@code before}/{@code after}
 * constraints: entries are placed in config order, and an entry that must run before the next one is
 * pulled in just ahead of it (so an unconstrained entry never moves relative to the others).
 *
 * <p>A constraint names a type; it relates this entry to every entry of that type in the chain (never to
 * entries of its own type). Naming a type that is not in the chain is ignored, unless the type is known
 * (through the lookup) to run in another phase; naming a type of another phase is an error, as is a cycle.
 * Stateless.
 */
final class ConstraintOrder {
    private ConstraintOrder() {
    }

    /** The ordered entries, or null when {@code errors} got a problem. */
    static List<FilterEntry> sort(List<FilterEntry> entries, FilterFactoryLookup lookup, List<String> errors) {
        List<FilterEntry> byPhase = new ArrayList<>(entries);
        byPhase.sort(Comparator.comparing(FilterEntry::phase)); // List.sort is stable
        int before = errors.size();
        List<FilterEntry> out = new ArrayList<>(entries.size());
        int start = 0;
        while (start < byPhase.size()) {
            Phase phase = byPhase.get(start).phase();
            int end = start;
            while (end < byPhase.size() && byPhase.get(end).phase() == phase) {
                end++;
            }
            out.addAll(sortPhase(byPhase.subList(start, end), byPhase, lookup, errors));
            start = end;
        }
        return errors.size() == before ? out : null;
    }

    private static List<FilterEntry> sortPhase(List<FilterEntry> group, List<FilterEntry> all,
                                               FilterFactoryLookup lookup, List<String> errors) {
        int n = group.size();
        boolean[][] edge = new boolean[n][n]; // edge[a][b]: a runs before b
        boolean any = false;
        for (int a = 0; a < n; a++) {
            FilterEntry e = group.get(a);
            for (String t : e.before()) {
                any |= relate(e, t, "before", group, all, lookup, errors, edge, a, true);
            }
            for (String t : e.after()) {
                any |= relate(e, t, "after", group, all, lookup, errors, edge, a, false);
            }
        }
        if (!any) {
            return group;
        }
        int[] state = new int[n]; // 0 new, 1 on the current path, 2 placed
        List<FilterEntry> out = new ArrayList<>(n);
        List<Integer> path = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (!visit(i, group, edge, state, path, out)) {
                List<FilterEntry> cycle = new ArrayList<>();
                int from = path.indexOf(path.get(path.size() - 1));
                for (int k = from; k < path.size() - 1; k++) {
                    cycle.add(group.get(path.get(k)));
                }
                cycle.sort(Comparator.comparingInt(group::indexOf));
                errors.add(cycle.get(0).location() + ": the before/after constraints of filters "
                        + cycle.stream().map(f -> "'" + f.type() + "' (" + f.location() + ")")
                        .collect(Collectors.joining(", "))
                        + " form a cycle");
                return group;
            }
        }
        return out;
    }

    /**
     * Places entry {@code i} after placing, first, every entry that must run before it (in config order):
     * an entry keeps its config position unless something has to be pulled in ahead of it.
     *
     * @return false on a cycle; {@code path} then ends with the entry that closed it
     */
    private static boolean visit(int i, List<FilterEntry> group, boolean[][] edge, int[] state, List<Integer> path,
                                 List<FilterEntry> out) {
        if (state[i] == 2) {
            return true;
        }
        path.add(i);
        if (state[i] == 1) {
            return false;
        }
        state[i] = 1;
        for (int p = 0; p < group.size(); p++) {
            if (edge[p][i] && !visit(p, group, edge, state, path, out)) {
                return false;
            }
        }
        state[i] = 2;
        out.add(group.get(i));
        path.remove(path.size() - 1);
        return true;
    }

    /** Adds the edges for "{@code e} runs {@code word} {@code type}"; true when any edge was added. */
    private static boolean relate(FilterEntry e, String type, String word, List<FilterEntry> group,
                                  List<FilterEntry> all, FilterFactoryLookup lookup, List<String> errors,
                                  boolean[][] edge, int a, boolean eFirst) {
        if (type.equals(e.type())) {
            return false;
        }
        Phase other = null;
        for (FilterEntry f : all) {
            if (f.type().equals(type) && f.phase() != e.phase()) {
                other = f.phase();
            }
        }
        if (other == null) {
            FilterFactory<?> factory = lookup.factory(type);
            if (factory != null && factory.phase() != e.phase()) {
                other = factory.phase();
            }
        }
        if (other != null) {
            errors.add(e.location() + ": filter '" + e.type() + "' (phase " + phaseName(e.phase()) + ") cannot run "
                    + word + " '" + type + "', which runs in phase " + phaseName(other)
                    + "; phases always run in the order authenticate, authorize, quota, transform");
            return false;
        }
        boolean added = false;
        for (int b = 0; b < group.size(); b++) {
            if (group.get(b).type().equals(type)) {
                if (eFirst) {
                    edge[a][b] = true;
                } else {
                    edge[b][a] = true;
                }
                added = true;
            }
        }
        return added;
    }

    private static String phaseName(Phase p) {
        return p.name().toLowerCase(java.util.Locale.ROOT);
    }
}
