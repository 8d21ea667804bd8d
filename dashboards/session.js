// Who is signed in, and what that person may do (docs/security.md): the user of GET /api/me and
// POST /api/login, the role ladder, which actions each role may take, the words of a refused
// login, and the alert an SMS link asks for (#alert=A-000043), kept in the address across the
// login. Pure (no DOM, no fetch) so node's tests can drive it.
//
// The server decides every request; this only keeps the page from offering what it would
// refuse (a viewer sees no action buttons, a duty leader no 销号 or 指派).

// Lowest first: each role may do what the ones before it may.
export const user_roles = Object.freeze(['viewer', 'duty_leader', 'safety_director', 'bureau', 'admin']);

const rank = (role) => user_roles.indexOf(role);

// The least role an action needs. Acknowledging, rectifying, reporting, noting and registering
// hazards are the duty leader's; closing (verifying) and assigning the safety director's.
export const action_roles = Object.freeze({
  ack: 'duty_leader',
  rectify: 'duty_leader',
  report: 'duty_leader',
  note: 'duty_leader',
  register: 'duty_leader',
  close: 'safety_director',
  assign: 'safety_director',
});

const is_object = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const text = (v) => (typeof v === 'string' ? v : '');

// The `user` object of /api/me or /api/login as the page keeps it, or null when it is not one
// (no name, or a role this page does not know: such a user is shown nothing rather than guessed at).
export function normalize_user(u) {
  if (!is_object(u) || !text(u.name) || !user_roles.includes(u.role)) return null;
  const sites = (Array.isArray(u.sites) ? u.sites : []).filter((s) => typeof s === 'string' && s);
  return {
    name: u.name,
    display_name: text(u.display_name) || u.name,
    role: u.role,
    sites,
    // bureau and admin see every school whatever the server's flag says (docs/security.md).
    all_sites: u.all_sites === true || rank(u.role) >= rank('bureau'),
  };
}

// The user of an answer {"user": {…}} (GET /api/me, POST /api/login), or null.
export const user_of = (body) => (is_object(body) ? normalize_user(body.user) : null);

// Whether `user` may take `action` (ack, rectify, close, report, note, assign, register), on an
// entry of `site` when given. Unknown actions are refused.
export function may(user, action, site) {
  if (!user) return false;
  const needs = action_roles[action];
  if (!needs || rank(user.role) < rank(needs)) return false;
  return !site || user.all_sites || user.sites.includes(site);
}

// The body of POST /api/login.
export const login_body = (name, password) => JSON.stringify({ user: name.trim(), password });

// Seconds to wait from a Retry-After header: delta-seconds or an HTTP date (RFC 9110); null when
// absent or unreadable. At least 1, so "0 秒后" is never shown.
export function retry_after_seconds(header, now = Date.now()) {
  if (typeof header !== 'string' || !header.trim()) return null;
  const v = header.trim();
  if (/^\d+$/.test(v)) return Math.max(1, Number(v));
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(1, Math.ceil((at - now) / 1000));
}

// What a refused login says: {key, params} for the translator.
//   401 → wrong name or password (the server answers both the same way, and so does the page);
//   429 → too many attempts, with the seconds of Retry-After when given;
//   anything else → the server's `error` text, or the status.
export function login_refusal(status, body, retry_after, now = Date.now()) {
  if (status === 401) return { key: 'login_wrong', params: {} };
  if (status === 429) {
    const s = retry_after_seconds(retry_after, now);
    return s === null ? { key: 'login_rate_limited_later', params: {} }
      : { key: 'login_rate_limited', params: { s }, until: now + s * 1000 };
  }
  const msg = is_object(body) && typeof body.error === 'string' && body.error ? body.error : `HTTP ${status}`;
  return { key: 'login_error', params: { msg } };
}

// The alert an SMS link names (docs/alerts.md, "SMS"): "#alert=A-000043" (or "#alert=43") →
// {id: 43, display_id: 'A-000043'}; "#alert=" with anything else → {id: null, display_id: null},
// which the page shows as not found without asking the server; any other address → null. The
// login happens in the same page, so the address — and the link — survives it.
export function linked_alert(hash) {
  const m = /^#?alert=(.*)$/s.exec(typeof hash === 'string' ? hash : '');
  if (!m) return null;
  let value = '';
  try {
    value = decodeURIComponent(m[1]).trim();
  } catch {
    value = '';  // a malformed escape: not an id
  }
  const n = /^(?:A-)?(\d{1,15})$/i.exec(value);
  const id = n ? Number(n[1]) : 0;
  if (!Number.isSafeInteger(id) || id <= 0) return { id: null, display_id: null };
  return { id, display_id: `A-${String(id).padStart(6, '0')}` };
}
