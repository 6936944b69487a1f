// Shows this node's health and readiness, as /healthz and /readyz report them.
async function show(path, id) {
  const el = document.getElementById(id);
  try {
    const res = await fetch(path, { cache: 'no-store' });
    const body = await res.json();
    el.textContent = `${res.status} ${body.status}`;
    el.dataset.state = res.ok ? 'ok' : 'bad';
    if (body.components) {
      el.title = Object.entries(body.components).map(([k, v]) => `${k}: ${v.state}`).join('\n');
    }
  } catch (e) {
    el.textContent = `unreachable (${e.message})`;
    el.dataset.state = 'bad';
  }
}
show('/healthz', 'health');
show('/readyz', 'ready');
