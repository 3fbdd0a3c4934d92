// Live sweep board: Server-Sent Events keep the server-rendered board current as cells land. A
// 'board' event replaces it whole (HTML escaped by the template engine), or all but the heatmap
// (keepHeatmap: the heatmap is patched with the event's squares instead); a 'cells' event adds the
// heatmap rows and columns the page lacks and patches the squares and progress counts that changed
// (built with the DOM, never as HTML), the rest follows with the next whole board. Charts are drawn with uPlot. For tests and the curious:
// window.cabShown / window.cabDecided hold, per cell id, when (epoch ms) its square first showed
// here and first showed a decided outcome; window.cabPushLatencies per whole board, newest cell row
// in ClickHouse -> the first event here that shows it; window.cabCharts the two uPlot charts by
// element id.
(function () {
  'use strict';
  var board = document.getElementById('board');
  var status = document.getElementById('connection');
  var sortState = { col: -1, dir: 1 };
  var charts = {}; // by element id: {plot: the uPlot, axis: [from, to] epoch seconds}
  window.cabCharts = {};
  window.cabPushLatencies = [];
  window.cabPushSplits = []; // [row landed -> change seen by the server, seen -> event here]
  window.cabBoardEvents = 0;
  window.cabCellEvents = 0;
  window.cabShown = Object.create(null);
  window.cabDecided = Object.create(null);
  window.cabShownSeen = Object.create(null);
  window.cabDecidedSeen = Object.create(null);
  // per cell, how its square first showed: by a 'cells' event, a whole board that patched the
  // heatmap ('board-patch') or re-rendered it ('board-html'), or the page as served ('page'); when
  // the server started writing that event (sentMillis) and when it reached this page's handler
  window.cabShownBy = Object.create(null);
  window.cabShownSent = Object.create(null);
  window.cabShownArrived = Object.create(null);
  var newestLanded = 0;
  var index = null; // heatmap cells by task and (agent CLI, model), rebuilt per whole board
  var DECIDED = { passed: 1, failed: 1, infra_error: 1 };

  // seen: when the server saw the change (the event's seenMillis): the split of the push's time
  function noteShown(cellId, outcome, now, seen, how) {
    if (!cellId) { return; }
    if (!(cellId in window.cabShown)) {
      window.cabShown[cellId] = now;
      window.cabShownSeen[cellId] = seen;
      window.cabShownBy[cellId] = how.kind;
      window.cabShownSent[cellId] = how.sent;
      window.cabShownArrived[cellId] = how.arrived;
    }
    if (DECIDED[outcome] && !(cellId in window.cabDecided)) {
      window.cabDecided[cellId] = now;
      window.cabDecidedSeen[cellId] = seen;
    }
  }

  function indexHeatmap(now, seen, how) {
    index = null;
    var table = board.querySelector('table.heatmap');
    if (!table) { return; }
    var cols = new Map(), rows = new Map(); // Maps: names are untrusted text ('__proto__', ...)
    table.querySelectorAll('thead th.col').forEach(function (th, i) {
      cols.set(th.dataset.tui + '\u0000' + th.dataset.model, i + 1);
    });
    Array.prototype.forEach.call(table.tBodies[0].rows, function (tr) { rows.set(tr.dataset.task, tr); });
    index = { cols: cols, rows: rows };
    table.querySelectorAll('a.sq').forEach(function (a) {
      noteShown(decodeURIComponent(a.getAttribute('href').replace(/^\/cells\//, '')), a.dataset.outcome, now, seen, how);
    });
  }

  function patchSquare(s, now, seen, how) {
    var tr = index && index.rows.get(s.task), col = index && index.cols.get(s.tui + '\u0000' + s.model);
    if (!tr || !col || !tr.cells[col]) { return; } // not on this page yet: the next whole board has it
    var el;
    if (s.href) {
      el = document.createElement('a');
      el.setAttribute('href', s.href);
      el.dataset.outcome = s.outcome;
    } else {
      el = document.createElement('span');
    }
    el.className = 'sq o-' + (s.outcome || 'none');
    el.title = s.title;
    tr.cells[col].replaceChildren(el);
    noteShown(s.cellId, s.outcome, now, seen, how);
  }

  function emptySquare() {
    var td = document.createElement('td'), el = document.createElement('span');
    el.className = 'sq o-none';
    td.appendChild(el);
    return td;
  }

  // A delta may grow the heatmap: columns it lacks are appended (the page finds a column by its
  // names, so its order may differ from the server's until the next whole board), rows it lacks
  // are added and every row put in the order given. Their squares come in the same delta.
  function relayout(tasks, columns) {
    var table = board.querySelector('table.heatmap');
    if (!table || !index || (!tasks.length && !columns.length)) { return; }
    var head = table.tHead.rows[0], body = table.tBodies[0];
    columns.forEach(function (c) {
      var key = c.tui + '\u0000' + c.model;
      if (index.cols.has(key)) { return; }
      var th = document.createElement('th'), label = document.createElement('span');
      th.className = 'col';
      th.dataset.tui = c.tui;
      th.dataset.model = c.model;
      label.textContent = c.tui + ' \u00d7 ' + c.model;
      th.appendChild(label);
      head.appendChild(th);
      index.cols.set(key, head.cells.length - 1);
      index.rows.forEach(function (tr) { tr.appendChild(emptySquare()); });
    });
    tasks.forEach(function (task) {
      var tr = index.rows.get(task);
      if (!tr) {
        tr = document.createElement('tr');
        tr.dataset.task = task;
        var th = document.createElement('th');
        th.textContent = task;
        tr.appendChild(th);
        for (var i = 1; i < head.cells.length; i++) { tr.appendChild(emptySquare()); }
        index.rows.set(task, tr);
      }
      body.appendChild(tr); // moves an existing row: the rows end up in the given order
    });
  }

  function patch(d, arrived) {
    var now = Date.now();
    relayout(d.tasks || [], d.columns || []);
    var how = { kind: 'cells', sent: d.sentMillis, arrived: arrived };
    d.squares.forEach(function (s) { patchSquare(s, now, d.seenMillis, how); });
    Object.keys(d.progress).forEach(function (id) {
      var el = document.getElementById(id);
      if (el) { el.textContent = d.progress[id]; }
    });
    var bar = board.querySelector('#progress .bar');
    if (bar) { bar.style.width = d.percent.toFixed(1) + '%'; }
  }

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

  // x tick labels, 24-hour: HH:mm:ss for steps under a minute, HH:mm under a day, then dates; the
  // first tick and the first of each new day carry the date below (uPlot's table of formats)
  var NL_DATE = '\n{YYYY}-{MM}-{DD}';
  var TIME_TICKS = [
    // [step from, in seconds; label; below it at a new year, month, day, hour, minute, second; 1]
    [365 * 86400, '{YYYY}', null, null, null, null, null, null, 1],
    [28 * 86400, '{MMM}', '\n{YYYY}', null, null, null, null, null, 1],
    [86400, '{MMM} {D}', '\n{YYYY}', null, null, null, null, null, 1],
    [60, '{HH}:{mm}', NL_DATE, null, NL_DATE, null, null, null, 1],
    [1, '{HH}:{mm}:{ss}', NL_DATE, null, NL_DATE, null, null, null, 1]
  ];

  // The time axis is the server's (timeline.fromSeconds..toSeconds): the data's span, or two
  // minutes centred on a sweep that landed within less. Left to itself uPlot widens a lone point by
  // 86400 / ms = 86,400,000 of our seconds-based units (its "one day" is 1,000 days), so a
  // single-instant sweep was drawn on a 2027-2029 axis. A zoomed range is kept as chosen.
  function timeRange(id) {
    return function (u, min, max) {
      var xs = u.data[0], axis = charts[id] && charts[id].axis;
      var auto = xs.length > 0 && min === xs[0] && (max === xs[xs.length - 1] || xs[0] === xs[xs.length - 1]);
      return auto && axis && axis[1] > axis[0] ? [axis[0], axis[1]] : [min, max];
    };
  }

  function chart(id, title, label, tl, ys, yAxis) {
    var el = document.getElementById(id);
    if (!el || typeof uPlot === 'undefined') { return; }
    var data = [tl.seconds, ys], axis = [tl.fromSeconds, tl.toSeconds];
    if (charts[id]) {
      charts[id].axis = axis;
      charts[id].plot.setData(data);
      return;
    }
    charts[id] = { axis: axis };
    charts[id].plot = new uPlot({
      title: title, width: Math.max(320, el.clientWidth), height: 220,
      padding: [null, 36, null, null], // room for the last tick's label, centred on the right edge
      scales: { x: { time: true, range: timeRange(id) }, y: yAxis.scale },
      axes: [{ values: TIME_TICKS, space: 64 }, yAxis.axis],
      series: [{ label: 'time', value: '{YYYY}-{MM}-{DD} {HH}:{mm}:{ss}' },
        { label: label, stroke: '#2563eb', width: 2, spanGaps: true, value: yAxis.value }]
    }, data, el);
    window.cabCharts[id] = charts[id].plot;
  }

  // cells landed: from 0, in steps of whole cells
  var WHOLE_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000];
  function countRange(u, min, max) { return [0, max > 0 ? uPlot.rangeNum(0, max, 0.1, true)[1] : 1]; }

  function percent(v) { return v == null ? '–' : Math.round(v * 100) + '%'; }

  function drawCharts(tl) {
    if (!tl) { return; }
    chart('chart-landed', 'Cells landed', 'cells', tl, tl.landed, {
      scale: { range: countRange }, axis: { incrs: WHOLE_STEPS }
    });
    chart('chart-pass', 'Pass rate so far', 'pass rate', tl, tl.passRate, {
      scale: { range: [0, 1] },
      axis: { values: function (u, splits) { return splits.map(percent); } },
      value: function (u, v) { return percent(v); }
    });
  }

  // charts follow their column's width
  if (typeof ResizeObserver !== 'undefined') {
    new ResizeObserver(function () {
      Object.keys(charts).forEach(function (id) {
        var el = document.getElementById(id);
        if (el && el.clientWidth > 0) { charts[id].plot.setSize({ width: Math.max(320, el.clientWidth), height: 220 }); }
      });
    }).observe(document.getElementById('charts'));
  }

  function connect() {
    var es = new EventSource(board.dataset.events);
    es.addEventListener('open', function () { setStatus('live', 'live: updates as cells land'); });
    es.addEventListener('board', function (e) {
      var arrived = Date.now();
      var d = JSON.parse(e.data);
      window.cabBoardEvents++;
      if (!d.found) { setStatus('live', 'live: no cell of this sweep yet'); return; }
      // keepHeatmap: the board without its heatmap, and the heatmap's delta to patch ours with
      var kept = d.keepHeatmap ? board.querySelector('#heatmap') : null;
      var how = { kind: kept ? 'board-patch' : 'board-html', sent: d.sentMillis, arrived: arrived };
      if (d.keepHeatmap && !(kept && index)) { es.close(); connect(); return; } // a fresh whole board
      board.innerHTML = d.html;
      if (kept) {
        board.querySelector('#heatmap').replaceWith(kept);
        var now = Date.now();
        relayout(d.tasks, d.columns);
        d.squares.forEach(function (s) { patchSquare(s, now, d.seenMillis, how); });
      } else {
        indexHeatmap(Date.now(), d.seenMillis, how);
      }
      sortTable();
      drawCharts(d.timeline);
      if (d.lastLandedMillis > newestLanded) { // the first event showing a newer row
        newestLanded = d.lastLandedMillis;
        window.cabPushLatencies.push(Date.now() - d.lastLandedMillis);
        window.cabPushSplits.push([d.seenMillis - d.lastLandedMillis, Date.now() - d.seenMillis]);
      }
      setStatus('live', 'live: updated ' + new Date().toLocaleTimeString());
    });
    es.addEventListener('cells', function (e) {
      var arrived = Date.now();
      window.cabCellEvents++;
      patch(JSON.parse(e.data), arrived);
      if (status.dataset.state !== 'down') { setStatus('live', 'live: updated ' + new Date().toLocaleTimeString()); }
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

  indexHeatmap(Date.now(), 0, { kind: 'page', sent: 0, arrived: 0 });
  sortTable();
  fetch(board.dataset.api)
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (b) { if (b) { drawCharts(b.timeline); } })
    .catch(function () {});
  connect();
})();
