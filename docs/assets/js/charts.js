// Progressive enhancement: the static SVG is already on the page and readable without JavaScript.
// When JavaScript runs, each chart becomes interactive (tooltips), with vega, vega-lite and
// vega-embed served by the site itself (assets/vendor/vega-bundle.js), never from a CDN.
(function () {
  var figures = document.querySelectorAll("figure.portal-chart[data-spec]");
  if (!figures.length) return;
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
  var runtime = document.createElement("script");
  runtime.src = bundle;
  runtime.onload = function () {
    figures.forEach(function (figure) {
      var image = figure.querySelector("img");
      var holder = document.createElement("div");
      holder.className = "portal-chart-interactive";
      fetch(figure.dataset.spec)
        .then(function (response) { return response.json(); })
        .then(function (spec) {
          delete spec.usermeta; // vega-embed would read options (a loader, an editor address) from it
          return window.vegaEmbed(holder, spec, options);
        })
        .then(function (result) {
          var svg = holder.querySelector("svg");
          if (svg && image) {
            svg.setAttribute("role", "img");
            svg.setAttribute("aria-label", image.alt);
          }
          if (image) image.replaceWith(holder);
        })
        .catch(function () { /* keep the static image */ });
    });
  };
  document.head.appendChild(runtime);
})();
