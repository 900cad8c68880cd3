package io.portico.core.config;

import java.io.StringReader;
import java.util.Iterator;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.reader.ReaderException;

/**
 * Turns YAML text into a node tree with SnakeYAML's composer (no object construction, so no tags can
 * instantiate anything), under limits that keep hostile input cheap: few aliases of collections, bounded
 * nesting and size. Syntax problems are recorded as errors with their line; no SnakeYAML exception
 * escapes. Stateless.
 */
final class YamlComposer {
    /** Largest accepted document, in code points. */
    static final int MAX_CODE_POINTS = 8 * 1024 * 1024;
    private static final int MAX_ALIASES_FOR_COLLECTIONS = 50;
    private static final int MAX_NESTING = 64;

    private YamlComposer() {
    }

    /**
     * @return the root node of the single document, or null when the text holds no document or a problem
     *         was recorded in {@code y}
     */
    static Node compose(String text, YamlNodes y) {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_ALIASES_FOR_COLLECTIONS);
        options.setNestingDepthLimit(MAX_NESTING);
        options.setCodePointLimit(MAX_CODE_POINTS);
        options.setAllowRecursiveKeys(false);
        options.setProcessComments(false);
        // The composer does not check duplicate keys; YamlNodes.mapping reports them with their lines.
        options.setAllowDuplicateKeys(true);
        try {
            Iterator<Node> documents = new Yaml(options).composeAll(new StringReader(text)).iterator();
            if (!documents.hasNext()) {
                return null;
            }
            Node root = documents.next();
            if (documents.hasNext()) {
                Node second = documents.next();
                y.error(second, "", "expected a single YAML document, found a second one ('---')");
                return null;
            }
            return root;
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            StringBuilder msg = new StringBuilder("invalid YAML");
            if (mark != null) {
                msg.append(" at column ").append(mark.getColumn() + 1);
            }
            msg.append(": ").append(e.getProblem() == null ? "syntax error" : e.getProblem());
            if (e.getContext() != null) {
                msg.append(" (").append(e.getContext());
                Mark ctx = e.getContextMark();
                if (ctx != null && ctx != mark && ctx.getLine() != mark.getLine()) {
                    msg.append(" at line ").append(ctx.getLine() + 1);
                }
                msg.append(')');
            }
            y.error(mark == null ? 0 : mark.getLine() + 1, "", msg.toString());
        } catch (ReaderException e) {
            y.error(lineOf(text, e.getPosition()), "", String.format(
                    "invalid YAML: the character U+%04X is not allowed in a YAML file", e.getCodePoint()));
        } catch (YAMLException e) {
            // limits: aliases, nesting depth, document size
            y.error(0, "", "invalid YAML: " + e.getMessage());
        } catch (RuntimeException e) {
            y.error(0, "", "invalid YAML: the file could not be read as YAML");
        }
        return null;
    }

    /** 1-based line of the code point at {@code position}. */
    private static int lineOf(String text, int position) {
        int line = 1;
        int cp = 0;
        for (int i = 0; i < text.length() && cp < position; cp++) {
            char c = text.charAt(i);
            if (c == '\n') {
                line++;
            }
            i += Character.charCount(text.codePointAt(i));
        }
        return line;
    }
}
