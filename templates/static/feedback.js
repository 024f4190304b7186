// Sends the rating form in the background and says thank you in place. Without JavaScript,
// or if the background request fails, the form is posted the ordinary way instead.
document.querySelectorAll("form.feedback-form").forEach(function (form) {
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
    }).catch(function () {
      button.disabled = false;
      status.textContent = form.dataset.failed;
    });
  });
});
