package io.bridgewall.kernel;

import java.util.Optional;

/**
 * One consistent read of our table: every dump ran while the ruleset stayed at
 * {@code generation} (read before and after; equal), so no concurrent commit tore it.
 *
 * @param table empty when the table is not installed at that generation
 */
public record ReadBack(int generation, Optional<InstalledTable> table) {
}
