/** @type {import('./types/portico').PorticoFilter} */
// ab-cookie.js: A/B routing. Requests whose A/B cookie holds the "B" value go to another upstream.
// Optionally, callers without the cookie are put in a bucket by a stable hash of a request header (the
// same header value always lands in the same bucket) and get the cookie with the response.
//
// config:
//   upstream:    the upstream for bucket B                        (required)
//   cookie:      the cookie's name                                (default 'ab')
//   value:       the cookie value that means B                    (default 'b')
//   hash-header: header to assign a bucket from when the cookie is absent (default: none, no assignment)
//   percent:     share of hashed callers sent to B, 0..100        (default 50)
//   control:     the cookie value written for bucket A            (default 'a')
//   max-age:     Max-Age of the cookie written, in seconds        (default 2592000, 30 days)
//
//   - { type: script, file: ab-cookie.js, config: { upstream: orders-v2, hash-header: X-User-Id, percent: 10 } }
export default {
  phase: 'transform',

  onRequest(req, ctx) {
    const c = ctx.config;
    const name = c.cookie ?? 'ab', b = String(c.value ?? 'b');
    let value = cookie(req.headers.getAll('Cookie'), name);
    if (value == null && c['hash-header'] != null) {
      const key = req.headers.get(c['hash-header']);
      if (key == null) return; // nothing stable to hash: default upstream, no cookie
      value = fnv1a(key) % 100 < (c.percent ?? 50) ? b : String(c.control ?? 'a');
      // onResponse sets the cookie; the attribute is how onRequest tells it (module state is not per request)
      ctx.attributes['ab-cookie.' + name] = value;
    }
    if (value === b) ctx.upstream = c.upstream;
  },

  onResponse(res, ctx) {
    const name = ctx.config.cookie ?? 'ab';
    const assigned = ctx.attributes['ab-cookie.' + name];
    if (assigned == null) return;
    const maxAge = ctx.config['max-age'] ?? 2592000;
    res.headers.add('Set-Cookie', `${name}=${assigned}; Path=/; Max-Age=${maxAge}; SameSite=Lax; HttpOnly`);
  },
};

/**
 * The value of cookie `name` in `Cookie` header lines ("a=1; b=2", possibly several lines), or null.
 * @param {string[]} lines @param {string} name @returns {string | null}
 */
function cookie(lines, name) {
  for (const line of lines) {
    for (const pair of line.split(';')) {
      const eq = pair.indexOf('=');
      if (eq > 0 && pair.slice(0, eq).trim() === name) {
        return pair.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
      }
    }
  }
  return null;
}

/** 32-bit FNV-1a hash of a string's UTF-16 code units, as an unsigned integer. @param {string} s */
function fnv1a(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
