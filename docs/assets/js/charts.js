// Progressive enhancement: the static SVG is already on the page and readable without JavaScript.
// When JavaScript runs, each chart becomes interactive (tooltips), with vega, vega-lite and
// vega-embed served by the site itself (assets/vendor/vega-bundle.js), never from a CDN.
(function () {
  var figures = document.querySelectorAll("figure.portal-chart[data-spec]");
  if (!figures.length) return;
  var script = document.currentScript;
  var bundle = new URL("../vendor/vega-bundle.js", script.src).href;
  var locale = { decimal: ",", thousands: "\u202f", grouping: [3], currency: ["", "\u00a0€"], percent: "\u202f%" };
  var loader = document.createElement("script");
  loader.src = bundle;
  loader.onload = function () {
    figures.forEach(function (figure) {
      var image = figure.querySelector("img");
      var holder = document.createElement("div");
      holder.className = "portal-chart-interactive";
      fetch(figure.dataset.spec)
        .then(function (response) { return response.json(); })
        .then(function (spec) {
          return window.vegaEmbed(holder, spec, { renderer: "svg", actions: false, formatLocale: locale });
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
  document.head.appendChild(loader);
})();
