// Building blocks the ledger's forms share: an element with attributes, a <select> refilled in
// place, and the zone choices of a school. DOM only, no state.

export const el = (doc, tag, cls, attrs = {}) => {
  const e = doc.createElement(tag);
  if (cls) e.className = cls;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
};

export const option = (value, label) => new Option(label, value);

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
