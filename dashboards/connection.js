// The WebSocket to the server's /ws, reconnecting with exponential backoff (and jitter, so a
// restarted server is not hit by every dashboard in the same instant).
//
// /ws needs a live session (docs/security.md); a browser cannot read why a socket closed or an
// upgrade was refused, so after each close `session_alive` is asked (GET /api/me) before
// reconnecting: when the session has gone, the connection stops and the page shows the login
// screen instead of retrying for ever. When the question itself fails (the server is down), it
// reconnects as before.

export class live_connection {
  constructor(url, { on_message, on_state, session_alive = null, min_delay_ms = 500, max_delay_ms = 15000 }) {
    this.url = url;
    this.on_message = on_message;
    this.on_state = on_state;   // ({state: 'connecting'|'open'|'closed', retry_at}) → void
    this.session_alive = session_alive;  // async () → boolean, or null
    this.min_delay_ms = min_delay_ms;
    this.max_delay_ms = max_delay_ms;
    this.failures = 0;
    this.socket = null;
    this.timer = 0;
    // Bumped by start() and stop(): a close or a timer of an earlier round does nothing.
    this.round = 0;
    this.stopped = true;
  }

  start() {
    this.stopped = false;
    const round = ++this.round;
    clearTimeout(this.timer);
    this.on_state({ state: 'connecting', retry_at: null });
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch (e) {
      console.error('websocket', e);
      this.retry_(round);
      return;
    }
    this.socket = ws;
    ws.addEventListener('open', () => {
      if (this.socket !== ws) return;
      this.failures = 0;
      this.on_state({ state: 'open', retry_at: null });
    });
    ws.addEventListener('message', (ev) => {
      // After stop() (signed out) nothing more of this socket reaches the page.
      if (this.socket !== ws) return;
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch (e) {
        console.warn('ignored a message that is not JSON', e);
        return;
      }
      this.on_message(msg);
    });
    // 'error' is always followed by 'close'; reconnecting happens there only.
    ws.addEventListener('close', () => {
      if (this.socket !== ws) return;
      this.socket = null;
      this.after_close_(round);
    });
  }

  // Sends a message to the server (a watch) when the socket is open; false otherwise. A page
  // that reconnects gets a fresh snapshot and says again what it wants then.
  send(msg) {
    const ws = this.socket;
    if (!ws || ws.readyState !== 1) return false;  // 1: OPEN
    ws.send(JSON.stringify(msg));
    return true;
  }

  // Closes the socket and reconnects no more (until start()).
  stop() {
    this.stopped = true;
    this.round++;
    clearTimeout(this.timer);
    const ws = this.socket;
    this.socket = null;
    if (ws) ws.close(1000, 'signed out');
    this.failures = 0;
  }

  async after_close_(round) {
    if (this.session_alive) {
      let alive = true;
      try {
        alive = await this.session_alive();
      } catch (e) {
        console.warn('session check failed; reconnecting', e);  // the server is unreachable
      }
      if (round !== this.round || this.stopped) return;
      if (!alive) {
        this.stop();
        return;
      }
    }
    if (round === this.round && !this.stopped) this.retry_(round);
  }

  retry_(round) {
    const base = Math.min(this.max_delay_ms, this.min_delay_ms * 2 ** this.failures);
    const delay = Math.round(base * (0.75 + Math.random() * 0.5));
    this.failures++;
    this.on_state({ state: 'closed', retry_at: Date.now() + delay });
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (round === this.round && !this.stopped) this.start();
    }, delay);
  }
}

// ws://host/ws or wss://host/ws on the page's own origin.
export function socket_url(loc) {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/ws`;
}
