/** @type {import('./types/portico').PorticoFilter} */
// redact.js: masks sensitive fields in JSON responses before they reach the client.
//
// config:
//   fields: names of the fields to mask, matched at any depth, inside arrays too (default [password])
//   mask:   the value written instead                                      (default '***')
// Only responses whose Content-Type is JSON (application/json or application/*+json) are changed; others
// pass untouched, and so does an empty body. A JSON response that does not parse fails the request
// (500) rather than reach the client unredacted. The gateway recomputes Content-Length.
//
//   - { type: script, file: redact.js, config: { fields: [password, number, ssn] } }
export default {
  phase: 'transform',

  onRequest() {},

  async onResponse(res, ctx) {
    if (!JSON_TYPE.test(res.headers.get('Content-Type') ?? '')) return;
    const text = await res.text();
    if (text.trim() === '') return; // e.g. a HEAD response or a 204: nothing to redact
    const names = ctx.config.fields ?? ['password'];
    const fields = new Set((Array.isArray(names) ? names : [names]).map(String));
    const mask = ctx.config.mask ?? '***';
    // a string body keeps the upstream's Content-Type (an object would be relabelled application/json)
    res.body = JSON.stringify(redact(JSON.parse(text), fields, mask));
  },
};

// (top-level constants may follow the export: the hooks run only after the module is evaluated)
const JSON_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;

/**
 * A copy of `value` with every member named in `fields` replaced by `mask`, at any depth.
 * @param {unknown} value @param {Set<string>} fields @param {unknown} mask @returns {unknown}
 */
function redact(value, fields, mask) {
  if (Array.isArray(value)) return value.map((v) => redact(v, fields, mask));
  if (value === null || typeof value !== 'object') return value;
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const [k, v] of Object.entries(value)) out[k] = fields.has(k) ? mask : redact(v, fields, mask);
  return out;
}
