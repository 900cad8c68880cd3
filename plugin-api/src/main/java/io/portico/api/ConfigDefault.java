package io.portico.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The value a config record component takes when its key is absent, written as it would be in YAML
 * ({@code "10MB"}, {@code "5s"}, {@code "true"}, {@code "X-Request-Id"}).
 *
 * <p>Without this annotation an absent key gives: an empty {@code List}, {@code Set} or {@code Map}, an
 * empty {@code Optional}, and for any other type a configuration error ("missing required key").
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER, ElementType.FIELD, ElementType.METHOD})
public @interface ConfigDefault {
    String value();
}
