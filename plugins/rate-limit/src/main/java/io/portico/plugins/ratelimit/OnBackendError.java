package io.portico.plugins.ratelimit;

/** What a request gets when the backend (Redis) fails or times out: {@code allow} proceeds, {@code deny} answers 503. */
public enum OnBackendError {
    ALLOW, DENY
}
