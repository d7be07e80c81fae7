// The table explorer of a table page (jeux/<name>/tables/<resource>/): sort on any column, facets
// with counts, text search, pages of 20 rows, download of the filtered rows as CSV for French
// spreadsheets, and the whole state in the query string so that a shared link restores it.
//
// Written for the portal rather than taken from a grid library: the page's own <table> stays the
// table (its first rows are there for readers without JavaScript), header buttons sort with the
// keyboard and aria-sort tells the order, and nothing is injected that the Content-Security-Policy
// refuses (no <style>, no style attribute). The rows come from lignes.json, written beside the page
// by portal/site/explorer.py: every cell is the site's canonical CSV text.
(function () {
  "use strict";
  var root = document.querySelector(".explorer[data-src]");
  if (!root) return;
  var PAGE_ROWS = 20;
  // What a spreadsheet takes for a formula, and the plain numbers it may keep (portal.downloads.spreadsheet_cell).
  var FORMULA = /^[=+\-@\t\r]/;
  var PLAIN_NUMBER = /^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$/;
  var numberFormat = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 12 });
  var collator = new Intl.Collator("fr", { numeric: true, sensitivity: "base" });

  var table = root.querySelector("table");
  var wrap = table.parentNode;
  var caption = table.querySelector("caption");
  var tbody = table.tBodies[0];
  var status = element("p", "explorer-status");
  status.setAttribute("role", "status");
  status.textContent = "Chargement de la table…";
  root.insertBefore(status, wrap);

  fetch(root.dataset.src)
    .then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    })
    .then(start)
    .catch(function () {
      status.textContent = "La table n'a pas pu être chargée : ses premières lignes restent affichées, et le fichier complet se télécharge ci-dessous.";
    });

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function count(n) {
    return numberFormat.format(n);
  }

  function start(data) {
    var columns = data.columns;
    var rows = data.rows;
    var width = columns.length;
    var byName = {};
    columns.forEach(function (column, index) { byName[column.name] = index; });
    var facetColumns = data.facets.map(function (name) { return byName[name]; }).filter(function (i) { return i != null; });
    var haystack = rows.map(function (row) { return fold(row.join("\u0001")); });
    var numbers = columns.map(function (column, index) {
      if (column.kind === "text") return null;
      return rows.map(function (row) { var v = row[index]; return v === "" || v == null ? NaN : Number(v); });
    });
    var state = readState();
    var orders = {};
    var kept = [];
    var counts = [];

    // --- controls -------------------------------------------------------------------------
    var controls = element("div", "explorer-controls");
    var searchBox = element("div", "explorer-search");
    var searchId = "explorateur-recherche";
    var searchLabel = element("label", null, "Rechercher dans la table");
    searchLabel.htmlFor = searchId;
    var search = element("input");
    search.type = "search";
    search.id = searchId;
    search.value = state.q;
    search.autocomplete = "off";
    searchBox.appendChild(searchLabel);
    searchBox.appendChild(search);
    controls.appendChild(searchBox);

    var facetBox = element("div", "explorer-facets");
    var facetViews = facetColumns.map(function (columnIndex, f) {
      var values = {};
      rows.forEach(function (row) { values[row[columnIndex] == null ? "" : row[columnIndex]] = true; });
      var sorted = Object.keys(values).sort(function (a, b) {
        return numbers[columnIndex] ? Number(a) - Number(b) : collator.compare(a, b);
      });
      var details = element("details", "explorer-facet");
      var summary = element("summary", null, columns[columnIndex].title);
      var chosen = element("span", "explorer-facet-chosen");
      summary.appendChild(chosen);
      details.appendChild(summary);
      var fieldset = element("fieldset");
      var legend = element("legend", "explorer-hidden", "Filtrer par " + columns[columnIndex].title);
      fieldset.appendChild(legend);
      var boxes = sorted.map(function (value, v) {
        var label = element("label", "explorer-choice");
        var box = element("input");
        box.type = "checkbox";
        box.value = value;
        box.id = "explorateur-facette-" + f + "-" + v;
        box.checked = state.filters[columnIndex] ? state.filters[columnIndex].has(value) : false;
        var text = element("span", null, value === "" ? "(vide)" : shown(value, columns[columnIndex].kind));
        var number = element("span", "explorer-count");
        label.appendChild(box);
        label.appendChild(text);
        label.appendChild(number);
        fieldset.appendChild(label);
        return { box: box, count: number, value: value };
      });
      details.appendChild(fieldset);
      details.open = !!state.filters[columnIndex];
      facetBox.appendChild(details);
      fieldset.addEventListener("change", function () {
        var set = new Set();
        boxes.forEach(function (b) { if (b.box.checked) set.add(b.value); });
        if (set.size) state.filters[columnIndex] = set;
        else delete state.filters[columnIndex];
        state.page = 1;
        update();
      });
      return { column: columnIndex, boxes: boxes, chosen: chosen };
    });
    if (facetViews.length) controls.appendChild(facetBox);

    var actions = element("div", "explorer-actions");
    var reset = element("button", "md-button", "Réinitialiser");
    reset.type = "button";
    var download = element("button", "md-button md-button--primary", "Télécharger ces lignes (CSV)");
    download.type = "button";
    actions.appendChild(reset);
    actions.appendChild(download);
    controls.appendChild(actions);
    root.insertBefore(controls, status);

    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var sortButtons = headers.map(function (th, index) {
      var button = element("button", "explorer-sort");
      button.type = "button";
      button.appendChild(element("span", null, columns[index].title));
      var icon = element("span", "explorer-sort-icon");
      icon.setAttribute("aria-hidden", "true");
      button.appendChild(icon);
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        if (state.sort !== index) { state.sort = index; state.desc = false; }
        else if (!state.desc) state.desc = true;
        else { state.sort = null; state.desc = false; }
        state.page = 1;
        update();
      });
      return { th: th, icon: icon };
    });

    var pager = element("nav", "explorer-pager");
    pager.setAttribute("aria-label", "Pages de la table");
    var first = pagerButton("« Première", function () { state.page = 1; });
    var previous = pagerButton("‹ Précédente", function () { state.page -= 1; });
    var where = element("span", "explorer-where");
    var next = pagerButton("Suivante ›", function () { state.page += 1; });
    var last = pagerButton("Dernière »", function () { state.page = Infinity; });
    [first, previous, where, next, last].forEach(function (node) { pager.appendChild(node); });
    wrap.parentNode.insertBefore(pager, wrap.nextSibling);

    function pagerButton(label, move) {
      var button = element("button", "md-button", label);
      button.type = "button";
      button.addEventListener("click", function () {
        move();
        update();
        if (button.disabled) wrap.focus(); // at the first or last page: to the rows, not lost
      });
      return button;
    }

    var typing = null;
    search.addEventListener("input", function () {
      state.q = search.value;
      state.page = 1;
      // One update per pause in typing: a long table is not filtered at every keystroke.
      clearTimeout(typing);
      typing = setTimeout(update, rows.length > 5000 ? 150 : 0);
    });
    reset.addEventListener("click", function () {
      state = { q: "", sort: null, desc: false, page: 1, filters: {} };
      search.value = "";
      facetViews.forEach(function (view) { view.boxes.forEach(function (b) { b.box.checked = false; }); });
      update();
    });
    download.addEventListener("click", function () {
      var blob = new Blob(["\ufeff" + csv(kept)], { type: "text/csv;charset=utf-8" });
      var link = element("a");
      link.href = URL.createObjectURL(blob);
      link.download = root.dataset.name + "-filtre.csv";
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
    });
    update();

    // --- state ----------------------------------------------------------------------------
    function readState() {
      var params = new URLSearchParams(location.search);
      var sort = params.has("tri") && byName[params.get("tri")] != null ? byName[params.get("tri")] : null;
      var filters = {};
      params.forEach(function (value, key) {
        if (key.indexOf("f.") !== 0) return;
        var index = byName[key.slice(2)];
        if (index == null || facetColumns.indexOf(index) < 0) return;
        (filters[index] = filters[index] || new Set()).add(value);
      });
      return {
        q: params.get("q") || "",
        sort: sort,
        desc: sort != null && params.get("ordre") === "desc",
        page: Math.max(1, parseInt(params.get("page"), 10) || 1),
        filters: filters,
      };
    }

    function writeState() {
      var params = new URLSearchParams();
      if (state.q) params.set("q", state.q);
      if (state.sort != null) params.set("tri", columns[state.sort].name);
      if (state.desc) params.set("ordre", "desc");
      Object.keys(state.filters).forEach(function (index) {
        state.filters[index].forEach(function (value) { params.append("f." + columns[index].name, value); });
      });
      if (state.page > 1) params.set("page", String(state.page));
      var query = params.toString();
      history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
    }

    // --- rows -----------------------------------------------------------------------------
    function order() {
      // All rows in the asked order, computed once per column and direction.
      var key = state.sort == null ? "" : state.sort + (state.desc ? "d" : "a");
      if (orders[key]) return orders[key];
      var all = rows.map(function (_, i) { return i; });
      if (state.sort == null) return (orders[key] = all);
      var index = state.sort;
      var values = numbers[index];
      var filled = all.filter(function (i) {
        return values ? !isNaN(values[i]) : rows[i][index] !== "" && rows[i][index] != null;
      });
      var empty = all.filter(function (i) {
        return values ? isNaN(values[i]) : rows[i][index] === "" || rows[i][index] == null;
      });
      filled.sort(function (a, b) {
        var c = values ? values[a] - values[b] : collator.compare(rows[a][index], rows[b][index]);
        return c || a - b;
      });
      if (state.desc) filled.reverse();
      return (orders[key] = filled.concat(empty)); // empty cells last, whatever the direction
    }

    function filter() {
      // One pass: the rows kept, and each facet's counts over the rows that every other
      // filter keeps (so that a value's count says what ticking it would give).
      var active = Object.keys(state.filters).map(function (index) {
        return { column: Number(index), set: state.filters[index] };
      });
      var query = fold(state.q.trim());
      counts = facetColumns.map(function () { return new Map(); });
      kept = [];
      var sequence = order();
      for (var n = 0; n < sequence.length; n++) {
        var i = sequence[n];
        if (query && haystack[i].indexOf(query) < 0) continue;
        var row = rows[i];
        var fails = 0;
        var failed = -1;
        for (var a = 0; a < active.length && fails < 2; a++) {
          var cell = row[active[a].column] == null ? "" : row[active[a].column];
          if (!active[a].set.has(cell)) { fails += 1; failed = active[a].column; }
        }
        if (fails > 1) continue;
        for (var f = 0; f < facetColumns.length; f++) {
          var column = facetColumns[f];
          if (fails === 1 && column !== failed) continue;
          var value = row[column] == null ? "" : row[column];
          counts[f].set(value, (counts[f].get(value) || 0) + 1);
        }
        if (fails === 0) kept.push(i);
      }
    }

    function shown(text, kind) {
      if (kind !== "number" || text === "" || text == null) return text == null ? "" : text;
      var value = Number(text);
      return isFinite(value) ? numberFormat.format(value) : text;
    }

    function update() {
      filter();
      var pages = Math.max(1, Math.ceil(kept.length / PAGE_ROWS));
      state.page = Math.min(Math.max(1, state.page), pages);
      var from = (state.page - 1) * PAGE_ROWS;
      var shownRows = kept.slice(from, from + PAGE_ROWS);
      var body = document.createDocumentFragment();
      shownRows.forEach(function (i) {
        var tr = element("tr");
        for (var c = 0; c < width; c++) {
          var td = element("td", columns[c].kind === "text" ? null : "num");
          td.appendChild(element("span", "cell", shown(rows[i][c], columns[c].kind)));
          tr.appendChild(td);
        }
        body.appendChild(tr);
      });
      tbody.textContent = "";
      tbody.appendChild(body);

      facetViews.forEach(function (view, f) {
        view.boxes.forEach(function (b) { b.count.textContent = " (" + count(counts[f].get(b.value) || 0) + ")"; });
        var chosen = state.filters[view.column] ? state.filters[view.column].size : 0;
        view.chosen.textContent = chosen ? " · " + chosen + " choisie" + (chosen > 1 ? "s" : "") : "";
      });
      sortButtons.forEach(function (sort, index) {
        if (state.sort === index) {
          sort.th.setAttribute("aria-sort", state.desc ? "descending" : "ascending");
          sort.icon.textContent = state.desc ? " ▼" : " ▲";
        } else {
          sort.th.removeAttribute("aria-sort");
          sort.icon.textContent = "";
        }
      });

      var total = count(rows.length);
      var filtered = kept.length !== rows.length;
      var text = kept.length
        ? "Lignes " + count(from + 1) + " à " + count(from + shownRows.length) + " sur " + count(kept.length)
          + (filtered ? " (filtrées parmi " + total + ")" : "")
        : "Aucune ligne ne correspond" + (filtered ? " (parmi " + total + ")" : "");
      if (state.sort != null) {
        text += ", triées par " + columns[state.sort].title + (state.desc ? ", ordre décroissant" : ", ordre croissant");
      }
      caption.textContent = text;
      wrap.setAttribute("aria-label", text);
      status.textContent = count(kept.length) + " ligne" + (kept.length > 1 ? "s" : "") + " sur " + total
        + (kept.length > 1 ? " correspondent." : " correspond.");
      where.textContent = "Page " + count(state.page) + " sur " + count(pages);
      first.disabled = previous.disabled = state.page <= 1;
      next.disabled = last.disabled = state.page >= pages;
      pager.hidden = pages <= 1;
      download.disabled = kept.length === 0;
      writeState();
    }

    // --- the filtered rows as a CSV for French spreadsheets ------------------------------
    function spreadsheetCell(text) {
      return FORMULA.test(text) && !PLAIN_NUMBER.test(text) ? "'" + text : text;
    }

    function csvCell(text) {
      return /[;"\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
    }

    function csv(indexes) {
      // As the site's Excel CSV: semicolons, CRLF, decimal commas, no cell a spreadsheet would run.
      var lines = [columns.map(function (column) { return csvCell(spreadsheetCell(column.name)); }).join(";")];
      indexes.forEach(function (i) {
        var row = rows[i];
        var cells = [];
        for (var c = 0; c < width; c++) {
          var cell = row[c] == null ? "" : String(row[c]);
          if (columns[c].kind === "number") cell = cell.replace(/\./g, ",");
          cells.push(csvCell(spreadsheetCell(cell)));
        }
        lines.push(cells.join(";"));
      });
      return lines.join("\r\n") + "\r\n";
    }
  }
})();
