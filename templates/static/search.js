// Starts Pagefind's search UI over the yearly indexes (newest first: it brings the UI, the others
// are merged in); results link under the site's own path (also /REPO/ on GitHub Pages).
// The page names them relative to itself (the site works wherever it is served); Pagefind loads
// its index relative to its own script, so they are made absolute paths here.
function absolute(path) {
  return new URL(path, document.baseURI).pathname;
}
var box = document.getElementById("search");
var bundles = box.dataset.bundles.split(" ").map(absolute);
var base = absolute(box.dataset.baseUrl);
new PagefindUI({
  element: "#search",
  bundlePath: bundles[0],
  baseUrl: base,
  mergeIndex: bundles.slice(1).map(function (path) {
    return { bundlePath: path, baseUrl: base };
  }),
  showSubResults: false,
  showImages: false,
  autofocus: true
});
