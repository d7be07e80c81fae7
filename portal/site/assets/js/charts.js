// Progressive enhancement: the static SVG is already on the page and readable without JavaScript.
// Each chart gets a button that makes it interactive (tooltips); only then is the Vega runtime
// (vega, vega-lite and vega-embed, assets/vendor/vega-bundle.js, served by the site itself, never
// from a CDN) downloaded, once for the whole page. Copy buttons are copy.js's.
(function () {
  var script = document.currentScript;
  var bundle = new URL("../vendor/vega-bundle.js", script.src).href;
  var locale = { decimal: ",", thousands: "\u202f", grouping: [3], currency: ["", "\u00a0€"], percent: "\u202f%" };
  // A chart draws the data its specification carries and loads nothing else: every load refused.
  var refuse = function () { return Promise.reject(new Error("chargement refusé")); };
  var loader = { load: refuse, sanitize: refuse, http: refuse, file: refuse };
  var options = {
    renderer: "svg",
    actions: false,
    formatLocale: locale,
    loader: loader,
    // The expression interpreter rather than code built with Function: no 'unsafe-eval' in the
    // Content-Security-Policy. No <style> elements either: their rules are in portal.css.
    ast: true,
    defaultStyle: false,
    tooltip: { disableDefaultStyle: true },
  };
  var loading = null;

  function runtime() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var element = document.createElement("script");
        element.src = bundle;
        element.onload = resolve;
        element.onerror = function () { loading = null; reject(new Error("vega-bundle.js")); };
        document.head.appendChild(element);
      });
    }
    return loading;
  }

  function interactive(figure) {
    var frame = figure.querySelector(".chart-frame");
    var image = figure.querySelector("img");
    var source = figure.querySelector("picture source");
    // The narrow drawing where the page shows it (a phone), the wide one elsewhere.
    var narrow = source && window.matchMedia(source.media).matches && figure.dataset.specNarrow;
    var holder = document.createElement("div");
    holder.className = "portal-chart-interactive";
    holder.tabIndex = -1;
    return fetch(narrow || figure.dataset.spec)
      .then(function (response) { return response.json(); })
      .then(function (spec) {
        delete spec.usermeta; // vega-embed would read options (a loader, an editor address) from it
        return window.vegaEmbed(holder, spec, options);
      })
      .then(function () {
        var svg = holder.querySelector("svg");
        if (svg && image) {
          svg.setAttribute("role", "img");
          svg.setAttribute("aria-label", image.alt);
        }
        frame.replaceChildren(holder);
        return holder;
      });
  }

  document.querySelectorAll("figure.portal-chart[data-spec]").forEach(function (figure) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "chart-interactive-button";
    button.textContent = "Rendre interactif";
    // The visible words first, then which chart (WCAG 2.5.3): the page may hold several.
    button.setAttribute("aria-label", "Rendre interactif : " + (figure.dataset.title || "graphique"));
    button.addEventListener("click", function () {
      button.disabled = true;
      button.textContent = "Chargement…";
      runtime()
        .then(function () { return interactive(figure); })
        .then(function (holder) {
          button.remove();
          holder.focus(); // the button is gone: the keyboard stays on the chart
        })
        .catch(function () {
          button.disabled = false;
          button.textContent = "Rendre interactif";
        });
    });
    figure.querySelector(".chart-frame").after(button);
  });
})();
