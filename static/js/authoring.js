// Question editor helpers: a live preview of the unsaved form as a learner sees it, and the
// "try an answer" box, which grades a typed answer with the draft (or saved) spec. Both post to
// instructor-only endpoints that change nothing.
(function () {
  "use strict";
  const DEBOUNCE_MS = 400;

  async function postForHtml(url, body) {
    const response = await fetch(url, {
      method: "POST",
      body: body,
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    });
    return response.text();
  }

  // Live preview on the edit and new-question pages.
  const form = document.getElementById("question-form");
  const target = document.getElementById("preview");
  if (form && target) {
    let timer = null;
    let sequence = 0;
    async function refresh() {
      const mine = ++sequence;
      try {
        const html = await postForHtml(form.dataset.previewUrl, new FormData(form));
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
  }

  // "Try an answer" next to the editor: the draft spec comes from the question form.
  const box = document.getElementById("try-answer-box");
  if (form && box) {
    const output = box.querySelector(".try-output");
    box.querySelector("#try-answer-button").addEventListener("click", async function () {
      const body = new FormData(form);
      body.set("answer", box.querySelector("#try-answer").value);
      body.set("answer_dockerignore", box.querySelector("#try-answer-dockerignore").value);
      try {
        output.innerHTML = await postForHtml(box.dataset.tryUrl, body);
      } catch (error) {
        output.textContent = "Grading is unavailable: " + error;
      }
    });
  }

  // "Try an answer" on a question's page: the saved spec travels in the form itself.
  document.querySelectorAll("form[data-try-form]").forEach(function (tryForm) {
    const output = tryForm.querySelector(".try-output");
    tryForm.addEventListener("submit", async function (event) {
      event.preventDefault();
      try {
        output.innerHTML = await postForHtml(tryForm.action, new FormData(tryForm));
      } catch (error) {
        output.textContent = "Grading is unavailable: " + error;
      }
    });
  });
})();
