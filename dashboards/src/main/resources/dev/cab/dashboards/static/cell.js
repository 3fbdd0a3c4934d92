// Trace replay: a playhead over the span waterfall. Keys: space play/pause, left/right step from
// span to span, ',' and '.' step 100 ms. Also collapse/expand of subtrees and a filter box.
(function () {
  'use strict';
  var replay = document.getElementById('replay');
  if (!replay) { return; }
  var total = parseFloat(replay.dataset.totalMs) || 0;
  var totalText = replay.dataset.totalText;
  var clock = document.getElementById('clock');
  var head = document.getElementById('playhead');
  var rows = Array.prototype.slice.call(document.querySelectorAll('#waterfall details.span'));
  var t = 0, selected = -1, playing = null;

  function fmt(ms) { return ms < 1000 ? Math.round(ms) + ' ms' : (ms / 1000).toFixed(2) + ' s'; }
  function setTime(ms) {
    t = Math.max(0, Math.min(total, ms));
    clock.textContent = 't = ' + fmt(t) + ' / ' + totalText;
    var pct = total > 0 ? t / total : 0;
    head.style.marginLeft = '0';
    head.style.left = 'calc(45% + ' + (pct * 55).toFixed(4) + '%)';
    rows.forEach(function (r) { r.classList.toggle('reached', parseFloat(r.dataset.start) <= t); });
  }
  function visible(r) { return !r.classList.contains('hidden'); }
  function select(i) {
    if (i < 0 || i >= rows.length) { return; }
    if (selected >= 0) { rows[selected].classList.remove('sel'); rows[selected].open = false; }
    selected = i;
    var r = rows[i];
    r.classList.add('sel');
    r.open = true;
    r.scrollIntoView({ block: 'nearest' });
    setTime(parseFloat(r.dataset.start));
  }
  function step(dir) {
    var i = selected;
    do { i += dir; } while (i >= 0 && i < rows.length && !visible(rows[i]));
    select(i);
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
  document.addEventListener('keydown', function (e) {
    var tag = (e.target && e.target.tagName) || '';
    if (tag === 'INPUT' || tag === 'TEXTAREA') { return; }
    if (e.key === ' ') { e.preventDefault(); play(); }
    else if (e.key === 'ArrowRight') { e.preventDefault(); step(1); }
    else if (e.key === 'ArrowLeft') { e.preventDefault(); step(-1); }
    else if (e.key === '.') { setTime(t + 100); }
    else if (e.key === ',') { setTime(t - 100); }
  });
  rows.forEach(function (r, i) {
    r.addEventListener('toggle', function () { if (r.open && selected !== i) { select(i); } });
  });

  // Collapse: hide every descendant of a span (by parent links, in tree order).
  function descendants(i) {
    var depth = parseInt(rows[i].dataset.depth, 10), out = [];
    for (var j = i + 1; j < rows.length && parseInt(rows[j].dataset.depth, 10) > depth; j++) { out.push(rows[j]); }
    return out;
  }
  document.querySelectorAll('#waterfall .fold').forEach(function (b) {
    b.addEventListener('click', function (e) {
      e.preventDefault(); e.stopPropagation();
      var row = b.closest('details'), i = rows.indexOf(row);
      var collapse = !row.classList.contains('collapsed');
      row.classList.toggle('collapsed', collapse);
      b.textContent = collapse ? '▸' : '▾';
      descendants(i).forEach(function (d) { d.classList.toggle('hidden', collapse); });
    });
  });
  function setAll(collapse) {
    rows.forEach(function (r) {
      var b = r.querySelector('.fold');
      r.classList.toggle('collapsed', collapse && !!b);
      if (b) { b.textContent = collapse ? '▸' : '▾'; }
      r.classList.toggle('hidden', collapse && parseInt(r.dataset.depth, 10) > 0);
    });
  }
  document.getElementById('collapse-all').addEventListener('click', function () { setAll(true); });
  document.getElementById('expand-all').addEventListener('click', function () { setAll(false); });
  var filter = document.getElementById('span-filter'), count = document.getElementById('filter-count');
  filter.addEventListener('input', function () {
    var q = filter.value.trim().toLowerCase(), n = 0;
    rows.forEach(function (r) {
      var text = r.querySelector('summary').textContent.toLowerCase();
      var hit = q === '' || text.indexOf(q) >= 0;
      r.classList.toggle('hidden', !hit);
      if (hit) { n++; }
    });
    count.textContent = q === '' ? '' : n + ' of ' + rows.length + ' spans';
  });
  setTime(0);
})();
