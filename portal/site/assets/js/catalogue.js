// The catalogue's search over catalogue/index.json (every dataset, whatever the page): words in the
// titles, summaries and keywords, case and accents aside; facets with counts; a sort; pages of
// results. The whole state is in the URL's query string (recherche, theme, mot-cle, editeur,
// edition, tri, page; not q, which opens the theme's own search), so a shared link restores it and
// back and forward walk through it. Without JavaScript the form stays hidden and the pages list
// every card, 50 a page, with their pager.
(function () {
  "use strict";
  var form = document.querySelector("form.catalogue-search");
  if (!form || !window.fetch || !window.URLSearchParams || !window.history.pushState) return;
  var wrapper = document.getElementById("catalogue");
  var results = document.getElementById("catalogue-results");
  var status = wrapper.querySelector(".catalogue-count");
  var details = form.querySelector("details.catalogue-facets");
  var serverPager = wrapper.querySelector("nav.pager");
  var original = results.innerHTML;
  var loadedPath = location.pathname;
  var indexURL = new URL(form.getAttribute("data-index"), document.baseURI);
  var siteRoot = new URL("../", indexURL);
  var catalogueRoot = new URL("./", indexURL);
  var pageSize = parseInt(form.getAttribute("data-page-size"), 10) || 50;
  var SHOWN = 8; // values shown per facet before "voir plus"
  var STATUSES = { "a-jour": true, "en-retard": true, "ponctuel": true, "inconnu": true };
  var facets = Array.prototype.map.call(form.querySelectorAll("fieldset[data-facet]"), function (fieldset) {
    return { key: fieldset.getAttribute("data-facet"), field: fieldset.getAttribute("data-field"),
      fieldset: fieldset, list: fieldset.querySelector("ul"), items: [], more: null, expanded: false };
  });
  var jsPager = document.createElement("nav");
  jsPager.className = "pager";
  jsPager.setAttribute("aria-label", "Pages des résultats");
  jsPager.hidden = true;
  results.parentNode.insertBefore(jsPager, results.nextSibling);
  var records = [];

  // The same folding as title_key in portal/site/pages.py: the server's order is the script's.
  function fold(text) {
    return String(text == null ? "" : text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function values(record, field) {
    var value = record[field];
    if (Array.isArray(value)) return value.map(String);
    return value == null || value === "" ? [] : [String(value)];
  }
  function number(n) { return n.toLocaleString("fr-FR"); }
  function day(iso) { return iso ? iso.split("-").reverse().join("/") : "—"; }
  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  // --- the state, read from and written to the URL -----------------------------------------
  function readState(search) {
    var params = new URLSearchParams(search);
    var state = { q: params.get("recherche") || "", sort: params.get("tri") === "maj" ? "maj" : "titre",
      page: Math.max(1, parseInt(params.get("page"), 10) || 1), facets: {} };
    facets.forEach(function (facet) { state.facets[facet.key] = params.getAll(facet.key).filter(Boolean); });
    return state;
  }
  function formState() {
    var state = { q: form.elements.recherche.value, sort: form.elements.tri.value, page: 1, facets: {} };
    facets.forEach(function (facet) {
      state.facets[facet.key] = facet.items.filter(function (item) { return item.box.checked; })
        .map(function (item) { return item.value; });
    });
    return state;
  }
  function isDefault(state) {
    return !state.q.trim() && state.sort === "titre" && state.page === 1 &&
      facets.every(function (facet) { return !state.facets[facet.key].length; });
  }
  function queryString(state, page) {
    var params = new URLSearchParams();
    if (state.q.trim()) params.set("recherche", state.q.trim());
    facets.forEach(function (facet) {
      state.facets[facet.key].forEach(function (value) { params.append(facet.key, value); });
    });
    if (state.sort !== "titre") params.set("tri", state.sort);
    if (page > 1) params.set("page", String(page));
    var text = params.toString();
    return text ? "?" + text : "";
  }
  function setForm(state) {
    form.elements.recherche.value = state.q;
    form.elements.tri.value = state.sort;
    facets.forEach(function (facet) {
      facet.items.forEach(function (item) { item.box.checked = state.facets[facet.key].indexOf(item.value) >= 0; });
    });
  }

  // --- search and facets -------------------------------------------------------------------
  function terms(state) { return fold(state.q).split(/\s+/).filter(Boolean); }
  function matches(record, state, words, skip) {
    for (var i = 0; i < words.length; i++) if (record._text.indexOf(words[i]) < 0) return false;
    return facets.every(function (facet) {
      var wanted = state.facets[facet.key];
      return facet.key === skip || !wanted.length || wanted.some(function (v) { return record._values[facet.key].indexOf(v) >= 0; });
    });
  }
  function counts(state, words, facet) {
    // A facet's counts leave its own choices aside: they say what ticking one more value gives.
    var found = {};
    records.forEach(function (record) {
      if (!matches(record, state, words, facet.key)) return;
      record._values[facet.key].forEach(function (v) { found[v] = (found[v] || 0) + 1; });
    });
    return found;
  }
  function buildFacets() {
    facets.forEach(function (facet) {
      var total = {};
      records.forEach(function (record) {
        record._values[facet.key].forEach(function (v) { total[v] = (total[v] || 0) + 1; });
      });
      var ordered = Object.keys(total).sort(function (a, b) {
        if (facet.field === "year") return b.localeCompare(a); // editions: the latest first
        return total[b] - total[a] || (fold(a) < fold(b) ? -1 : fold(a) > fold(b) ? 1 : 0);
      });
      facet.items = ordered.map(function (value) {
        var item = element("li");
        var label = element("label");
        var box = element("input");
        box.type = "checkbox";
        box.name = facet.key;
        box.value = value;
        var count = element("span", "facet-count");
        label.appendChild(box);
        label.appendChild(element("span", "facet-value", value));
        label.appendChild(count);
        item.appendChild(label);
        facet.list.appendChild(item);
        return { value: value, box: box, count: count, node: item };
      });
      if (!ordered.length) facet.fieldset.hidden = true;
      if (ordered.length > SHOWN) {
        facet.more = element("button", "facet-more");
        facet.more.type = "button";
        facet.list.id = "facet-" + facet.key;
        facet.more.setAttribute("aria-controls", facet.list.id);
        facet.more.addEventListener("click", function () {
          facet.expanded = !facet.expanded;
          showFacet(facet);
        });
        facet.fieldset.appendChild(facet.more);
      }
    });
  }
  function showFacet(facet) {
    var hidden = 0;
    facet.items.forEach(function (item, index) {
      item.node.hidden = !facet.expanded && index >= SHOWN && !item.box.checked;
      if (item.node.hidden) hidden++;
    });
    if (!facet.more) return;
    facet.more.setAttribute("aria-expanded", String(facet.expanded));
    facet.more.textContent = facet.expanded ? "Voir moins" : "Voir " + (hidden > 1 ? "les " + number(hidden) + " autres" : "l'autre");
  }
  function updateFacets(state, words) {
    facets.forEach(function (facet) {
      var found = counts(state, words, facet);
      facet.items.forEach(function (item) {
        var n = found[item.value] || 0;
        item.count.textContent = "(" + number(n) + ")";
        item.box.disabled = n === 0 && !item.box.checked;
        item.node.classList.toggle("facet-empty", item.box.disabled);
      });
      showFacet(facet);
    });
  }

  // --- results -----------------------------------------------------------------------------
  function compare(state) {
    function byTitle(a, b) { return a._key < b._key ? -1 : a._key > b._key ? 1 : a.name < b.name ? -1 : 1; }
    if (state.sort === "titre") return byTitle;
    return function (a, b) {
      var left = a.modified || "", right = b.modified || "";
      return left < right ? 1 : left > right ? -1 : byTitle(a, b);
    };
  }
  function card(record) {
    var article = element("article", "card");
    var heading = element("h2");
    var link = element("a", null, record.title);
    link.href = new URL(record.url, siteRoot).href;
    heading.appendChild(link);
    article.appendChild(heading);
    article.appendChild(element("p", "card-meta", record.publisher + " · " + record.themes.join(", ")));
    article.appendChild(element("p", null, record.summary));
    var facts = element("p", "card-meta");
    facts.appendChild(element("span", "badge badge-" + (STATUSES[record.status] ? record.status : "inconnu"), record.freshness));
    facts.appendChild(document.createTextNode(" mis à jour le " + day(record.modified) + " · score " + record.score + "/100"));
    article.appendChild(facts);
    return article;
  }
  function pagerLinks(state, page, pages) {
    jsPager.textContent = "";
    jsPager.hidden = pages <= 1;
    if (pages <= 1) return;
    var list = element("ul");
    for (var n = 1; n <= pages; n++) {
      var item = element("li");
      var link = element("a", null, String(n));
      link.href = catalogueRoot.pathname + queryString(state, n);
      link.setAttribute("data-page", String(n));
      if (n === page) link.setAttribute("aria-current", "page");
      item.appendChild(link);
      list.appendChild(item);
    }
    jsPager.appendChild(list);
  }
  function render(state) {
    var words = terms(state);
    updateFacets(state, words);
    if (isDefault(state) && location.pathname === loadedPath) {
      // The page as served: its own cards and pager.
      results.innerHTML = original;
      if (serverPager) serverPager.hidden = false;
      jsPager.hidden = true;
      status.textContent = number(records.length) + " jeux de données";
      return;
    }
    var kept = records.filter(function (record) { return matches(record, state, words, null); }).sort(compare(state));
    var pages = Math.max(1, Math.ceil(kept.length / pageSize));
    var page = Math.min(state.page, pages);
    results.textContent = "";
    kept.slice((page - 1) * pageSize, page * pageSize).forEach(function (record) { results.appendChild(card(record)); });
    if (!kept.length) results.appendChild(element("p", "catalogue-none", "Aucun jeu de données ne correspond : essayez d'autres mots ou moins de filtres."));
    if (serverPager) serverPager.hidden = true;
    pagerLinks(state, page, pages);
    status.textContent = (kept.length === 0 ? "Aucun jeu de données ne correspond"
      : kept.length === 1 ? "1 jeu de données correspond" : number(kept.length) + " jeux de données correspondent")
      + (pages > 1 ? ", page " + page + " sur " + pages : "");
  }

  // --- events: each change is a new entry in the history, typing one entry per search ------------
  function commit(state, replace) {
    var url = catalogueRoot.pathname + queryString(state, state.page);
    if (replace) history.replaceState({ catalogue: true, typing: true }, "", url);
    else history.pushState({ catalogue: true }, "", url);
    render(state);
  }
  var typing = null;
  form.elements.recherche.addEventListener("input", function () {
    clearTimeout(typing);
    typing = setTimeout(function () {
      var replace = !!(history.state && history.state.typing);
      commit(formState(), replace);
    }, 250);
  });
  form.addEventListener("change", function (event) {
    if (event.target === form.elements.recherche) return; // the input listener has it
    commit(formState(), false);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(typing);
    commit(formState(), !!(history.state && history.state.typing));
  });
  form.addEventListener("reset", function () {
    setTimeout(function () { commit(formState(), false); }, 0); // once the controls are reset
  });
  jsPager.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-page]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    var state = formState();
    state.page = parseInt(link.getAttribute("data-page"), 10);
    commit(state, false);
    status.focus();
    wrapper.scrollIntoView();
  });
  window.addEventListener("popstate", function () {
    var state = readState(location.search);
    setForm(state);
    render(state);
  });

  fetch(indexURL.href)
    .then(function (response) {
      if (!response.ok) throw new Error("catalogue/index.json : " + response.status);
      return response.json();
    })
    .then(function (index) {
      records = index;
      records.forEach(function (record) {
        record._key = fold(record.title);
        record._text = fold([record.title, record.summary].concat(record.keywords).join(" "));
        record._values = {};
        facets.forEach(function (facet) { record._values[facet.key] = values(record, facet.field); });
      });
      buildFacets();
      var state = readState(location.search);
      setForm(state);
      var narrow = window.matchMedia("(max-width: 59.9375em)").matches;
      if (narrow && facets.every(function (facet) { return !state.facets[facet.key].length; })) details.open = false;
      form.hidden = false;
      wrapper.classList.add("catalogue-js");
      render(state);
    });
})();
