// Requests to the server's /api routes once signed in. Every answer passes by here so a 401 —
// the session expired, or was ended elsewhere — takes the page back to the login screen whatever
// asked (the ledger, the history chart, an action). The session travels in the HttpOnly cookie;
// the page never sees or keeps the token.
//
// POST /api/login and GET /api/me do not come here: a 401 is their ordinary answer.

let session_lost = null;  // () → void, set once by app.js

export function on_session_lost(handler) {
  session_lost = handler;
}

// fetch() on the page's own origin with its cookie; a 401 is reported before the caller sees it.
export async function api_fetch(url, init = {}) {
  const res = await fetch(url, { credentials: 'same-origin', ...init });
  if (res.status === 401) session_lost?.();
  return res;
}

// GET as JSON; resolves {ok, status, body} (body null when the answer is not JSON).
export async function get_json(url, init = {}) {
  const res = await api_fetch(url, { ...init, headers: { accept: 'application/json' } });
  const body = await res.json().catch(() => null);
  return { ok: res.ok, status: res.status, body, status_text: res.statusText };
}

// POSTs JSON text; resolves {ok, status, body} or rejects on a network failure.
export async function post_json(url, text) {
  const res = await api_fetch(url, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: text,
  });
  const body = await res.json().catch(() => null);
  return { ok: res.ok, status: res.status, body };
}
