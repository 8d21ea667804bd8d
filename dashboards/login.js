// The login screen (用户名 / 密码 / 登录): POST /api/login, and the words of a refusal — wrong name
// or password (the same words for both, as the server answers both the same way), too many
// attempts with the seconds of Retry-After counting down, or the server's own text.
// On success the server has set the session cookie (HttpOnly: the page never holds the token);
// the caller is given the user.
//
// For tests the form carries data-state: idle | busy | refused | rate_limited.

import { login_body, login_refusal, user_of } from './session.js';

export class login_screen {
  constructor(doc) {
    this.doc = doc;
    this.tr = null;
    this.root = doc.querySelector('[data-testid="login-screen"]');
    this.form = this.root.querySelector('[data-testid="login-form"]');
    this.user = this.root.querySelector('[data-testid="login-user"]');
    this.password = this.root.querySelector('[data-testid="login-password"]');
    this.error = this.root.querySelector('[data-testid="login-error"]');
    this.submit = this.root.querySelector('[data-testid="login-submit"]');
    this.message = null;     // {key, params, until?} shown under the fields
    this.busy = false;
    this.on_signed_in = null;  // (user) → void
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.send_();
    });
  }

  // Shows the screen; `message` ({key, params}) says why (the session ended), or nothing.
  show(message = null) {
    this.message = message;
    this.password.value = '';
    this.form.dataset.state = 'idle';
    this.paint_();
    (this.user.value ? this.password : this.user).focus();
  }

  set_language(tr) {
    this.tr = tr;
    this.paint_();
  }

  // Once a second: the rate-limit countdown, gone when the wait is over.
  tick(now) {
    const m = this.message;
    if (!m || m.until === undefined) return;
    if (now >= m.until) {
      this.message = null;
      this.form.dataset.state = 'idle';
    } else {
      m.params = { s: Math.ceil((m.until - now) / 1000) };
    }
    this.paint_();
  }

  paint_() {
    if (!this.tr) return;
    const text = this.message ? this.tr.t(this.message.key, this.message.params) : '';
    if (this.error.textContent !== text) this.error.textContent = text;
    this.submit.textContent = this.tr.t(this.busy ? 'login_busy' : 'login_submit');
  }

  async send_() {
    if (this.busy) return;
    const name = this.user.value.trim();
    const password = this.password.value;
    if (!name || !password) {
      this.message = { key: 'login_need', params: {} };
      this.paint_();
      (name ? this.password : this.user).focus();
      return;
    }
    this.busy = true;
    this.submit.disabled = true;
    this.form.dataset.state = 'busy';
    this.message = null;
    this.paint_();
    let user = null;
    try {
      const res = await fetch('/api/login', {
        method: 'POST', credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: login_body(name, password),
      });
      const body = await res.json().catch(() => null);
      if (res.ok) {
        user = user_of(body);
        if (!user) this.message = { key: 'login_error', params: { msg: 'malformed answer' } };
      } else {
        this.message = login_refusal(res.status, body, res.headers.get('retry-after'), Date.now());
      }
    } catch (e) {
      this.message = { key: 'network_error', params: { msg: e.message } };
    } finally {
      this.busy = false;
      this.submit.disabled = false;
    }
    this.password.value = '';
    if (user) {
      this.message = null;
      this.form.dataset.state = 'idle';
      this.paint_();
      this.on_signed_in?.(user);
      return;
    }
    this.form.dataset.state = this.message?.until !== undefined ? 'rate_limited' : 'refused';
    this.paint_();
    this.password.focus();
  }
}

// GET /api/me: {user} when a session is live, {user: null} when the server answers 401, and
// {error} for anything else (the server unreachable, or answering something unexpected).
export async function current_user() {
  try {
    const res = await fetch('/api/me', { credentials: 'same-origin', headers: { accept: 'application/json' } });
    if (res.status === 401) return { user: null };
    const body = await res.json().catch(() => null);
    if (!res.ok) return { error: `HTTP ${res.status}` };
    const user = user_of(body);
    return user ? { user } : { error: 'malformed answer' };
  } catch (e) {
    return { error: e.message };
  }
}
