// Building blocks the ledger's forms and the bureau's views share: an element with attributes, a
// <select> refilled in place, the zone choices of a school, and a view's loading/error line.
// DOM only, no state.

export const el = (doc, tag, cls, attrs = {}) => {
  const e = doc.createElement(tag);
  if (cls) e.className = cls;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
};

export const option = (value, label) => new Option(label, value);

// A view that fetches an answer: shows the error (when there is no earlier answer to keep) or
// "loading" in `message`, and says whether there is an answer to paint.
export function show_fetch_state(root, message, tr, answer, error) {
  if (error && !answer) {
    root.dataset.state = 'error';
    message.hidden = false;
    message.textContent = tr.t('view_error', { msg: error });
    return false;
  }
  if (!answer) {
    message.hidden = false;
    message.textContent = tr.t('view_loading');
    return false;
  }
  message.hidden = true;
  return true;
}

// Fills a <select>, keeping its value when it is still offered.
export function fill_select(select, options) {
  const keep = select.value;
  select.replaceChildren(...options);
  if (options.some((o) => o.value === keep)) select.value = keep;
}

// The zones of one school, or of every school (each id once) when site_id is '', after a first
// choice meaning "any" or "none".
export function fill_zones(select, model, tr, site_id, first_label) {
  const seen = new Map();
  for (const s of model.sites) {
    if (site_id && s.id !== site_id) continue;
    for (const z of s.zones) if (!seen.has(z.id)) seen.set(z.id, z);
  }
  fill_select(select, [option('', first_label),
    ...[...seen.values()].map((z) => option(z.id, tr.name(z) || tr.zone_type(z.type)))]);
}
