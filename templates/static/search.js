// Starts Pagefind's search UI; results link under the site's own path (also /REPO/ on GitHub Pages).
var box = document.getElementById("search");
new PagefindUI({
  element: "#search",
  baseUrl: box.dataset.baseUrl,
  showSubResults: false,
  showImages: false,
  autofocus: true
});
