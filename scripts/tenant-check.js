/** @type {import('./types/portico').PorticoFilter} */
// tenant-check.js: lets a request through only for an authenticated caller whose credential names an
// allowed tenant, and tells the upstream which tenant it is.
//
// config:
//   claim:   the consumer claim holding the tenant          (default 'tenant')
//   allowed: list of accepted tenants                      (default: any non-empty tenant)
//   header:  request header that carries the tenant upstream (default 'X-Tenant'; a value the client sent
//            is replaced)
// No consumer → 401; no tenant, or one not in `allowed` → 403. Both answers are problem-style JSON.
// Put it after the filter that authenticates (jwt-auth, key-auth or an `authenticate` script).
//
//   - { type: script, file: tenant-check.js, config: { allowed: [acme, globex] } }
export default {
  phase: 'authorize',

  onRequest(req, ctx) {
    const { claim = 'tenant', allowed, header = 'X-Tenant' } = ctx.config;
    const consumer = ctx.consumer;
    if (consumer == null) {
      return deny(ctx, 401, 'Unauthorized', 'This route needs an authenticated caller.');
    }
    const tenant = consumer.claims?.[claim];
    if (typeof tenant !== 'string' || tenant === '') {
      return deny(ctx, 403, 'Forbidden', 'The credential names no tenant.');
    }
    if (allowed != null && !(Array.isArray(allowed) ? allowed : [allowed]).includes(tenant)) {
      return deny(ctx, 403, 'Forbidden', 'The tenant may not use this route.');
    }
    req.headers.set(header, tenant);
  },
};

/**
 * Answers like the gateway's own errors (ctx.respond sends an object as application/json).
 * @param {import('./types/portico').PorticoContext} ctx @param {number} status
 * @param {string} title @param {string} detail
 */
function deny(ctx, status, title, detail) {
  ctx.respond(status, {
    type: 'urn:portico:problem:tenant', title, status, detail, instance: ctx.requestId,
  });
}
