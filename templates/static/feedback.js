// Sends the rating form to its endpoint in the background and says thank you in place (or that it
// failed: the reader can send again). Without JavaScript the form is posted the ordinary way. The
// GitHub form (method get) is left alone: it opens the prefilled issue.
document.querySelectorAll("form.feedback-form[method=post]").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    if (!window.fetch) return;
    event.preventDefault();
    var status = form.querySelector(".feedback-status");
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      form.querySelector("fieldset").disabled = true;
      form.querySelector("textarea").disabled = true;
      button.hidden = true;
      status.textContent = form.dataset.thanks;
      status.tabIndex = -1;
      status.focus();  // the button the focus was on is gone: the thanks takes it, not the page
    }).catch(function () {
      button.disabled = false;
      status.textContent = form.dataset.failed;
    });
  });
});
