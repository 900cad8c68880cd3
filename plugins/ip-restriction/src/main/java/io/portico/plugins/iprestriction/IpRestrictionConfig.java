package io.portico.plugins.iprestriction;

import java.util.List;

/**
 * Configuration of the {@code ip-restriction} filter. Each entry is an IPv4 or IPv6 CIDR block
 * ({@code 10.0.0.0/8}, {@code 2001:db8::/32}) or a single address.
 *
 * @param allow the blocks clients must be in; empty (the default) allows every address not denied
 * @param deny  the blocks that are refused; deny wins over allow
 */
public record IpRestrictionConfig(List<String> allow, List<String> deny) {

    /** @throws IllegalArgumentException naming the key and index of an invalid block, or when both lists are empty */
    public IpRestrictionConfig {
        allow = List.copyOf(allow == null ? List.of() : allow);
        deny = List.copyOf(deny == null ? List.of() : deny);
        if (allow.isEmpty() && deny.isEmpty()) {
            throw new IllegalArgumentException("allow, deny: give at least one CIDR block in allow or deny");
        }
        check("allow", allow);
        check("deny", deny);
    }

    /** The parsed {@link #allow} blocks. */
    List<IpBlock> allowBlocks() {
        return allow.stream().map(IpBlock::parse).toList();
    }

    /** The parsed {@link #deny} blocks. */
    List<IpBlock> denyBlocks() {
        return deny.stream().map(IpBlock::parse).toList();
    }

    private static void check(String key, List<String> blocks) {
        for (int i = 0; i < blocks.size(); i++) {
            try {
                IpBlock.parse(blocks.get(i));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + "[" + i + "]: " + e.getMessage(), e);
            }
        }
    }
}
