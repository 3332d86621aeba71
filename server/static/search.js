// Autocomplete of the search box in every page's header: as the reader types, the best names of the
// index (GET /search?q=…&limit=3, JSON) are listed under the box, each a link to its page. An external
// script (the pages' Content-Security-Policy runs no inline script); without it the box still submits.
(function () {
  "use strict";
  var MIN_CHARS = 2, DELAY_MS = 150, PER_TYPE = 3, SHOWN = 8;

  function setUp(form) {
    var input = form.querySelector("input[name=q]");
    var list = form.querySelector("[role=listbox]");
    if (!input || !list) { return; }
    var timer = null, asked = 0;

    function close() {
      list.hidden = true;
      list.textContent = "";
      input.setAttribute("aria-expanded", "false");
    }

    function show(groups) {
      list.textContent = "";
      var shown = 0;
      groups.forEach(function (group) {
        group.hits.forEach(function (hit) {
          if (shown >= SHOWN) { return; }
          var item = document.createElement("li");
          item.setAttribute("role", "option");
          var link = document.createElement("a");
          link.href = hit.url;
          link.textContent = hit.name;
          var about = document.createElement("small");
          about.textContent = " " + [hit.code, group.name].filter(Boolean).join(" · ");
          link.appendChild(about);
          item.appendChild(link);
          list.appendChild(item);
          shown += 1;
        });
      });
      list.hidden = shown === 0;
      input.setAttribute("aria-expanded", shown ? "true" : "false");
    }

    function ask() {
      var text = input.value.trim();
      if (text.length < MIN_CHARS) { close(); return; }
      var mine = ++asked;
      var url = form.action + "?limit=" + PER_TYPE + "&q=" + encodeURIComponent(text);
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { groups: [] }; })
        .then(function (answer) { if (mine === asked) { show(answer.groups); } })
        .catch(close);
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && !list.hidden) {
        event.preventDefault();
        list.querySelector("a").focus();
      } else if (event.key === "Escape") {
        close();
      }
    });
    list.addEventListener("keydown", function (event) {
      var links = Array.prototype.slice.call(list.querySelectorAll("a"));
      var at = links.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && at < links.length - 1) { event.preventDefault(); links[at + 1].focus(); }
      if (event.key === "ArrowUp") { event.preventDefault(); (at > 0 ? links[at - 1] : input).focus(); }
      if (event.key === "Escape") { close(); input.focus(); }
    });
    document.addEventListener("click", function (event) {
      if (!form.contains(event.target)) { close(); }
    });
  }

  document.querySelectorAll("form.site-search").forEach(setUp);
}());
