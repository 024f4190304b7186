// Starts Pagefind's search UI over the yearly indexes (newest first: it brings the UI, the others
// are merged in); results link under the site's own path (also /REPO/ on GitHub Pages).
var box = document.getElementById("search");
var bundles = box.dataset.bundles.split(" ");
new PagefindUI({
  element: "#search",
  bundlePath: bundles[0],
  baseUrl: box.dataset.baseUrl,
  mergeIndex: bundles.slice(1).map(function (path) {
    return { bundlePath: path, baseUrl: box.dataset.baseUrl };
  }),
  showSubResults: false,
  showImages: false,
  autofocus: true
});
