// The handling side of a ledger entry (docs/alerts.md), as the page needs it: which actions a
// person may take now, the one-hour report countdown, the API's URLs and query strings, and a
// transition in words. Pure (no DOM, no fetch, `now` passed in) so node's tests can drive it.

import { clock_time } from './format.js';
import { action_roles, may, user_roles } from './session.js';

// The actions of the feed and the ledger, in button order. `note` says whether the server
// refuses the action without a note (then the form does too, before asking).
export const actions = Object.freeze([
  { id: 'ack', note: false },
  { id: 'rectify', note: true },
  { id: 'close', note: true },
  { id: 'report', note: false },
  { id: 'note', note: true },
  { id: 'assign', note: false },
]);

export const note_required = (action) => actions.find((a) => a.id === action)?.note ?? true;

// Which actions the lifecycle allows now (server/alerts/README.md): acknowledge only a new
// entry; rectify a new or acknowledged one; close only a rectified entry whose condition has
// cleared; report an orange/red entry not reported yet. A remark and an assignment are always
// possible while open. Who may act at all is session.js's `may`; the server decides in the end,
// this only keeps buttons that cannot succeed disabled.
// With the signed-in `user`, 销号 stays disabled for the person who rectified the entry too:
// the verifier must be someone else (挂账销号), and the page says so before any click.
export function allowed_actions(entry, user = null) {
  const open = entry.state !== 'closed';
  return {
    ack: entry.state === 'new',
    rectify: entry.state === 'new' || entry.state === 'acknowledged',
    close: entry.state === 'rectified' && entry.condition === 'cleared' && !is_rectifier(entry, user),
    report: open && entry.report !== null && entry.report.reported_at === null,
    note: open,
    assign: open,
  };
}

// ── Guided closure (挂账销号: 整改 → 复核验收 → 销号) ──────────────────────────────────────

// How the server names the person acting (server/net/alerts_api.cpp `person_of`): the display
// name, or the user name when there is none. The ledger's `rectified_by` holds that name.
export const person_name = (user) => (user ? user.display_name || user.name : '');

// Whether `user` is the person who rectified `entry` (and so may not verify it).
export const is_rectifier = (entry, user) =>
  !!user && !!entry.rectified_by && entry.rectified_by === person_name(user);

// The roles that may verify and close (销号), lowest first: the roles allowed to close.
export const verifier_roles = Object.freeze(
  user_roles.slice(user_roles.indexOf(action_roles.close)));

// Where a rectified entry stands on its way to 销号, for `user` (or null when it is not
// rectified): {rectifier, rectified_at, verifier_roles, self, condition_active, may_close,
// blocked}. `blocked` says why this user may not close now — 'self_verification' (they
// rectified it), 'role' (theirs does not close, or not this school), 'condition_active' (the
// condition has not cleared) — or is null when they may verify and close.
export function closure_status(entry, user = null) {
  if (!entry || entry.state !== 'rectified') return null;
  const self = is_rectifier(entry, user);
  const condition_active = entry.condition !== 'cleared';
  const role_ok = may(user, 'close', entry.site);
  const blocked = !role_ok ? 'role' : self ? 'self_verification' : condition_active ? 'condition_active' : null;
  return {
    rectifier: entry.rectified_by,
    rectified_at: entry.rectified_at,
    verifier_roles,
    self,
    condition_active,
    may_close: blocked === null,
    blocked,
  };
}

// 最近销号: the ledger's filter of entries closed in the last `recent_closed_ms`, the most
// recently closed first. The API orders by raising and has no bound on closing, so the page
// asks for the newest-raised closed entries (at most `recent_closed_scan`, with the other
// filters) and keeps those closed lately; an entry raised before the newest 1000 closed ones
// and closed this week is the one it could miss.
export const recent_closed_ms = 7 * 24 * 3600 * 1000;
export const recent_closed_scan = 1000;

// One page of 最近销号 from the entries of such an answer: {alerts, total}.
export function recently_closed(entries, now, { offset = 0, limit = page_size } = {}) {
  const since = now - recent_closed_ms;
  const kept = entries.filter((a) => a.state === 'closed' && a.closed_at !== null && a.closed_at >= since)
    .sort((x, y) => y.closed_at - x.closed_at || y.id - x.id);
  return { alerts: kept.slice(Math.max(0, offset), Math.max(0, offset) + limit), total: kept.length };
}

// The one-hour report (1小时内报告) of an orange or red entry at `now`:
// null (no report due), {kind: 'reported', at, by}, {kind: 'overdue', late_ms} or
// {kind: 'pending', remaining_ms}. The server's `overdue` flag counts as well as the clock, so a
// browser whose clock runs slow still shows what the server decided.
export function report_status(entry, now) {
  const r = entry.report;
  if (!r) return null;
  if (r.reported_at !== null) return { kind: 'reported', at: r.reported_at, by: r.reported_by };
  if (r.deadline === null) return r.overdue ? { kind: 'overdue', late_ms: 0 } : null;
  const remaining = r.deadline - now;
  if (r.overdue || remaining <= 0) return { kind: 'overdue', late_ms: Math.max(0, -remaining) };
  return { kind: 'pending', remaining_ms: remaining };
}

