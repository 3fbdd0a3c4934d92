// Trace replay: a playhead over the span waterfall. Keys: space play/pause, left/right step from
// span to span, ',' and '.' step 100 ms. Also collapse/expand of subtrees and a filter (text, kind,
// errors only); the selected span's attributes show under the waterfall.
//
// Built for long traces (5,000 spans and more): the rows come as JSON (data-trace, see
// CellPages.traceJson) and only the rows in view, plus a margin, exist in the DOM (a windowed
// list of fixed-height rows). Filter and collapse recompute the list of shown rows in one pass;
// a key press redraws the window, never the whole trace. Every text is set with textContent.
(function () {
  'use strict';
  var replay = document.getElementById('replay');
  if (!replay) { return; }
  var ROW = 22, MARGIN = 15;
  var total = parseFloat(replay.dataset.totalMs) || 0;
  var totalText = replay.dataset.totalText;
  var clock = document.getElementById('clock');
  var waterfall = document.getElementById('waterfall');
  var canvas = document.getElementById('wf-rows');
  var head = document.getElementById('playhead');
  var detail = document.getElementById('span-detail');
  var trace = JSON.parse(waterfall.dataset.trace || '[]');
  var n = trace.length;
  // row fields: 0 id, 1 parent id, 2 depth, 3 has children, 4 kind, 5 name, 6 start ms,
  // 7 duration ms, 8 start text, 9 duration text, 10 error, 11 attributes
  var parent = new Int32Array(n), text = [], collapsed = new Uint8Array(n);
  var stack = [];
  for (var i = 0; i < n; i++) {
    var r = trace[i];
    // rows come in tree order: the parent is the nearest row above with a smaller depth
    while (stack.length && trace[stack[stack.length - 1]][2] >= r[2]) { stack.pop(); }
    parent[i] = stack.length ? stack[stack.length - 1] : -1;
    stack.push(i);
    text[i] = (r[5] + ' ' + r[4] + ' ' + r[0]).toLowerCase();
  }
  var shown = [], position = new Int32Array(n); // shown rows in tree order; row -> its place or -1
  var t = 0, selected = -1, playing = null, drawn = {};

  function fmt(ms) { return ms < 1000 ? Math.round(ms) + ' ms' : (ms / 1000).toFixed(2) + ' s'; }
  function pct(ms) { return total > 0 ? Math.max(0, Math.min(100, 100 * ms / total)) : 0; }

  // ---- the window: only rows between scrollTop and scrollTop + height (plus a margin) exist
  function rowElement(i) {
    var r = trace[i];
    var el = document.createElement('details');
    el.className = 'span kind-' + r[4] + (r[10] ? ' error' : '');
    el.dataset.i = i;
    el.dataset.span = r[0];
    el.dataset.parent = r[1];
    el.dataset.depth = r[2];
    var summary = document.createElement('summary');
    var label = document.createElement('span');
    label.className = 'label';
    label.style.paddingLeft = r[2] + 'em';
    label.title = r[4] + ' ' + r[5];
    if (r[3]) {
      var fold = document.createElement('button');
      fold.type = 'button';
      fold.className = 'fold';
      fold.textContent = collapsed[i] ? '▸' : '▾';
      fold.setAttribute('aria-label', collapsed[i] ? 'expand children' : 'collapse children');
      fold.setAttribute('aria-expanded', collapsed[i] ? 'false' : 'true');
      label.appendChild(fold);
    }
    label.appendChild(document.createTextNode('span '));
    [['sid', r[0]], ['kind', r[4]], ['name', r[5]]].forEach(function (c) {
      var s = document.createElement('span');
      s.className = c[0];
      s.textContent = c[1];
      label.appendChild(s);
    });
    summary.appendChild(label);
    [['start', r[8]], ['dur', r[9]]].forEach(function (c) {
      var s = document.createElement('span');
      s.className = c[0];
      s.textContent = c[1];
      summary.appendChild(s);
    });
    var track = document.createElement('span');
    track.className = 'track';
    var bar = document.createElement('span');
    bar.className = 'bar';
    bar.style.left = pct(r[6]).toFixed(3) + '%';
    bar.style.width = Math.max(0.15, pct(r[7])).toFixed(3) + '%';
    track.appendChild(bar);
    summary.appendChild(track);
    el.appendChild(summary);
    return el;
  }
  function draw() {
    canvas.style.height = (shown.length * ROW) + 'px';
    var first = Math.max(0, Math.floor(waterfall.scrollTop / ROW) - MARGIN);
    var last = Math.min(shown.length, Math.ceil((waterfall.scrollTop + waterfall.clientHeight) / ROW) + MARGIN);
    var keep = {};
    for (var p = first; p < last; p++) {
      var i = shown[p], el = drawn[i];
      if (!el) { el = rowElement(i); canvas.appendChild(el); drawn[i] = el; }
      el.style.top = (p * ROW) + 'px';
      el.classList.toggle('reached', trace[i][6] <= t);
      el.classList.toggle('sel', i === selected);
      keep[i] = el;
    }
    Object.keys(drawn).forEach(function (k) { if (!keep[k]) { canvas.removeChild(drawn[k]); } });
    drawn = keep;
  }
  var pending = false;
  waterfall.addEventListener('scroll', function () {
    if (!pending) { pending = true; requestAnimationFrame(function () { pending = false; draw(); }); }
  });

  // ---- time and selection
  function setTime(ms) {
    t = Math.max(0, Math.min(total, ms));
    clock.textContent = 't = ' + fmt(t) + ' / ' + totalText;
    head.style.left = 'calc(45% + ' + (pct(t) * 0.55).toFixed(4) + '%)';
    Object.keys(drawn).forEach(function (k) { drawn[k].classList.toggle('reached', trace[k][6] <= t); });
  }
  function showDetail(i) {
    var r = trace[i];
    detail.textContent = '';
    var h = document.createElement('h3');
    h.textContent = 'span ' + r[0] + ' · ' + r[4] + ' · ' + r[5] + ' · starts ' + r[8] + ' · lasts ' + r[9]
      + (r[1] ? ' · parent ' + r[1] : '');
    detail.appendChild(h);
    var dl = document.createElement('dl');
    dl.className = 'attrs';
    r[11].forEach(function (a) {
      var dt = document.createElement('dt'), dd = document.createElement('dd');
      dt.textContent = a[0];
      dd.textContent = a[1];
      dl.appendChild(dt);
      dl.appendChild(dd);
    });
    if (!r[11].length) {
      var none = document.createElement('p');
      none.className = 'muted';
      none.textContent = 'No attributes of its own.';
      detail.appendChild(none);
    }
    detail.appendChild(dl);
  }
  function scrollTo(i) {
    var y = position[i] * ROW;
    if (y < waterfall.scrollTop) { waterfall.scrollTop = y; }
    else if (y + ROW > waterfall.scrollTop + waterfall.clientHeight) { waterfall.scrollTop = y + ROW - waterfall.clientHeight; }
  }
  function select(i) {
    if (i < 0 || i >= n || position[i] < 0) { return; }
    selected = i;
    scrollTo(i);
    showDetail(i);
    setTime(trace[i][6]);
    draw();
  }
  function step(dir) {
    if (!shown.length) { return; }
    var p = selected >= 0 && position[selected] >= 0 ? position[selected] + dir : (dir > 0 ? 0 : shown.length - 1);
    if (p >= 0 && p < shown.length) { select(shown[p]); }
  }
  function play() {
    if (playing) { clearInterval(playing); playing = null; return; }
    if (t >= total) { setTime(0); }
    var perTick = Math.max(total / 200, 1); // the whole trace in about 10 s
    playing = setInterval(function () {
      setTime(t + perTick);
      if (t >= total) { clearInterval(playing); playing = null; }
    }, 50);
  }
  // How long a key takes to show: from the key event to the frame after the update.
  window.cabKeyLatencies = [];
  function measured(e) {
    var t0 = e.timeStamp;
    requestAnimationFrame(function () {
      setTimeout(function () { window.cabKeyLatencies.push(performance.now() - t0); }, 0);
    });
  }
  document.addEventListener('keydown', function (e) {
    var tag = (e.target && e.target.tagName) || '';
    if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') { return; }
    if (e.key === ' ') { e.preventDefault(); play(); }
    else if (e.key === 'ArrowRight') { e.preventDefault(); step(1); }
    else if (e.key === 'ArrowLeft') { e.preventDefault(); step(-1); }
    else if (e.key === '.') { setTime(t + 100); }
    else if (e.key === ',') { setTime(t - 100); }
    else { return; }
    measured(e);
  });

  // ---- which rows show: with a filter, exactly the matching spans; without, every span whose
  // ancestors are all expanded
  var filter = document.getElementById('span-filter');
  var kindFilter = document.getElementById('kind-filter');
  var errorsOnly = document.getElementById('errors-only');
  var count = document.getElementById('filter-count');
  function apply() {
    var q = filter.value.trim().toLowerCase();
    var k = kindFilter ? kindFilter.value : '';
    var errs = errorsOnly ? errorsOnly.checked : false;
    var filtering = q !== '' || k !== '' || errs;
    shown = [];
    for (var i = 0; i < n; i++) {
      var show;
      if (filtering) {
        show = (q === '' || text[i].indexOf(q) >= 0) && (k === '' || trace[i][4] === k) && (!errs || trace[i][10] === 1);
      } else {
        var p = parent[i]; // parents come first: position[p] is already current
        show = p < 0 || (!collapsed[p] && position[p] >= 0);
      }
      position[i] = show ? shown.length : -1;
      if (show) { shown.push(i); }
    }
    window.cabShownSpans = shown.length;
    count.textContent = filtering ? shown.length + ' of ' + n + ' spans'
      : (shown.length < n ? shown.length + ' of ' + n + ' spans shown' : '');
    Object.keys(drawn).forEach(function (key) { canvas.removeChild(drawn[key]); });
    drawn = {};
    draw();
  }
  function setCollapsed(i, c) { collapsed[i] = c ? 1 : 0; }
  canvas.addEventListener('click', function (e) {
    var row = e.target.closest && e.target.closest('details.span');
    if (!row) { return; }
    e.preventDefault(); // the row is a <details> for its semantics; it never opens in place
    var i = parseInt(row.dataset.i, 10);
    if (e.target.closest('.fold')) {
      setCollapsed(i, !collapsed[i]);
      apply();
    } else {
      select(i);
    }
  });
  function setAll(c) {
    for (var i = 0; i < n; i++) { if (trace[i][3]) { setCollapsed(i, c); } }
    apply();
  }
  document.getElementById('collapse-all').addEventListener('click', function () { setAll(true); });
  document.getElementById('expand-all').addEventListener('click', function () { setAll(false); });
  filter.addEventListener('input', apply);
  if (kindFilter) { kindFilter.addEventListener('change', apply); }
  if (errorsOnly) { errorsOnly.addEventListener('change', apply); }
  window.addEventListener('resize', draw);
  apply();
  setTime(0);
  window.cabReplayReady = performance.now();
})();
