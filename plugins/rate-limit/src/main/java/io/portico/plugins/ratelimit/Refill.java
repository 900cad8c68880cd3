package io.portico.plugins.ratelimit;

/**
 * How a limit's tokens come back: {@code greedy} adds them one by one as soon as possible (10 per 1s gives one
 * every 100 ms), {@code interval} adds all of them at once when each {@code per} period ends (quotas per day or
 * month).
 */
public enum Refill {
    GREEDY, INTERVAL
}