// "mm:ss" for a countdown, rounding up so it reads 00:00 only at the deadline; minutes may
// exceed 59 ("60:00" right after the alert).
export function countdown(ms) {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const pad = (n) => String(n).padStart(2, '0');
  return `${pad(Math.floor(s / 60))}:${pad(s % 60)}`;
}

// POST target of an action on an entry.
export const action_url = (id, action) =>
  `/api/alerts/${encodeURIComponent(String(id))}/${encodeURIComponent(action)}`;

export const entry_url = (id) => `/api/alerts/${encodeURIComponent(String(id))}`;

// The filters of the ledger view, all optional; empty ones are left out of the query.
export const ledger_filters = Object.freeze(
  ['site', 'zone', 'family', 'severity', 'condition', 'state', 'overdue', 'from', 'to']);

export const page_size = 50;

// GET /api/alerts?… for the filters (strings, `overdue` a boolean, `from`/`to` epoch ms or
// null) and a page (offset counted in entries).
// `state: 'recently_closed'` (最近销号) asks for the closed entries to pick from (recently_closed).
export function ledger_url(filters = {}, { limit = page_size, offset = 0 } = {}) {
  const q = new URLSearchParams();
  const recent = filters.state === 'recently_closed';
  if (recent) {
    limit = recent_closed_scan;
    offset = 0;
  }
  for (const key of ledger_filters) {
    const v = key === 'state' && recent ? 'closed' : filters[key];
    if (key === 'overdue') {
      if (v === true) q.set('overdue', '1');
    } else if (typeof v === 'number' && Number.isFinite(v)) {
      q.set(key, String(v));
    } else if (typeof v === 'string' && v !== '') {
      q.set(key, v);
    }
  }
  q.set('limit', String(limit));
  q.set('offset', String(Math.max(0, offset)));
  return `/api/alerts?${q}`;
}

// The page a ledger answer is on: {page, pages} (1-based), at least one page.
export function page_of(total, offset, limit = page_size) {
  const pages = Math.max(1, Math.ceil(total / limit));
  return { page: Math.min(pages, Math.floor(offset / limit) + 1), pages };
}

// A transition in words: "已确认", "级别变化：黄色 → 红色", "再次触发（第 3 次）"…; the
// translator supplies the words, this picks which and fills in from/to. `time_zone` is the
// school's, for the deadline of an assignment.
export function transition_text(tr, t, time_zone = 'Asia/Shanghai') {
  const what = tr.transition(t.what);
  const word = (v) => tr.handling_or_severity(v);
  if (t.from && t.to && (t.what === 'severity_changed' || t.what === 'refired')) {
    return tr.t('change_from_to', { what, from: word(t.from), to: word(t.to) });
  }
  if (t.to && t.what === 'notified') {
    // "sms:xh-wang": the channel, then whom.
    const m = /^([a-z_]+):(.*)$/.exec(t.to);
    return tr.t('change_to', { what, to: m ? `${tr.channel(m[1])} ${m[2]}`.trim() : t.to });
  }
  if (t.to && t.what === 'assigned') {
    // The ledger writes "whom @ deadline-ms" (or only whom): the deadline in the school's time.
    const m = /^(.*?) @ (\d+)$/.exec(t.to);
    const to = m ? tr.t('assigned_until', { who: m[1], at: clock_time(Number(m[2]), time_zone) }) : t.to;
    return tr.t('change_to', { what, to });
  }
  return what;
}

// The refusal codes of docs/alerts.md the page words itself (the server's `error` is English).
export const refusal_codes = Object.freeze(
  ['condition_active', 'not_rectified', 'self_verification', 'invalid_state', 'missing_note']);

// What a refusal says to the person: the page's own words for a known code, then the server's
// text as it sent it (so nothing the server said is hidden).
export function refusal_lines(tr, status, body) {
  const server = refusal_text(status, body, '');
  const code = body && typeof body === 'object' ? body.code : undefined;
  if (!refusal_codes.includes(code)) return [server];
  return [tr.t(`refused_${code}`), tr.t('refused_server', { msg: server })];
}

// The body of an action's POST. The person acting is the session's user (docs/security.md): the
// server takes `who` from the session, so the body names nobody. An assignment carries whom and
// by when (epoch ms, left out when not set); every other action its note.
export function action_body(action, { note = '', responsible = '', deadline = null } = {}) {
  if (action === 'assign') {
    const body = { responsible: responsible.trim() };
    if (typeof deadline === 'number' && Number.isFinite(deadline)) body.deadline = deadline;
    return JSON.stringify(body);
  }
  return JSON.stringify({ note: note.trim() });
}

// The error text of a refused request, from the server's JSON body when there is one.
export function refusal_text(status, body, fallback) {
  if (body && typeof body === 'object' && typeof body.error === 'string' && body.error) {
    return body.error;
  }
  return fallback ? `${fallback} (${status})` : `HTTP ${status}`;
}

// The body of POST /api/hazards: a patrol finding, registered by the session's user (no `who`).
export function hazard_body({ site, zone = '', title, description = '', severity = 'yellow',
                              responsible = '', deadline = null }) {
  const body = { site, zone, device: '', title: title.trim(), description: description.trim(),
                 severity, responsible: responsible.trim() };
  if (typeof deadline === 'number' && Number.isFinite(deadline)) body.deadline = deadline;
  return JSON.stringify(body);
}
