// The Order dashboard: polls GET /dashboard/state once a second and redraws. No framework, no
// build step, nothing from another origin. EventSource cannot send an Authorization header, so
// the page polls with fetch, sending the admin token the person typed in (kept for this tab only).
'use strict';

(() => {
  const POLL_MS = 1000;
  const TOKEN_KEY = 'order-dashboard.admin-token';
  const OUTCOMES = ['success', 'failure', 'timeout', 'rejected'];
  const byId = (id) => document.getElementById(id);
  let token = sessionStorage.getItem(TOKEN_KEY) || '';
  let timer;

  function cell(text, className) {
    const td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    return td;
  }

  function badge(text, className) {
    const span = document.createElement('span');
    span.textContent = text;
    span.className = className;
    const td = document.createElement('td');
    td.append(span);
    return td;
  }

  /** "in 3 s (10:12:03)": measured against the server's clock (`at`), shown in local time. */
  function nextAttempt(nextAttemptAt, at) {
    if (!nextAttemptAt) return '—';
    const seconds = Math.max(0, Math.ceil((Date.parse(nextAttemptAt) - Date.parse(at)) / 1000));
    return `in ${seconds} s (${new Date(nextAttemptAt).toLocaleTimeString()})`;
  }

  function dependencyRow(d, at) {
    const tr = document.createElement('tr');
    tr.dataset.dependency = d.name;
    tr.dataset.state = d.state;
    const bulkhead = cell(`${d.inFlight} / ${d.maxConcurrent} `, 'number in-flight');
    const meter = document.createElement('meter');
    meter.max = d.maxConcurrent;
    meter.value = d.inFlight;
    bulkhead.append(meter);
    tr.append(cell(d.name), badge(d.state, 'state'), cell(nextAttempt(d.nextAttemptAt, at), 'next-attempt'), bulkhead);
    for (const outcome of OUTCOMES) {
      const td = cell(d.ratesPerSecond[outcome].toFixed(1), 'number');
      td.dataset.outcome = outcome;
      tr.append(td);
    }
    return tr;
  }

  function orderRow(o) {
    const tr = document.createElement('tr');
    tr.dataset.orderId = o.id;
    tr.dataset.status = o.status;
    const id = cell(o.id.slice(0, 8));
    id.title = o.id;
    const total = o.totalCents === undefined ? '—' : `${(o.totalCents / 100).toFixed(2)} ${o.currency || ''}`;
    // An operator's settlement: what was decided, by whom, and why (the reason it needed attention in the title).
    const settled = o.settlement ? cell(`${o.settlement.action} by ${o.settlement.by}: ${o.settlement.reason}`) : cell('');
    if (o.settlement) settled.title = `${o.settlement.at}, from ${o.settlement.from || 'unknown'}`;
    settled.className = 'settlement';
    tr.append(cell(new Date(o.createdAt).toLocaleTimeString()), id, cell(o.accountId), badge(o.status, `order-${o.status}`),
      cell(total, 'number'), cell(o.reason || ''), settled);
    return tr;
  }

  function render(state) {
    document.title = `Order ${state.replica.hostname}: dependencies`;
    byId('dependencies').replaceChildren(...state.dependencies.map((d) => dependencyRow(d, state.at)));
    byId('orders').replaceChildren(...state.orders.map(orderRow));
    byId('content').hidden = false; // before drawing: uPlot measures its container
    window.orderCharts.draw(state);
    byId('window').textContent = `Outcomes per second over the last ${state.rateWindowSeconds} s.`;
    byId('status').textContent = `Updated ${new Date(state.at).toLocaleTimeString()}, every ${POLL_MS / 1000} s.`;
    byId('content').hidden = false;
  }

  function askForToken(message) {
    clearTimeout(timer);
    byId('login').hidden = false;
    byId('login-error').textContent = message;
    byId('status').textContent = 'The dashboard needs the admin token (ADMIN_TOKEN).';
    byId('token').focus();
  }

  async function poll() {
    clearTimeout(timer);
    try {
      const res = await fetch('/dashboard/state', { headers: token ? { Authorization: `Bearer ${token}` } : {}, cache: 'no-store' });
      if (res.status === 401) return askForToken(token ? 'That token was refused.' : '');
      if (!res.ok) {
        const problem = await res.json().catch(() => null);
        throw new Error((problem && problem.title) || `HTTP ${res.status}`);
      }
      render(await res.json());
    } catch (err) {
      byId('status').textContent = `Cannot read the dashboard's data (${err.message}); trying again…`;
    }
    timer = setTimeout(poll, POLL_MS);
  }

  byId('login').addEventListener('submit', (event) => {
    event.preventDefault();
    token = byId('token').value.trim();
    sessionStorage.setItem(TOKEN_KEY, token);
    byId('login').hidden = true;
    void poll();
  });

  void poll();
})();
