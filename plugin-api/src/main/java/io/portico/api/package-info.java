/**
 * The Portico plugin API: the only artifact a plugin compiles against (declare it {@code provided}).
 *
 * <p>It contains no Helidon, GraalVM or OpenTelemetry SDK types, so plugins keep working across Portico's
 * internal upgrades. The filter contract ({@code GatewayFilter}, {@code Decision}, {@code FilterFactory})
 * arrives with the plugin issue; today this package holds the phase names the configuration uses.
 */
package io.portico.api;
