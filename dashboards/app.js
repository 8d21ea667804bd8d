// Entry point: wires the WebSocket to the model and the model to the view, and owns the two
// pieces of page-wide state — the language (remembered in localStorage) and the connection.

import { translator } from './i18n.js';
import { live_model } from './state.js';
import { dashboard_view } from './view.js';
import { live_connection, socket_url } from './connection.js';

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
const indicator = document.querySelector('[data-testid="conn-status"]');
const indicator_text = indicator.querySelector('.conn-text');
let conn_state = { state: 'connecting', retry_at: null };

function paint_connection() {
  indicator.dataset.state = conn_state.state;
  let text = tr.t(`conn_${conn_state.state}`);
  if (conn_state.state === 'closed' && conn_state.retry_at) {
    const s = Math.max(0, Math.ceil((conn_state.retry_at - Date.now()) / 1000));
    text += ` · ${tr.t('conn_retry', { s })}`;
  }
  if (indicator_text.textContent !== text) indicator_text.textContent = text;
}

document.querySelector('[data-testid="lang-toggle"]').addEventListener('click', () => {
  tr = translator(tr.lang === 'en' ? 'zh' : 'en');
  remember_language(tr.lang);
  view.set_language(tr);
  paint_connection();
});

const connection = new live_connection(socket_url(window.location), {
  on_message: (msg) => view.queue(model.apply(msg, Date.now())),
  on_state: (s) => {
    conn_state = s;
    paint_connection();
  },
});

view.set_language(tr);
connection.start();
setInterval(() => {
  view.tick(Date.now());
  paint_connection();
}, 1000);

// For debugging from the console.
window.campus_shield = { model, view, connection };
