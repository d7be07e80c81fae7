// Catalogue filters by theme, keyword, publisher and edition, over catalogue/index.json (all
// datasets, whatever the page). Without JavaScript the form stays hidden and the pages list all.
(function () {
  var form = document.querySelector("form.catalogue-filters");
  if (!form) return;
  var results = document.getElementById("catalogue-results");
  var count = form.querySelector(".filter-count");
  var pager = document.querySelector("nav.pager");
  var original = results.innerHTML;
  var root = new URL("../", new URL(form.dataset.index, document.baseURI)).href;
  form.hidden = false;
  fetch(form.dataset.index)
    .then(function (response) { return response.json(); })
    .then(function (records) {
      form.addEventListener("change", function () { render(records); });
    });
  function text(value) {
    var span = document.createElement("span");
    span.textContent = value == null ? "" : String(value);
    return span;
  }
  function render(records) {
    var wanted = {};
    ["themes", "keywords", "publisher", "edition"].forEach(function (key) { wanted[key] = form.elements[key].value; });
    var active = Object.keys(wanted).some(function (key) { return wanted[key]; });
    if (!active) { results.innerHTML = original; count.textContent = ""; if (pager) pager.hidden = false; return; }
    var kept = records.filter(function (record) {
      return (!wanted.themes || record.themes.indexOf(wanted.themes) >= 0)
        && (!wanted.keywords || record.keywords.indexOf(wanted.keywords) >= 0)
        && (!wanted.publisher || record.publisher === wanted.publisher)
        && (!wanted.edition || record.edition === wanted.edition);
    });
    results.textContent = "";
    kept.forEach(function (record) {
      var card = document.createElement("article");
      card.className = "card";
      var title = document.createElement("h2");
      var link = document.createElement("a");
      link.href = new URL(record.url, root).href;
      link.appendChild(text(record.title));
      title.appendChild(link);
      var meta = document.createElement("p");
      meta.className = "card-meta";
      meta.appendChild(text(record.publisher + " · " + record.themes.join(", ") + " · " + record.freshness + " · score " + record.score + "/100"));
      card.appendChild(title);
      card.appendChild(meta);
      results.appendChild(card);
    });
    if (pager) pager.hidden = true;
    count.textContent = kept.length + (kept.length > 1 ? " jeux correspondent" : " jeu correspond");
  }
})();
