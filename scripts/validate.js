/** @type {import('./types/portico').PorticoFilter} */
// validate.js: rejects malformed write requests before they reach the upstream.
//
// For POST, PUT and PATCH the request must have Content-Type application/json (or application/*+json),
// a body that parses as JSON and, when `required` is set, be a JSON object whose listed top-level fields
// are present and not empty (null, '', whitespace only and [] count as empty). Otherwise it is answered
// 400 with an RFC 9457 problem (application/problem+json) listing every error. Other methods pass.
// The body reaches the upstream unchanged. Bodies over server.max-body-size are answered 413.
//
// config:
//   required: top-level fields that must be present and not empty (default [])
//
//   - { type: script, file: validate.js, config: { required: [name, email] } }
export default {
  phase: 'transform',

  async onRequest(req, ctx) {
    if (!WRITES.has(req.method)) return;
    if (!JSON_TYPE.test(req.headers.get('Content-Type') ?? '')) {
      return reject(ctx, 'The body must be JSON.', [{ field: '', message: 'Content-Type must be application/json' }]);
    }
    /** @type {any} */
    let body;
    try {
      body = await req.json();
    } catch (e) {
      if (!(e instanceof SyntaxError)) throw e; // e.g. a body over the size limit: the gateway answers 413
      return reject(ctx, 'The body is not valid JSON.', [{ field: '', message: 'malformed JSON' }]);
    }
    const list = ctx.config.required ?? [];
    const required = Array.isArray(list) ? list : [list];
    if (required.length === 0) return;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      return reject(ctx, 'The body must be a JSON object.', [{ field: '', message: 'not an object' }]);
    }
    const errors = required.filter((f) => isEmpty(body[f])).map((f) => ({ field: f, message: 'is required' }));
    if (errors.length > 0) reject(ctx, `Missing required field(s): ${errors.map((e) => e.field).join(', ')}.`, errors);
  },
};

// (top-level constants may follow the export: the hooks run only after the module is evaluated)
const WRITES = new Set(['POST', 'PUT', 'PATCH']);
const JSON_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;

/** Whether a required field's value counts as missing. @param {unknown} v */
function isEmpty(v) {
  return v == null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0);
}

/** 400 problem. @param {import('./types/portico').PorticoContext} ctx @param {string} detail @param {object[]} errors */
function reject(ctx, detail, errors) {
  ctx.respond(400, {
    type: 'urn:portico:problem:validation', title: 'Bad Request', status: 400, detail, instance: ctx.requestId, errors,
  }, { 'Content-Type': 'application/problem+json' });
}
