// Portico JavaScript filter API: what a script filter (an ES module in `scripts/`) sees, and (MergeScript)
// the contract of an aggregate route's merge script.
//
// Use it from plain JavaScript for editor completion and `tsc --checkJs`:
//
//   // scripts/tenant.js
//   /** @type {import('./types/portico').PorticoFilter} */
//   export default {
//     phase: 'transform',
//     onRequest(req, ctx) {
//       const tenant = ctx.consumer?.claims?.tenant;
//       if (!tenant) return ctx.respond(403, { error: 'no tenant' });
//       req.headers.set(ctx.config.header, tenant);
//     },
//     onResponse(res, ctx) { res.headers.set('X-Served-By', 'portico'); },
//   };
//
// Every object here is a live view of the request being handled: changes apply immediately, nothing is
// copied. Objects are valid only during the call they were passed to (do not keep them in module state:
// module state is per context and there are several contexts). Assigning a member that is not writable
// here, deleting a member, or assigning an invalid value throws a `TypeError` (a `RangeError` for a bad
// status).
//
// core's TypesDeclarationTest checks that this file declares exactly the members the bindings have.

/** A value Portico accepts where a header or query value is expected; numbers and booleans become text. */
export type PorticoText = string | number | boolean;

/** The shape of a script filter: the module's default export. */
export interface PorticoFilter {
    /** Where in the chain the filter runs: `authenticate`, `authorize`, `quota` or `transform`. */
    phase: 'authenticate' | 'authorize' | 'quota' | 'transform';
    /**
     * Called for each request before it goes upstream. Change `req` in place, or answer with
     * `ctx.respond(...)`. May be `async`; throwing (or a rejected promise) fails the request.
     */
    onRequest(req: PorticoRequest, ctx: PorticoContext): void | Promise<void>;
    /** Called with the response before it is sent to the client (optional). `ctx.respond` is not available. */
    onResponse?(res: PorticoResponse, ctx: PorticoContext): void | Promise<void>;
}

/**
 * The shape of a merge script, the default export of a file an aggregate route names in
 * `merge: { script: file.js }`. Reference it with a JSDoc `@type {import('./types/portico').MergeScript}`
 * above `export default`.
 * It has no `phase` and no request/response bindings: it gets plain parsed JSON and returns plain JSON.
 */
export interface MergeScript {
    /**
     * Builds the route's response body from its parts; called with `this` = the export object. `parts` holds
     * each part's body parsed as JSON, by part name; a part that failed is absent (its error is in
     * `ctx.errors`). The return value (or what a returned promise resolves to) is sent as
     * `JSON.stringify(value)`. When `ctx.errors` is not empty and the value is a plain object (not an array),
     * the gateway adds `_portico: { ...value._portico, errors: ctx.errors }` to it. Returning `undefined` or a
     * value JSON cannot represent (a cycle, a BigInt, a function), throwing, or rejecting fails the request.
     * The same time budget and sandbox as filters apply; keep no state between calls.
     */
    merge(parts: Record<string, any>, ctx: MergeContext): any;
}

/** `ctx` of a merge script: plain JSON data about the request (a copy: changing it changes nothing). */
export interface MergeContext {
    /** The route id from the configuration. */
    readonly route: string;
    /** The gateway's id for this request (the `X-Request-Id` value). */
    readonly requestId: string;
    /** The route pattern's `{name}` path parameters, percent-decoded. */
    readonly params: Readonly<Record<string, string>>;
    /** The request's query parameters (as the filters left them), decoded: the first value of each name. */
    readonly query: Readonly<Record<string, string>>;
    /** The authenticated caller, or `null` when none. */
    readonly consumer: PorticoConsumer | null;
    /** The optional parts that failed (empty when every part answered). */
    readonly errors: readonly MergeError[];
}

/** An optional part of an aggregate route that failed, as listed in `ctx.errors` and `_portico.errors`. */
export interface MergeError {
    /** The part's name. */
    readonly part: string;
    /** The HTTP status that stands for the failure (e.g. the upstream's status, or 504 for a timeout). */
    readonly status: number;
    /** A short description of the failure, e.g. `Bad Gateway`. */
    readonly title: string;
}

/** `req`: the request as it will be sent upstream. */
export interface PorticoRequest {
    /** The method, e.g. `GET`. */
    readonly method: string;
    /**
     * The normalized path the client asked for. Writable: assigning sets the path sent upstream (and later
     * reads return it). It must start with `/` and contain no spaces, control characters, `#` or `?`
     * (percent-encode what needs it), else a `TypeError` is thrown.
     */
    path: string;
    /** The decoded query parameters; changes are sent upstream (re-encoded). */
    readonly query: PorticoQuery;
    /** The route pattern's `{name}` path parameters, percent-decoded. Read-only. */
    readonly params: Readonly<Record<string, string>>;
    /** The request headers; changes are sent upstream. */
    readonly headers: PorticoHeaders;
    /** The client's IP address as text (the peer, or the forwarded client behind a trusted proxy). */
    readonly clientIp: string;
    /**
     * The body decoded as UTF-8. Buffers the body on the first call (up to the server's `max-body-size`;
     * beyond it the request is answered with 413).
     */
    text(): Promise<string>;
    /** The body parsed as JSON (see `text()`); malformed JSON throws a `SyntaxError`. */
    json<T = unknown>(): Promise<T>;
}

