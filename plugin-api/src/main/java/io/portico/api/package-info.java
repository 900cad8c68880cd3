/**
 * The Portico plugin API: the only artifact a plugin compiles against (declare it {@code provided}).
 *
 * <p>It contains no Helidon, GraalVM or OpenTelemetry SDK types, so plugins keep working across Portico's
 * internal upgrades. A plugin contributes {@link io.portico.api.FilterFactory} extensions; each creates
 * {@link io.portico.api.GatewayFilter}s from a config record. Filters run in named {@link io.portico.api.Phase
 * phases}, decide with {@link io.portico.api.Decision}, and see the request through
 * {@link io.portico.api.Exchange}.
 *
 * <p><b>Config records</b> ({@link io.portico.api.FilterFactory#configType()}): components may be
 * {@code String}, {@code int}/{@code Integer}, {@code long}/{@code Long}, {@code double}/{@code Double},
 * {@code boolean}/{@code Boolean}, {@link java.time.Duration} ({@code 500ms}, {@code 5s}, {@code 1m},
 * {@code 1h}), {@link io.portico.api.ByteSize}, an {@code enum} (written in lower case with dashes),
 * another record (a nested mapping), {@code List<T>}, {@code Set<T>}, {@code Map<String, T>} and
 * {@code Optional<T>} of those. Unknown keys are errors.
 */
package io.portico.api;
