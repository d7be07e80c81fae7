// The search page (recherche/): Pagefind's index, fetched only once someone searches.
//
// Nothing of the index is loaded with the page: pagefind.js, its WebAssembly and the index
// chunks come when the field gets the focus or a query arrives (?q=… from the header's form).
// A query fetches only the chunks of its words. The query stays in the address (?q=…), so a
// search can be shared; results are links with a title, the kind of page and an excerpt.
const root = new URL("../../", import.meta.url); // this file is assets/js/search.js
const PAGE_SIZE = 10;

const form = document.querySelector("[data-portal-search]");
const field = form.querySelector("input[name=q]");
const status = document.querySelector("[data-portal-search-status]");
const list = document.querySelector("[data-portal-search-results]");
const more = document.querySelector("[data-portal-search-more]");

let engine = null;
function pagefind() {
  engine ??= import(new URL("pagefind/pagefind.js", root).href).then(async (module) => {
    // Result URLs are written from the site root; the site may live under a path (/portail/).
    await module.options({ baseUrl: root.pathname, excerptLength: 24 });
    await module.init();
    return module;
  });
  return engine;
}

// Pagefind's excerpts are HTML with <mark> around the words found: keep the text and the marks only.
function excerpt(html) {
  const paragraph = document.createElement("p");
  paragraph.className = "portal-search__excerpt";
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  for (const node of parsed.body.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      paragraph.append(mark);
    } else {
      paragraph.append(node.textContent);
    }
  }
  return paragraph;
}

function result(data) {
  const item = document.createElement("li");
  item.className = "portal-search__result";
  const title = document.createElement("h2");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  title.append(link);
  item.append(title);
  if (data.meta.type) {
    const kind = document.createElement("p");
    kind.className = "portal-search__kind";
    kind.textContent = data.meta.type;
    item.append(kind);
  }
  item.append(excerpt(data.excerpt));
  return item;
}

function plural(count, one, many) {
  return `${count.toLocaleString("fr-FR")} ${count > 1 ? many : one}`;
}

let shown = [];
let current = 0; // the latest query wins when answers arrive out of order

async function showMore(query, focus = false) {
  const next = shown.splice(0, PAGE_SIZE);
  const answers = await Promise.all(next.map((found) => found.data()));
  if (query !== current) return;
  const items = answers.map(result);
  list.append(...items);
  more.hidden = shown.length === 0;
  if (focus && items.length) items[0].querySelector("a").focus(); // the keyboard goes on where the list does
}

async function search(text) {
  const query = ++current;
  const words = text.trim();
  const address = new URL(location.href);
  if (words) address.searchParams.set("q", words);
  else address.searchParams.delete("q");
  history.replaceState(null, "", address);
  list.replaceChildren();
  more.hidden = true;
  if (!words) {
    status.textContent = "";
    return;
  }
  status.textContent = "Recherche…";
  try {
    const answer = await (await pagefind()).search(words);
    if (query !== current) return;
    shown = answer.results;
    const count = shown.length;
    await showMore(query);
    if (query !== current) return;
    status.textContent = count // once the first results are shown, so that a screen reader hears it then
      ? `${plural(count, "résultat", "résultats")} pour « ${words} ».`
      : `Aucun résultat pour « ${words} ». Essayez d'autres mots, ou parcourez le catalogue.`;
  } catch (error) {
    status.textContent = "La recherche n'a pas pu se charger ; rechargez la page.";
    console.warn("recherche :", error);
  }
}

let pending = null;
field.addEventListener("focus", () => pagefind().catch(() => {}), { once: true }); // a failure shows on search
field.addEventListener("input", () => {
  clearTimeout(pending);
  pending = setTimeout(() => search(field.value), 250);
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(pending);
  search(field.value);
});
more.addEventListener("click", () => showMore(current, true));

const asked = new URLSearchParams(location.search).get("q");
if (asked) {
  field.value = asked;
  search(asked);
}
