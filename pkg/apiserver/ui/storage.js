// The storage page: StorageClass → PV → PVC → Pod → Node, live from the apiserver.
//
// Each kind is listed, then watched from the list's resourceVersion over a streaming fetch
// (one JSON event per line); a broken or expired watch lists again. Requests carry the
// browser's own credentials (same origin), so the page shows exactly what its user may list;
// a kind the user may not list is said so in its column. Usage comes from each node's
// /api/v1/nodes/{name}/proxy/stats/summary, polled; when that is not reachable the page says so.
//
// Every string shown comes from objects anyone with write access chose: it is put in the page
// with textContent and data-* attributes only, never as markup.

const kinds = [
  { key: 'storageclasses', path: '/apis/storage.k8s.io/v1/storageclasses' },
  { key: 'persistentvolumes', path: '/api/v1/persistentvolumes' },
  { key: 'persistentvolumeclaims', path: '/api/v1/persistentvolumeclaims' },
  { key: 'pods', path: '/api/v1/pods' },
  { key: 'nodes', path: '/api/v1/nodes' },
];
const builtinClasses = new Set(['hostPath', 'nfs']);
const statsPeriodMs = 5000;

/** kind key → Map(namespace/name → object); kind key → error text. */
const state = new Map(kinds.map((k) => [k.key, new Map()]));
const errors = new Map();
/** "namespace/claim" → { usedBytes, capacityBytes }; node name → error text. */
const usage = new Map();
const usageErrors = new Map();

const objKey = (o) => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name);

/** An element with text children and attributes: no markup is ever parsed. */
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) if (v !== undefined) e.setAttribute(k, String(v));
  // append() of a string makes a Text node: never parsed as markup.
  for (const c of children) if (c !== undefined && c !== null) e.append(c);
  return e;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function getJson(path) {
  const res = await fetch(path, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
  if (!res.ok) {
    let message = `HTTP ${res.status}`;
    try {
      message = (await res.json()).message ?? message;
    } catch {}
    throw Object.assign(new Error(message), { code: res.status });
  }
  return res.json();
}

/** Lists then watches one kind forever; relists after an expired or broken watch. */
async function reflect(kind) {
  const store = state.get(kind.key);
  for (let attempt = 0; ; attempt++) {
    try {
      const list = await getJson(kind.path);
      store.clear();
      for (const o of list.items ?? []) store.set(objKey(o), o);
      errors.delete(kind.key);
      schedule();
      attempt = 0;
      await watch(kind, store, list.metadata.resourceVersion);
    } catch (err) {
      errors.set(kind.key, err.code === 403 ? `forbidden: ${err.message}` : String(err.message));
      schedule();
    }
    await sleep(Math.min(500 * 2 ** attempt, 10000));
  }
}

async function watch(kind, store, resourceVersion) {
  let rv = resourceVersion;
  const url = `${kind.path}?watch=1&allowWatchBookmarks=true&resourceVersion=${encodeURIComponent(rv)}`;
  const res = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
  if (!res.ok || !res.body) throw Object.assign(new Error(`watch: HTTP ${res.status}`), { code: res.status });
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += value;
    let nl = buf.indexOf('\n');
    while (nl >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      nl = buf.indexOf('\n');
      if (!line) continue;
      const ev = JSON.parse(line);
      if (ev.type === 'ERROR') throw Object.assign(new Error(ev.object?.message ?? 'watch error'), { code: 0 });
      rv = ev.object?.metadata?.resourceVersion ?? rv;
      if (ev.type === 'BOOKMARK') continue;
      if (ev.type === 'DELETED') store.delete(objKey(ev.object));
      else store.set(objKey(ev.object), ev.object);
      schedule();
    }
  }
}

