// Live sweep board: Server-Sent Events replace the server-rendered board (escaped by the template
// engine) as cells land; charts are drawn with uPlot. Push latency (newest cell row in ClickHouse
// -> the first event here that shows it) is kept in window.cabPushLatencies for tests and the
// curious.
(function () {
  'use strict';
  var board = document.getElementById('board');
  var status = document.getElementById('connection');
  var sortState = { col: -1, dir: 1 };
  var charts = {};
  window.cabPushLatencies = [];
  window.cabPushSplits = []; // [row landed -> change seen by the server, seen -> event here]
  window.cabBoardEvents = 0;
  var newestLanded = 0;

  function setStatus(state, text) { status.dataset.state = state; status.textContent = text; }

  function sortTable() {
    var table = board.querySelector('table.sortable');
    if (!table) { return; }
    var ths = table.querySelectorAll('th');
    ths.forEach(function (th, i) {
      th.classList.toggle('asc', i === sortState.col && sortState.dir > 0);
      th.classList.toggle('desc', i === sortState.col && sortState.dir < 0);
      if (!th.dataset.bound) {
        th.dataset.bound = '1';
        th.addEventListener('click', function () {
          if (!th.dataset.sort) { return; }
          sortState.dir = sortState.col === i ? -sortState.dir : (th.dataset.sort === 'num' && i !== 0 ? -1 : 1);
          sortState.col = i;
          sortTable();
        });
      }
    });
    if (sortState.col < 0) { return; }
    var kind = ths[sortState.col].dataset.sort, body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[sortState.col], y = b.cells[sortState.col];
      var r = kind === 'num' ? parseFloat(x.dataset.v) - parseFloat(y.dataset.v) : x.textContent.localeCompare(y.textContent);
      return r * sortState.dir;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  function chart(id, title, label, xs, ys, max) {
    var el = document.getElementById(id);
    if (!el || typeof uPlot === 'undefined') { return; }
    var data = [xs, ys];
    if (charts[id]) { charts[id].setData(data); return; }
    charts[id] = new uPlot({
      title: title, width: Math.max(320, el.clientWidth), height: 220,
      scales: { x: { time: true }, y: max ? { range: [0, max] } : {} },
      series: [{}, { label: label, stroke: '#2563eb', width: 2, spanGaps: true }]
    }, data, el);
  }

  function drawCharts(tl) {
    if (!tl) { return; }
    chart('chart-landed', 'Cells landed', 'cells', tl.seconds, tl.landed, 0);
    chart('chart-pass', 'Pass rate so far', 'pass rate', tl.seconds, tl.passRate, 1);
  }

  function connect() {
    var es = new EventSource(board.dataset.events);
    es.addEventListener('open', function () { setStatus('live', 'live: updates as cells land'); });
    es.addEventListener('board', function (e) {
      var d = JSON.parse(e.data);
      window.cabBoardEvents++;
      if (!d.found) { setStatus('live', 'live: no cell of this sweep yet'); return; }
      board.innerHTML = d.html;
      sortTable();
      drawCharts(d.timeline);
      if (d.lastLandedMillis > newestLanded) { // the first event showing a newer row
        newestLanded = d.lastLandedMillis;
        window.cabPushLatencies.push(Date.now() - d.lastLandedMillis);
        window.cabPushSplits.push([d.seenMillis - d.lastLandedMillis, Date.now() - d.seenMillis]);
      }
      setStatus('live', 'live: updated ' + new Date().toLocaleTimeString());
    });
    es.addEventListener('status', function (e) {
      var d = JSON.parse(e.data);
      if (d.clickhouse === 'down') { setStatus('down', 'ClickHouse is not reachable; the board resumes when it is back'); }
    });
    es.addEventListener('error', function () {
      setStatus('error', 'connection lost; reconnecting…');
      if (es.readyState === EventSource.CLOSED) { setTimeout(connect, 2000); }
    });
  }

  sortTable();
  fetch(board.dataset.api)
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (b) { if (b) { drawCharts(b.timeline); } })
    .catch(function () {});
  connect();
})();
