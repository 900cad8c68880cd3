package io.portico.plugins.acl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AclConfigTest {

    @Test
    void oneRuleKindIsEnough() {
        assertThat(new AclConfig(List.of("orders:read"), null, null).groups()).isEmpty();
        assertThat(new AclConfig(null, List.of("partners"), null).claims()).isEmpty();
        assertThat(new AclConfig(null, null, Map.of("tier", "gold")).scopes()).isEmpty();
    }

    @Test
    void noRuleAtAllIsAnError() {
        assertThatThrownBy(() -> new AclConfig(List.of(), List.of(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("scopes, groups, claims: ");
        assertThatThrownBy(() -> new AclConfig(null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("scopes, groups, claims: ");
    }

    @Test
    void blankEntriesAreErrorsNamingTheirIndex() {
        assertThatThrownBy(() -> new AclConfig(List.of("a", " "), List.of(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("scopes[1]: ");
        assertThatThrownBy(() -> new AclConfig(List.of(), List.of(""), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("groups[0]: ");
        assertThatThrownBy(() -> new AclConfig(List.of(), List.of(), Map.of(" ", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("claims: ");
    }

    @Test
    void listsAreCopied() {
        java.util.ArrayList<String> scopes = new java.util.ArrayList<>(List.of("a"));
        AclConfig c = new AclConfig(scopes, List.of(), Map.of());
        scopes.add("b");
        assertThat(c.scopes()).containsExactly("a");
    }
}
