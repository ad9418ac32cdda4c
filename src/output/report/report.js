(function () {
  "use strict";
  var errors = document.getElementById("errors");
  function report(msg) {
    var d = document.createElement("div");
    d.textContent = msg;
    errors.appendChild(d);
    errors.hidden = false;
  }
  window.onerror = function (msg, src, line, col) {
    report("script error: " + msg + " (line " + line + ":" + col + ")");
  };
  try {
    var data = JSON.parse(document.getElementById("report-data").textContent);
    var $ = function (id) { return document.getElementById(id); };
    var docs = Array.prototype.slice.call(document.querySelectorAll("article.doc"));
    var tops = Array.prototype.slice.call(document.querySelectorAll("#top li"));
    var charts = Array.prototype.slice.call(document.querySelectorAll(".dyad-chart"));
    var jump = $("f-doc");
    data.shown.forEach(function (d) {
      var o = document.createElement("option");
      o.value = d.anchor;
      o.textContent = d.title;
      jump.appendChild(o);
    });
    jump.addEventListener("change", function () {
      if (jump.value) { location.hash = jump.value; }
    });
    var texts = docs.map(function (d) { return d.textContent.toLowerCase(); });
    function words(s) { return s ? s.split(" ") : []; }
    function keep(el, text, f) {
      var date = el.getAttribute("data-date") || "";
      if (f.pair && words(el.getAttribute("data-pairs")).indexOf(f.pair) < 0) { return false; }
      if (f.cls && words(el.getAttribute("data-classes")).indexOf(f.cls) < 0) { return false; }
      if ((f.from || f.to) && !date) { return false; }
      if (f.from && date < f.from) { return false; }
      if (f.to && date > f.to) { return false; }
      if (f.word && text.indexOf(f.word) < 0) { return false; }
      return true;
    }
    function apply() {
      var f = {
        pair: $("f-pair").value, cls: $("f-class").value, from: $("f-from").value,
        to: $("f-to").value, word: $("f-word").value.trim().toLowerCase()
      };
      var shown = 0;
      docs.forEach(function (d, i) {
        var ok = keep(d, texts[i], f);
        d.hidden = !ok;
        if (!ok) { return; }
        shown += 1;
        d.querySelectorAll(".s").forEach(function (s) {
          var t = s.textContent.toLowerCase();
          s.classList.toggle("hit", !!f.word && t.indexOf(f.word) >= 0);
          var off = (f.cls && s.getAttribute("data-class") !== f.cls) ||
            (f.pair && words(s.getAttribute("data-pairs")).indexOf(f.pair) < 0);
          s.classList.toggle("dim", !!off);
        });
      });
      tops.forEach(function (li) { li.hidden = !keep(li, li.textContent.toLowerCase(), f); });
      charts.forEach(function (c) { c.hidden = !!f.pair && c.getAttribute("data-pair") !== f.pair; });
      $("f-status").textContent = "showing " + shown + " of " + docs.length + " document views";
    }
    ["f-pair", "f-class", "f-from", "f-to", "f-word"].forEach(function (id) {
      $(id).addEventListener("input", apply);
      $(id).addEventListener("change", apply);
    });
    var tip = $("tip");
    function show(s, x, y) {
      tip.textContent = s.getAttribute("data-scores");
      tip.hidden = false;
      tip.style.left = Math.max(4, Math.min(x + 12, window.innerWidth - 350)) + "px";
      tip.style.top = Math.max(4, Math.min(y + 12, window.innerHeight - tip.offsetHeight - 4)) + "px";
    }
    document.addEventListener("mouseover", function (e) {
      var s = e.target.closest ? e.target.closest(".s") : null;
      if (s) { show(s, e.clientX, e.clientY); } else { tip.hidden = true; }
    });
    document.addEventListener("click", function (e) {
      var s = e.target.closest ? e.target.closest(".s") : null;
      if (s) { show(s, e.clientX, e.clientY); } else { tip.hidden = true; }
    });
    document.addEventListener("focusin", function (e) {
      if (e.target.classList && e.target.classList.contains("s")) {
        var r = e.target.getBoundingClientRect();
        show(e.target, r.left, r.bottom);
      }
    });
    // Filters may come in the address: report.html?pair=KOR>JPN&class=verbal_conflict&word=missile
    var params = new URLSearchParams(location.search);
    [["pair", "f-pair"], ["class", "f-class"], ["from", "f-from"], ["to", "f-to"], ["word", "f-word"]]
      .forEach(function (p) {
        var v = params.get(p[0]);
        if (v !== null) { $(p[1]).value = v; }
      });
    apply();
    if (errors.hidden) {
      var ok = document.createElement("div");
      ok.id = "ok";
      ok.hidden = true;
      ok.textContent = "ok " + docs.length + " " + charts.length;
      document.body.appendChild(ok);
    }
  } catch (e) {
    report("script error: " + e);
  }
})();
