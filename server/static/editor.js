// The query editor's page script (server/templates/ui.html): a file, not inline, so that the
// pages' Content-Security-Policy can forbid inline scripts (and javascript: links).
(function () {
  "use strict";
  var examples = JSON.parse(document.getElementById("examples-data").textContent);
  var settings = JSON.parse(document.getElementById("editor-settings").textContent);
  var endpoint = settings.endpoint;
  // Nothing from outside: our prefixes instead of prefix.cc, no LOV-backed completion.
  Yasgui.defaults.yasqe.prefixCcApi = settings.prefixes_url;
  Yasgui.defaults.yasqe.autocompleters = ["prefixes", "variables"];
  Yasgui.defaults.yasqe.value = examples[0].query;
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } }
  });
  window.metiersKgYasgui = yasgui;
  // The dataset's IRIs open on this server, which dereferences them, wherever the base IRI
  // itself points (a local or test server, or before the base is registered).
  var base = settings.base_iri, resourceRoot = settings.resource_root;
  document.getElementById("yasgui").addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (link && link.href.indexOf(base) === 0) {
      link.href = resourceRoot + "/" + link.href.slice(base.length);
    }
  }, true);
  var buttons = document.querySelectorAll("button.example");
  buttons.forEach(function (button) {
    button.addEventListener("click", function () {
      var example = examples.find(function (e) { return e.key === button.dataset.example; });
      var tab = yasgui.getTab();
      tab.setQuery(example.query);
      buttons.forEach(function (b) { b.classList.toggle("active", b === button); });
    });
  });
})();
