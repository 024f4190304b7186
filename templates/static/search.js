// The search page, on Pagefind's JavaScript API. Each language's index is layered (search.py):
// settled bundles and a small recent one, listed in layers.json with the old versions of edited
// pages that the settled bundles still hold; those are left out of the results.
// (Pagefind's ready-made UI cannot leave results out, hence this small one.) The form also works
// as a link: /de/search/?q=Cerebras searches on opening, and typing keeps the address up to date.
(function () {
  "use strict";
  var form = document.querySelector("form.search");
  if (!form) return;
  var input = form.elements.q;
  var status = document.querySelector(".search-status");
  var list = document.querySelector(".search-results");
  var more = document.querySelector(".search-more");
  var plural = new Intl.PluralRules(document.documentElement.lang);
  var base = new URL(form.dataset.baseUrl, document.baseURI).pathname;
  var layersUrl = new URL(form.dataset.layers, document.baseURI);
  var PAGE = 5; // results shown at once, as Pagefind's own UI
  var PAUSE = 300; // ms of no typing before searching
  var index = null; // the promise of {pagefind, superseded, shared}, made on first use
  var results = [];
  var taken = 0; // how many of the results the list shows, or is about to
  var adding = Promise.resolve(); // the results on their way: "More results" waits for them
  var latest = 0; // the newest search: an older one finishing late shows nothing
  var timer = 0;

  function load() {
    if (!index) {
      // checked with the server each time, as Pagefind does with its pagefind-entry.json: a copy kept
      // by the browser (GitHub Pages allows 10 minutes) names another build's bundles and old versions
      index = fetch(layersUrl, { cache: "no-cache" })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status + " " + layersUrl);
          return response.json();
        })
        .then(async function (layers) {
          var bundles = layers.bundles.map(function (path) {
            return new URL(path, layersUrl).pathname;
          });
          var pagefind = await import(bundles[0] + "pagefind.js");
          await pagefind.options({ baseUrl: base });
          for (var i = 1; i < bundles.length; i++) {
            await pagefind.mergeIndex(bundles[i], { baseUrl: base });
          }
          var shared = new Map();
          Object.keys(layers.shared).forEach(function (id) {
            shared.set(id, new Set(layers.shared[id]));
          });
          return { pagefind: pagefind, superseded: new Set(layers.superseded), shared: shared };
        });
      index.catch(function () {
        index = null; // the next search tries again
      });
    }
    return index;
  }

  // Replaced by functions: a string replacement would read "$&" or "$'" in the query as patterns.
  function say(template, count, query) {
    return template
      .replace("{count}", function () {
        return count.toLocaleString(document.documentElement.lang);
      })
      .replace("{query}", function () {
        return query;
      });
  }

  // Pagefind's excerpt is the page's text with "<" and ">" written as "&lt;" and "&gt;", and <mark>
  // around the matches: read as just that, never as HTML (where "B&notes" would be "B¬es", and a
  // written "&amp;" an "&"). A text that itself reads "&lt;" shows as "<": Pagefind writes both alike.
  function excerpt(marked) {
    var out = document.createElement("p");
    marked.split(/(<\/?mark>)/).reduce(function (inside, part) {
      if (part === "<mark>" || part === "</mark>") return part === "<mark>";
      var text = part.replace(/&lt;/g, "<").replace(/&gt;/g, ">");
      if (inside) {
        var mark = document.createElement("mark");
        mark.textContent = text;
        out.append(mark);
      } else if (text) {
        out.append(text);
      }
      return inside;
    }, false);
    return out;
  }

  function entry(data) {
    var item = document.createElement("li");
    var heading = document.createElement("h2");
    var link = document.createElement("a");
    link.href = data.url;
    link.textContent = (data.meta && data.meta.title) || data.url;
    heading.append(link);
    item.append(heading, excerpt(data.excerpt || ""));
    return item;
  }

  // The next PAGE results into the list. Taken at once, so that a second "More results" (a double
  // click) takes the ones after them; it also waits for them (see adding), so the order stays.
  // A new search's first results replace the list and the status line (said) together, once they
  // are loaded: the count is never read out over the other search's results or an empty list.
  async function show(search, focus, said) {
    var batch = results;
    var next = batch.slice(taken, taken + PAGE);
    taken += next.length;
    var found;
    try {
      found = await Promise.all(
        next.map(function (result) {
          return result.data();
        })
      );
    } catch (error) {
      if (search !== latest) return;
      if (said !== undefined) list.replaceChildren();
      status.textContent = form.dataset.failed;
      more.hidden = true;
      return;
    }
    if (search !== latest || batch !== results) return;
    if (said !== undefined) {
      list.replaceChildren();
      status.textContent = said;
    }
    var first = null;
    found.forEach(function (data) {
      if (data.url.indexOf(base) !== 0) return; // not a page of this site
      var item = entry(data);
      first = first || item;
      list.append(item);
    });
    more.hidden = taken >= results.length;
    if (focus && first) first.querySelector("a").focus();
  }

  // The results less the old versions that layers.json names: by id, or, for an id that more than
  // one bundle holds (a page an edit left as Pagefind indexes it, or two pages it happened to give
  // the same id in bundles made apart), by id and URL, which those few results are loaded for;
  // each such id and URL once.
  async function visible(loaded, found) {
    var current = found.filter(function (result) {
      return !loaded.superseded.has(result.id);
    });
    var pages = await Promise.all(
      current.map(function (result) {
        return loaded.shared.has(result.id) ? result.data() : null;
      })
    );
    var seen = new Set();
    return current.filter(function (result, i) {
      if (!pages[i]) return true;
      var key = result.id + " " + pages[i].raw_url;
      if (loaded.shared.get(result.id).has(pages[i].raw_url) || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  async function run(query) {
    var search = ++latest;
    clearTimeout(timer);
    query = query.trim();
    if (!query) {
      results = [];
      taken = 0;
      list.replaceChildren();
      status.textContent = "";
      more.hidden = true;
      return;
    }
    var found;
    try {
      var loaded = await load();
      found = await visible(loaded, (await loaded.pagefind.search(query)).results);
    } catch (error) {
      if (search !== latest) return;
      list.replaceChildren();
      status.textContent = form.dataset.failed;
      more.hidden = true;
      return;
    }
    if (search !== latest) return;
    results = found;
    taken = 0;
    var count = results.length;
    var template = !count ? form.dataset.none : plural.select(count) === "one" ? form.dataset.one : form.dataset.other;
    adding = show(search, false, say(template, count, query));
    await adding;
  }

  function remember(query) {
    var address = new URL(location.href);
    if (query.trim()) address.searchParams.set("q", query);
    else address.searchParams.delete("q");
    history.replaceState(null, "", address);
  }

  input.addEventListener("input", function () {
    load().catch(function () {}); // start loading while the reader types
    remember(input.value);
    clearTimeout(timer);
    timer = setTimeout(function () {
      run(input.value);
    }, PAUSE);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    remember(input.value);
    run(input.value);
  });
  more.addEventListener("click", function () {
    var search = latest;
    adding = adding.then(function () {
      return show(search, true);
    });
  });
  var asked = new URLSearchParams(location.search).get("q");
  if (asked) {
    input.value = asked;
    run(asked);
  }
})();
