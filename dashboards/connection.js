// The WebSocket to the server's /ws, reconnecting with exponential backoff (and jitter, so a
// restarted server is not hit by every dashboard in the same instant).

export class live_connection {
  constructor(url, { on_message, on_state, min_delay_ms = 500, max_delay_ms = 15000 }) {
    this.url = url;
    this.on_message = on_message;
    this.on_state = on_state;   // ({state: 'connecting'|'open'|'closed', retry_at}) → void
    this.min_delay_ms = min_delay_ms;
    this.max_delay_ms = max_delay_ms;
    this.failures = 0;
    this.socket = null;
    this.timer = 0;
  }

  start() {
    this.on_state({ state: 'connecting', retry_at: null });
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch (e) {
      console.error('websocket', e);
      this.retry_();
      return;
    }
    this.socket = ws;
    ws.addEventListener('open', () => {
      this.failures = 0;
      this.on_state({ state: 'open', retry_at: null });
    });
    ws.addEventListener('message', (ev) => {
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
      this.retry_();
    });
  }

  retry_() {
    const base = Math.min(this.max_delay_ms, this.min_delay_ms * 2 ** this.failures);
    const delay = Math.round(base * (0.75 + Math.random() * 0.5));
    this.failures++;
    this.on_state({ state: 'closed', retry_at: Date.now() + delay });
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.start(), delay);
  }
}

// ws://host/ws or wss://host/ws on the page's own origin.
export function socket_url(loc) {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/ws`;
}
