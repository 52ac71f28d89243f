// Live preview for the question editor: posts the unsaved form and shows the learner's view.
(function () {
  "use strict";
  const form = document.getElementById("question-form");
  const target = document.getElementById("preview");
  if (!form || !target) return;
  const DEBOUNCE_MS = 400;
  let timer = null;
  let sequence = 0;

  async function refresh() {
    const mine = ++sequence;
    const body = new FormData(form);
    try {
      const response = await fetch(form.dataset.previewUrl, {
        method: "POST",
        body: body,
        headers: { "X-Requested-With": "fetch" },
        credentials: "same-origin",
      });
      const html = await response.text();
      if (mine === sequence) target.innerHTML = html;
    } catch (error) {
      if (mine === sequence) target.textContent = "The preview is unavailable: " + error;
    }
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, DEBOUNCE_MS);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  refresh();
})();