/** Polls each node's kubelet summary (through the apiserver's nodes/proxy) for claim usage. */
async function pollStats() {
  for (;;) {
    const seen = new Map();
    for (const node of state.get('nodes').values()) {
      const name = node.metadata.name;
      try {
        const summary = await getJson(`/api/v1/nodes/${encodeURIComponent(name)}/proxy/stats/summary`);
        for (const pod of summary.pods ?? [])
          for (const v of pod.volume ?? []) if (v.pvcRef) seen.set(`${v.pvcRef.namespace}/${v.pvcRef.name}`, v);
        usageErrors.delete(name);
      } catch (err) {
        usageErrors.set(name, String(err.message));
      }
    }
    usage.clear();
    for (const [k, v] of seen) usage.set(k, v);
    schedule();
    await sleep(statsPeriodMs);
  }
}

let pending = false;
function schedule() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    render();
  });
}

function bytes(n) {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '?';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

const phaseBadge = (phase) => el('span', { class: 'phase', 'data-phase': phase }, phase);
const description = (o) => o.metadata.annotations?.['kubernetes.io/description'];

function card(kind, key, phase, title, lines, extra) {
  const c = el(
    'div',
    { class: 'card', 'data-kind': kind, 'data-key': key, 'data-phase': phase },
    el('div', { class: 'name' }, title, ' ', phase ? phaseBadge(phase) : undefined),
  );
  for (const l of lines) if (l) c.append(el('div', { class: 'line' }, l));
  if (extra) c.append(extra);
  return c;
}

function usageBar(claim) {
  const key = objKey(claim);
  const u = usage.get(key);
  if (!u) {
    const node = [...state.get('pods').values()].find((p) => podClaims(p).includes(key))?.spec?.nodeName;
    const why = node && usageErrors.has(node) ? `usage not reachable: ${usageErrors.get(node)}` : 'usage: not mounted';
    return el('div', { class: 'usage line' }, why);
  }
  const pct = u.capacityBytes > 0 ? Math.min(100, (100 * u.usedBytes) / u.capacityBytes) : 0;
  const fill = el('div', { class: 'fill' });
  fill.style.width = `${pct}%`;
  return el(
    'div',
    { class: u.usedBytes > u.capacityBytes ? 'usage over' : 'usage', 'data-used-bytes': u.usedBytes },
    el('div', { class: 'line' }, `used ${bytes(u.usedBytes)} of ${bytes(u.capacityBytes)}`),
    el('div', { class: 'bar' }, fill),
  );
}

function podClaims(pod) {
  const ns = pod.metadata.namespace;
  return (pod.spec?.volumes ?? [])
    .filter((v) => v.persistentVolumeClaim)
    .map((v) => `${ns}/${v.persistentVolumeClaim.claimName}`);
}

const isReady = (node) => node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
const deleting = (o) => (o.metadata.deletionTimestamp ? 'Terminating' : undefined);

function render() {
  const sc = state.get('storageclasses');
  const pvs = state.get('persistentvolumes');
  const pvcs = state.get('persistentvolumeclaims');
  const pods = state.get('pods');
  const nodes = state.get('nodes');
  const edges = [];
  const cols = Object.fromEntries(kinds.map((k) => [k.key, []]));

  const classNames = new Set(sc.keys());
  for (const o of [...pvs.values(), ...pvcs.values()]) {
    const name = o.spec?.storageClassName;
    if (name && builtinClasses.has(name)) classNames.add(name);
  }
  for (const name of [...classNames].sort()) {
    const o = sc.get(name);
    const c = o
      ? card('sc', name, undefined, name, [
          o.provisioner,
          `reclaim ${o.reclaimPolicy ?? 'Delete'}`,
          o.volumeBindingMode,
          description(o),
        ])
      : card('sc', name, undefined, name, ['built in (no object)']);
    if (!o) c.classList.add('virtual');
    cols.storageclasses.push(c);
  }
  for (const [name, o] of [...pvs].sort()) {
    const source =
      o.spec?.hostPath?.path ?? (o.spec?.nfs ? `${o.spec.nfs.server}:${o.spec.nfs.path}` : o.spec?.local?.path);
    cols.persistentvolumes.push(
      card('pv', name, deleting(o) ?? o.status?.phase ?? 'Pending', name, [
        `${o.spec?.capacity?.storage ?? '?'} ${(o.spec?.accessModes ?? []).join(',')}`,
        `reclaim ${o.spec?.persistentVolumeReclaimPolicy ?? 'Retain'}`,
        source,
        description(o),
      ]),
    );
    if (o.spec?.storageClassName) edges.push(['sc', o.spec.storageClassName, 'pv', name, false]);
    const ref = o.spec?.claimRef;
    if (ref) edges.push(['pv', name, 'pvc', `${ref.namespace}/${ref.name}`, o.status?.phase !== 'Bound']);
  }
  for (const [key, o] of [...pvcs].sort()) {
    const phase = deleting(o) ?? o.status?.phase ?? 'Pending';
    cols.persistentvolumeclaims.push(
      card(
        'pvc',
        key,
        phase,
        key,
        [
          `requests ${o.spec?.resources?.requests?.storage ?? '?'}${o.status?.capacity?.storage ? `, has ${o.status.capacity.storage}` : ''}`,
          o.spec?.volumeName ? `volume ${o.spec.volumeName}` : 'no volume yet',
          description(o),
        ],
        usageBar(o),
      ),
    );
    const cls = o.spec?.storageClassName;
    if (cls && !o.spec?.volumeName) edges.push(['sc', cls, 'pvc', key, true]);
  }
  for (const [key, o] of [...pods].sort()) {
    const claims = podClaims(o);
    if (claims.length === 0) continue;
    cols.pods.push(
      card('pod', key, deleting(o) ?? o.status?.phase ?? 'Pending', key, [
        o.spec?.nodeName ? '' : 'not scheduled',
        description(o),
      ]),
    );
    for (const c of claims) edges.push(['pvc', c, 'pod', key, false]);
    if (o.spec?.nodeName) edges.push(['pod', key, 'node', o.spec.nodeName, false]);
  }
  for (const [name, o] of [...nodes].sort()) {
    cols.nodes.push(card('node', name, isReady(o) ? 'Ready' : 'NotReady', name, [o.status?.nodeInfo?.osImage]));
  }

  for (const k of kinds) {
    const section = document.querySelector(`[data-column="${k.key}"] .cards`);
    const err = errors.get(k.key);
    section.replaceChildren(...(err ? [el('div', { class: 'note' }, err)] : []), ...cols[k.key]);
  }
  drawEdges(edges);

  const failing = [...errors.keys()];
  const status = document.getElementById('status');
  status.textContent = failing.length ? `not watching: ${failing.join(', ')}` : 'live';
  status.className = failing.length ? 'error' : '';
  const unreachable = [...usageErrors.keys()];
  document.getElementById('usage-note').textContent = unreachable.length
    ? `usage unavailable from node(s) ${unreachable.join(', ')}`
    : '';
}

function drawEdges(edges) {
  const svg = document.getElementById('edges');
  const base = document.getElementById('graph').getBoundingClientRect();
  const find = (kind, key) => {
    for (const c of document.querySelectorAll(`.card[data-kind="${kind}"]`)) if (c.dataset.key === key) return c;
    return undefined;
  };
  const paths = [];
  for (const [fk, fkey, tk, tkey, waiting] of edges) {
    const a = find(fk, fkey)?.getBoundingClientRect();
    const b = find(tk, tkey)?.getBoundingClientRect();
    if (!a || !b) continue;
    const x1 = a.right - base.left;
    const y1 = a.top + a.height / 2 - base.top;
    const x2 = b.left - base.left;
    const y2 = b.top + b.height / 2 - base.top;
    const p = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    const mid = (x1 + x2) / 2;
    p.setAttribute('d', `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`);
    if (waiting) p.setAttribute('class', 'waiting');
    paths.push(p);
  }
  svg.replaceChildren(...paths);
}

window.addEventListener('resize', schedule);
for (const k of kinds) void reflect(k);
void pollStats();
