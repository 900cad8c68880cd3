/** @type {import('./types/portico').MergeScript} */
// merge-dashboard.js: a merge script for an aggregate route that fetches a user and their orders and
// answers one object: { id, name, orders: [{ id, status, total }, ...] }.
//
// parts.user:   the user part's JSON body, e.g. { "id": 7, "name": "Ann", "email": "..." }
// parts.orders: the orders part's JSON body: an array of orders, or an object with an `items` array.
//               When that part is optional and failed, it is absent: the answer has `orders: []`, and the
//               gateway adds `_portico.errors` saying which part failed.
//
//   - id: dashboard
//     match: { path: /dashboard/{id} }
//     aggregate:
//       merge: { script: merge-dashboard.js }
//       parts:
//         - { name: user, upstream: users, path: "/users/{id}" }
//         - { name: orders, upstream: orders, path: "/orders?user={id}", optional: true }
export default {
  merge(parts, ctx) {
    const user = parts.user ?? {};
    return {
      id: user.id ?? ctx.params.id ?? null,
      name: user.name ?? null,
      orders: list(parts.orders).map(o => ({ id: o.id, status: o.status, total: o.total })),
    };
  },
};

/**
 * The orders of the `orders` part's body (an array, or `{ items: [...] }`); none when the part is absent.
 * @param {any} body @returns {any[]}
 */
function list(body) {
  if (Array.isArray(body)) return body;
  if (body != null && Array.isArray(body.items)) return body.items;
  return [];
}