/** `res`: the response that will be sent to the client. */
export interface PorticoResponse {
    /** The status code. Writable: an integer 200..599, else a `RangeError` is thrown. */
    status: number;
    /** The response headers; changes reach the client. */
    readonly headers: PorticoHeaders;
    /** The response body decoded as UTF-8 (buffered on the first call, up to `max-body-size`). */
    text(): Promise<string>;
    /** The response body parsed as JSON; malformed JSON throws a `SyntaxError`. */
    json<T = unknown>(): Promise<T>;
    /**
     * Write-only (reading gives `undefined`; use `await res.text()`). Replaces the body: a string is sent as
     * UTF-8; `null`/`undefined` empties the body; anything else is sent as `JSON.stringify(value)` with
     * `Content-Type: application/json`, unless the script set another `Content-Type` in this call.
     */
    body: string | number | boolean | object | null | undefined;
}

/** `ctx`: the exchange around `req`/`res`. */
export interface PorticoContext {
    /**
     * Answers the client now instead of proceeding (`onRequest` only; once per call). A string body is sent
     * as `text/plain; charset=utf-8`, anything else as JSON (`application/json`), unless `headers` has a
     * `Content-Type`, which then labels the body. Header values may be arrays for repeated headers. A
     * status outside 200..599 throws a `RangeError`.
     */
    respond(status: number, body?: string | number | boolean | object | null,
            headers?: Record<string, PorticoText | PorticoText[]>): void;
    /** The filter's `config:` from the gateway configuration. Read-only. */
    readonly config: Readonly<Record<string, any>>;
    /** The matched route. Read-only. */
    readonly route: PorticoRoute;
    /**
     * The name of the upstream the request goes to. Writable in `onRequest`: assigning another configured
     * upstream's name re-targets the request; an unknown name throws a `TypeError`.
     */
    upstream: string;
    /** The authenticated caller, or `null` when none. The object is read-only. */
    get consumer(): PorticoConsumer | null;
    /**
     * Sets the authenticated caller (`onRequest` only), as an authenticate filter does. Claims are copied as
     * plain values (strings, numbers, booleans, arrays, objects; top-level `null`s dropped).
     */
    set consumer(value: { id: string; groups?: string[]; scopes?: string[]; claims?: Record<string, unknown> });
    /**
     * Per-request attributes shared with Java filters, by name. Assign to set (strings, numbers, booleans,
     * arrays and objects are copied), `delete` (or assign `undefined`) to remove; `Object.keys` lists them.
     * Values set by Java filters read as plain values (lists and maps are read-only).
     */
    readonly attributes: Record<string, unknown>;
    /** Log lines for this script and request. */
    readonly log: PorticoLog;
    /** The request's tracing span. */
    readonly span: PorticoSpan;
    /** The gateway's id for this request (the `X-Request-Id` value). */
    readonly requestId: string;
}

/** Request or response headers: case-insensitive names, possibly repeated. */
export interface PorticoHeaders {
    /** The first value of `name`, or `null`. */
    get(name: string): string | null;
    /** Every value of `name`, in order (empty when absent). */
    getAll(name: string): string[];
    /** Whether `name` is present. */
    has(name: string): boolean;
    /** Replaces every value of `name`. CR, LF and NUL are refused (throws). */
    set(name: string, value: PorticoText): void;
    /** Adds a value, keeping the existing ones. */
    add(name: string, value: PorticoText): void;
    /** Removes every value of `name`. */
    delete(name: string): void;
    /** The names present, in their first-seen spelling. */
    names(): string[];
}

/** The request's query parameters, decoded (`%20` and `+` as space); names are case-sensitive. */
export interface PorticoQuery {
    /** The first value of `name`, or `null` (an empty string for `?name` without a value). */
    get(name: string): string | null;
    /** Every value of `name`, in order (empty when absent). */
    getAll(name: string): string[];
    /** Whether `name` is present. */
    has(name: string): boolean;
    /** Replaces every value of `name`. */
    set(name: string, value: PorticoText): void;
    /** Adds a value, keeping the existing ones. */
    add(name: string, value: PorticoText): void;
    /** Removes every value of `name`. */
    delete(name: string): void;
    /** The parameter names, in order of first appearance. */
    names(): string[];
}

/** An authenticated caller. Read-only. */
export interface PorticoConsumer {
    /** The consumer id (config `consumers[].id`, or the token's subject). */
    readonly id: string;
    /** The groups it belongs to (config `consumers[].groups`, or the token's groups claim). */
    readonly groups: readonly string[];
    /** What it was granted (config `consumers[].scopes`, or the token's `scope`/`scp` claim). */
    readonly scopes: readonly string[];
    /** Claims of its credential (JWT claims; empty for an API key), as parsed JSON values. */
    readonly claims: Readonly<Record<string, any>>;
}

/** The matched route. Read-only. */
export interface PorticoRoute {
    /** The route id from the configuration. */
    readonly id: string;
    /** The route pattern's path parameters. */
    readonly params: Readonly<Record<string, string>>;
}

/**
 * Log lines, prefixed with `script <file>@<hash> request <id>:`; arguments are joined by spaces (non-strings
 * as `String(x)`), line breaks escaped, and each line capped at 8 KB.
 */
export interface PorticoLog {
    /** Logs at INFO. */
    info(...args: unknown[]): void;
    /** Logs at WARNING. */
    warn(...args: unknown[]): void;
    /** Logs at SEVERE (error). */
    error(...args: unknown[]): void;
}

/** The request's tracing span (does nothing when tracing is off). */
export interface PorticoSpan {
    /** Sets an attribute on the span (the value as `String(value)`). */
    setAttribute(key: string, value: PorticoText): void;
    /** Records a timestamped event on the span. */
    addEvent(name: string): void;
}
