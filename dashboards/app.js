// Entry point: asks who is signed in before anything else, shows the login screen or the
// dashboard, wires the WebSocket to the model and the model to the view, and owns the page-wide
// state — the language (remembered in localStorage), the session and the connection.
//
// The session (docs/security.md):
//  - GET /api/me first; 401 → the login screen, and nothing of the district is asked for;
//  - the WebSocket opens only once signed in;
//  - a 401 from any later request (api.js), or a socket closed because the session has gone
//    (connection.js asks /api/me), returns to the login screen with the district forgotten;
//  - 退出 → POST /api/logout, then the same.
//
// An SMS link (#alert=A-000043, session.js linked_alert) opens that entry's detail once signed
// in: the login screen is part of this page, so the address and its link wait through it. The
// same link followed again in an open tab (a hash change) opens it too.

import { translator } from './i18n.js';
import { live_model } from './state.js';
import { dashboard_view } from './view.js';
import { bureau_view } from './bureau_view.js';
import { desired_watch, same_sites } from './schools.js';
import { live_connection, socket_url } from './connection.js';
import { current_user, login_screen } from './login.js';
import { linked_alert } from './session.js';
import { on_session_lost } from './api.js';

const lang_key = 'campus-shield.lang';

function stored_language() {
  try {
    return localStorage.getItem(lang_key) === 'en' ? 'en' : 'zh';
  } catch (e) {
    console.warn('localStorage unavailable', e);  // private mode: Chinese, not remembered
    return 'zh';
  }
}

function remember_language(lang) {
  try {
    localStorage.setItem(lang_key, lang);
  } catch (e) {
    console.warn('localStorage unavailable', e);
  }
}

const model = new live_model();
let tr = translator(stored_language());
const view = new dashboard_view(document, model, tr);
const views = new bureau_view(document, model, view, tr);
const login = new login_screen(document);
const app_root = document.querySelector('[data-testid="app"]');
const indicator = document.querySelector('[data-testid="conn-status"]');
const indicator_text = indicator.querySelector('.conn-text');
let conn_state = { state: 'connecting', retry_at: null };
let user = null;  // the signed-in user, or null

function paint_connection() {
  indicator.dataset.state = conn_state.state;
  let text = tr.t(`conn_${conn_state.state}`);
  if (conn_state.state === 'closed' && conn_state.retry_at) {
    const s = Math.max(0, Math.ceil((conn_state.retry_at - Date.now()) / 1000));
    text += ` · ${tr.t('conn_retry', { s })}`;
  }
  if (indicator_text.textContent !== text) indicator_text.textContent = text;
}

function switch_language() {
  tr = translator(tr.lang === 'en' ? 'zh' : 'en');
  remember_language(tr.lang);
  view.set_language(tr);
  views.set_language(tr);
  login.set_language(tr);
  paint_connection();
}
for (const id of ['lang-toggle', 'login-lang']) {
  document.querySelector(`[data-testid="${id}"]`).addEventListener('click', switch_language);
}

// 'checking' (before /api/me answered), 'signed-out' (the login screen) or 'signed-in'.
function show(session) {
  document.body.dataset.session = session;
  login.root.hidden = session !== 'signed-out';
  app_root.hidden = session !== 'signed-in';
}

// The page receives readings only of the schools it shows (docs/alerts.md, "/ws" watch): the
// school open in the live view, else those the snapshot started with. Asked again after each
// snapshot (a reconnect starts from the initial set) and each change of the school shown.
let watch_asked = null;  // the set last asked for, until the answer comes
function sync_watch() {
  if (!user || !model.ready) return;
  const live = !document.querySelector('[data-testid="live-view"]').hidden;
  const want = desired_watch(model.initial_watch, live ? view.site_filter : '');
  if (same_sites(want, [...model.watching])) {
    watch_asked = null;
    return;
  }
  if (watch_asked && same_sites(want, watch_asked)) return;
  if (connection.send({ type: 'watch', sites: want })) watch_asked = want;
}
// After the views followed the address (their listener was added first): another tab.
window.addEventListener('hashchange', sync_watch);
view.on_filtered = sync_watch;
// At district scale a school chosen in the selector, on a card or from an alert: the bureau's
// drill-down address (#live/SITE), a school user's filter.
view.on_pick = (site) => (user?.all_sites ? views.go('live', site) : view.filter_sites(site));

const connection = new live_connection(socket_url(window.location), {
  on_message: (msg) => {
    if (!user) return;
    if (msg?.type === 'notice' || msg?.type === 'notice_read') {
      views.on_message(msg);
      return;
    }
    // A new snapshot (a reconnect) starts from its own watch set: nothing asked yet.
    if (msg?.type === 'snapshot') watch_asked = null;
    const change = model.apply(msg, Date.now());
    view.queue(change);
    if (change.structure) views.structure_changed();
    if (change.alerts.length || change.alerts.size) views.alerts_changed();
    if (msg?.type === 'snapshot' || msg?.type === 'watching') sync_watch();
  },
  on_state: (s) => {
    conn_state = s;
    paint_connection();
  },
  // A closed socket: reconnect only while the session lives.
  session_alive: async () => {
    const me = await current_user();
    if (me.error) throw new Error(me.error);
    if (!me.user) signed_out({ key: 'login_expired', params: {} });
    return me.user !== null;
  },
});

function signed_in(who) {
  user = who;
  view.set_user(who);
  show('signed-in');
  views.set_user(who);
  connection.start();
  follow_alert_link();
}

// The entry an SMS link names, over the view the user lands on. Once its dialog closes the link
// leaves the address (replaced, not a new history step), so following the same link again is a
// change the page sees.
function follow_alert_link() {
  const target = user ? linked_alert(window.location.hash) : null;
  if (!target) return;
  view.open_alert(target);
  const link = window.location.hash;
  view.ledger.dialog.addEventListener('close', () => {
    // Closed by signing out: the link stays for the next login (perhaps the right account).
    if (!user || window.location.hash !== link) return;
    window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
  }, { once: true });
}
window.addEventListener('hashchange', follow_alert_link);

// Back to the login screen; `why` ({key, params}) is shown on it, or nothing.
function signed_out(why = null) {
  user = null;
  connection.stop();
  view.reset(model.reset());
  views.reset();
  show('signed-out');
  login.show(why);
}

login.on_signed_in = signed_in;
on_session_lost(() => {
  if (user) signed_out({ key: 'login_expired', params: {} });
});

document.querySelector('[data-testid="logout"]').addEventListener('click', async () => {
  let why = null;
  try {
    const res = await fetch('/api/logout', { method: 'POST', credentials: 'same-origin' });
    if (!res.ok && res.status !== 401) why = { key: 'logout_failed', params: { msg: `HTTP ${res.status}` } };
  } catch (e) {
    why = { key: 'logout_failed', params: { msg: e.message } };
  }
  signed_out(why);
});

view.set_language(tr);
views.set_language(tr);
login.set_language(tr);
show('checking');
current_user().then((me) => {
  if (me.user) {
    signed_in(me.user);
  } else {
    show('signed-out');
    login.show(me.error ? { key: 'login_error', params: { msg: me.error } } : null);
  }
});
setInterval(() => {
  const now = Date.now();
  if (user) {
    view.tick(now);
    paint_connection();
  } else {
    login.tick(now);
  }
}, 1000);

// For debugging from the console.
window.campus_shield = { model, view, views, connection, get user() { return user; } };
