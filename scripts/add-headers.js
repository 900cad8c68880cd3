/** @type {import('./types/portico').PorticoFilter} */
// add-headers.js: sets headers on the request sent upstream and on the response sent to the client.
//
// config:
//   request:  { Header-Name: value, ... }   headers set on the upstream request (default: none)
//   response: { Header-Name: value, ... }   headers set on the client response (default: none)
// A value replaces every existing value of the header; a list of values sends the header once per value,
// and an empty list [] removes it. Numbers and booleans are sent as text.
//
//   - { type: script, file: add-headers.js,
//       config: { request: { X-Gateway: portico }, response: { X-Served-By: portico } } }
export default {
  phase: 'transform',

  onRequest(req, ctx) {
    apply(req.headers, ctx.config.request);
  },

  onResponse(res, ctx) {
    apply(res.headers, ctx.config.response);
  },
};

/**
 * Sets every name → value of `values` (a config map, possibly absent) on `headers`.
 * @param {import('./types/portico').PorticoHeaders} headers @param {Record<string, any> | undefined} values
 */
function apply(headers, values) {
  if (values == null) return;
  for (const name of Object.keys(values)) {
    const value = values[name];
    headers.delete(name);
    for (const v of Array.isArray(value) ? value : [value]) headers.add(name, v);
  }
}
