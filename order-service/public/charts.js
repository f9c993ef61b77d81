// The dashboard's charts: per dependency, outcomes per second and p50/p99 call latency over the
// server's history (GET /dashboard/state's `history`), drawn with uPlot (served by Order from its
// node_modules), each breaker state change a vertical line. What each chart draws is also kept in
// `window.orderDashboard.charts` (and the marks in the chart's data-breaker-changes) so that a
// test, or a person in the console, can read it.
'use strict';

(() => {
  const OUTCOME_COLOURS = { success: '#0a6b2d', failure: '#9b1c1c', timeout: '#b85c00', rejected: '#6b3fa0' };
  const STATE_COLOURS = { open: '#d11', 'half-open': '#d90', closed: '#1a1' };
  const SIZE = { width: 440, height: 170 };
  const charts = {}; // `${dependency}/${kind}` → uPlot instance
  window.orderDashboard = { replica: null, charts: {} };

  /** A uPlot plugin: a vertical line per breaker state change, labelled with the new state. */
  function breakerMarks(changes) {
    return {
      hooks: {
        draw: (u) => {
          const { ctx } = u;
          ctx.save();
          for (const change of changes()) {
            const x = u.valToPos(change.at, 'x', true);
            if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
            ctx.strokeStyle = ctx.fillStyle = STATE_COLOURS[change.state] || '#444';
            ctx.lineWidth = 2 * devicePixelRatio;
            ctx.setLineDash([5 * devicePixelRatio, 3 * devicePixelRatio]);
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
            ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
            ctx.fillText(change.state, x + 3 * devicePixelRatio, u.bbox.top + 12 * devicePixelRatio);
          }
          ctx.restore();
        },
      },
    };
  }

  function makeChart(container, key, title, unit, series, view) {
    const holder = document.createElement('figure');
    holder.className = 'chart';
    holder.dataset.chart = key;
    container.append(holder);
    const opts = {
      ...SIZE,
      title,
      scales: { x: { time: true, range: () => [view.from, view.to] }, y: { range: (_u, _min, max) => [0, Math.max(max || 0, unit === 'ms' ? 10 : 1)] } },
      axes: [{}, { label: unit, size: 55 }],
      legend: { live: false }, // the series' names only: compact, two charts side by side
      series: [{}, ...series.map(([label, stroke]) => ({ label, stroke, width: 2, spanGaps: false, value: (_u, v) => (v == null ? '—' : v.toFixed(unit === 'ms' ? 1 : 2)) }))],
      plugins: [breakerMarks(() => view.marks[key] || [])],
    };
    return new uPlot(opts, [[], ...series.map(() => [])], holder);
  }

  /** Creates the charts of each dependency once, then gives them the newest history on every poll. */
  function draw(state) {
    const grid = document.getElementById('charts');
    const { history, replica } = state;
    const to = Date.parse(state.at) / 1000;
    const view = draw.view || (draw.view = { from: 0, to: 0, marks: {} });
    view.from = to - history.windowSeconds;
    view.to = to;
    document.getElementById('replica').textContent = `${replica.hostname} (process ${replica.id.split(':').pop()}, up since ${new Date(replica.startedAt).toLocaleTimeString()})`;
    document.getElementById('history-note').textContent = `One point every ${history.sampleSeconds} s over the last ${history.windowSeconds / 60} minutes; dashed lines: the breaker changed state.`;
    window.orderDashboard.replica = replica;
    for (const d of history.dependencies) {
      let row = grid.querySelector(`[data-history="${d.name}"]`);
      if (!row) {
        row = document.createElement('div');
        row.className = 'chart-row';
        row.dataset.history = d.name;
        grid.append(row);
        charts[`${d.name}/outcomes`] = makeChart(row, `${d.name}/outcomes`, `${d.name}: calls per second`, 'calls/s',
          Object.entries(OUTCOME_COLOURS), view);
        charts[`${d.name}/latency`] = makeChart(row, `${d.name}/latency`, `${d.name}: call latency`, 'ms', [['p50', '#1f5fa8'], ['p99', '#c2185b']], view);
      }
      const outcomes = [d.at, d.perSecond.success, d.perSecond.failure, d.perSecond.timeout, d.perSecond.rejected];
      const latency = [d.at, d.p50Ms, d.p99Ms];
      view.marks[`${d.name}/outcomes`] = view.marks[`${d.name}/latency`] = d.breakerChanges;
      row.dataset.breakerChanges = d.breakerChanges.map((c) => c.state).join(' ');
      charts[`${d.name}/outcomes`].setData(outcomes);
      charts[`${d.name}/latency`].setData(latency);
      window.orderDashboard.charts[d.name] = {
        at: d.at, perSecond: d.perSecond, p50Ms: d.p50Ms, p99Ms: d.p99Ms, breakerChanges: d.breakerChanges,
      };
    }
  }

  window.orderCharts = { draw };
})();
