// The school list of the live view at district scale (pure: node's tests import it): a school's
// summary as the server sends it (`school` messages, the snapshot's `schools`), the order of
// the cards (the worst first, names in natural order), the search and the "only schools with
// problems" filter, and which schools a page should watch.

import { severity_rank } from './state.js';

const count = (v) => (Number.isInteger(v) && v >= 0 ? v : 0);

// A school's summary (docs/alerts.md, "/ws" `school`), or null when it names no school.
export function normalize_school(s) {
  if (s === null || typeof s !== 'object' || typeof s.site !== 'string' || !s.site) return null;
  const t = {
    site: s.site,
    worst: s.worst in severity_rank ? s.worst : null,
    devices_total: count(s.devices_total),
    devices_online: count(s.devices_online),
    devices_offline: count(s.devices_offline),
    devices_alerting: count(s.devices_alerting),
    open: count(s.open),
    overdue: count(s.overdue),
    reports_overdue: count(s.reports_overdue),
    last_event: typeof s.last_event === 'number' && Number.isFinite(s.last_event) ? s.last_event : null,
  };
  t.problem = typeof s.problem === 'boolean' ? s.problem : has_problem(t);
  return t;
}

// Anything to act on: an active colour, an overdue entry or report, an offline device (the
// server's school_tally::has_problem).
export function has_problem(t) {
  return t.worst !== null || t.overdue > 0 || t.reports_overdue > 0 || t.devices_offline > 0;
}

const collators = new Map();

// Names compared as people read them: 学校2 before 学校10, in the page's language.
export function natural_compare(a, b, lang = 'zh') {
  let c = collators.get(lang);
  if (!c) {
    c = new Intl.Collator(lang === 'en' ? 'en' : 'zh-CN', { numeric: true, sensitivity: 'base' });
    collators.set(lang, c);
  }
  return c.compare(a, b);
}

// How bad a school is, for the order: the worst active colour, then overdue reports and
// entries, offline devices, open entries.
function badness(t) {
  if (!t) return [0, 0, 0, 0, 0];
  return [t.worst ? severity_rank[t.worst] : 0, t.reports_overdue, t.overdue, t.devices_offline, t.open];
}

// The cards in order: the worst first, equals by name in natural order. `sites` are the
// model's sites, `tallies` site id → summary, `name` a site → its name in the page's language.
export function order_schools(sites, tallies, name, lang = 'zh') {
  const keyed = sites.map((s) => ({ site: s, bad: badness(tallies.get(s.id)), label: name(s) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < a.bad.length; i++) if (a.bad[i] !== b.bad[i]) return b.bad[i] - a.bad[i];
    return natural_compare(a.label, b.label, lang) || (a.site.id < b.site.id ? -1 : a.site.id > b.site.id ? 1 : 0);
  });
  return keyed.map((k) => k.site);
}

// The schools a search and the problem filter let through, in the given order. The query
// matches the Chinese or English name or the id, ignoring case and spaces around it.
export function filter_schools(sites, tallies, { query = '', problems_only = false } = {}) {
  const q = query.trim().toLowerCase();
  return sites.filter((s) => {
    if (problems_only && !tallies.get(s.id)?.problem) return false;
    if (!q) return true;
    return [s.name, s.name_en, s.id].some((v) => typeof v === 'string' && v.toLowerCase().includes(q));
  });
}

// The schools a page should watch (receive readings of): the one it shows when a school is
// chosen, else those it was given at the start (all of the user's schools when they are few,
// none at district scale). A school among the initial ones keeps the initial set: nothing to ask.
export function desired_watch(initial, site) {
  if (!site || initial.includes(site)) return [...initial];
  return [site];
}

export function same_sites(a, b) {
  const x = new Set(a);
  const y = new Set(b);
  return x.size === y.size && [...x].every((id) => y.has(id));
}
