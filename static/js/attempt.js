// Taking an attempt: autosave each answer, show whether it is saved, count down to the server's
// deadline and submit at zero. The page works without this script (Save and Submit buttons post
// the form); the server stays the judge of time, so a late save is refused whatever this shows.
(function () {
  "use strict";
  const form = document.getElementById("attempt-form");
  if (!form) return;

  // Typing waits this long for a pause before saving; choices save at once.
  const TYPING_DEBOUNCE_MS = 800;
  // Wait a moment past zero so the server's clock has surely passed the deadline too.
  const SUBMIT_GRACE_MS = 1000;
  // Screen readers hear the time left at these marks (seconds), not every second.
  const ANNOUNCE_AT = [600, 300, 60, 30, 10];

  const csrfToken = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const status = document.getElementById("save-status");
  const answeredCount = document.getElementById("answered-count");
  const fields = document.getElementById("attempt-fields");
  const timers = new Map();
  const inFlight = new Set();
  let closed = false;

  function setStatus(state, text) {
    status.dataset.state = state;
    status.textContent = text;
  }

  function timeOfDay(iso) {
    return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  function questionOf(element) {
    return element.closest(".attempt-question");
  }

  // The fields of one question, in the same shape the whole-page form post uses.
  function bodyFor(question) {
    const field = question.dataset.field;
    const body = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (name === field || name.startsWith(field + "__")) body.append(name, value);
    }
    return body;
  }

  function markSaved(question) {
    const state = question.querySelector(".question-state");
    if (state.dataset.saved !== "yes") {
      state.dataset.saved = "yes";
      answeredCount.textContent = String(Number(answeredCount.textContent) + 1);
      const link = document.querySelector('.question-nav a[data-position="' + question.dataset.position + '"]');
      if (link) link.classList.add("answered");
    }
    state.textContent = "Saved";
  }

  function closeAttempt(message, resultUrl) {
    closed = true;
    fields.disabled = true;
    setStatus("error", message);
    if (resultUrl) {
      const link = document.createElement("a");
      link.href = resultUrl;
      link.textContent = "See your result";
      status.append(" ", link);
    }
  }

  // Saves of one question may overtake each other; only the newest reply may set its state.
  const latestSave = new Map();

  async function save(question) {
    if (closed) return;
    timers.delete(question);
    const mine = (latestSave.get(question) || 0) + 1;
    latestSave.set(question, mine);
    const request = fetch(question.dataset.saveUrl, {
      method: "POST",
      body: bodyFor(question),
      headers: { "X-CSRFToken": csrfToken, Accept: "application/json" },
      credentials: "same-origin",
      keepalive: true,
    });
    inFlight.add(request);
    setStatus("saving", "Saving…");
    try {
      const response = await request;
      const reply = await response.json();
      const stale = latestSave.get(question) !== mine;
      if (stale && reply.code !== "deadline_passed" && reply.code !== "attempt_closed") {
        return;
      }
      if (response.ok) {
        markSaved(question);
        setStatus("saved", "Saved at " + timeOfDay(reply.saved_at));
      } else if (reply.code === "deadline_passed" || reply.code === "attempt_closed") {
        closeAttempt("Not saved: " + reply.detail, reply.result_url);
      } else {
        setStatus("error", "Not saved: " + (reply.detail || "the server refused the answer."));
        question.querySelector(".question-state").textContent = "Not saved: " + (reply.detail || "");
      }
    } catch (error) {
      setStatus("error", "Not saved: the connection failed. Your answer is still on this page; it will be sent again when you change it, or use Save.");
    } finally {
      inFlight.delete(request);
    }
  }

  function schedule(question, delay) {
    window.clearTimeout(timers.get(question));
    timers.set(question, window.setTimeout(() => save(question), delay));
    setStatus("pending", "Unsaved changes…");
  }

  async function flush() {
    const pending = Array.from(timers.keys());
    for (const question of pending) window.clearTimeout(timers.get(question));
    await Promise.allSettled(pending.map(save).concat(Array.from(inFlight)));
  }

  form.addEventListener("input", (event) => {
    const question = questionOf(event.target);
    const typing = event.target.matches("input[type=text], textarea");
    if (question && typing) schedule(question, TYPING_DEBOUNCE_MS);
  });
  // A choice (or leaving a text field) saves at once, without waiting on a timer.
  form.addEventListener("change", (event) => {
    const question = questionOf(event.target);
    if (!question) return;
    window.clearTimeout(timers.get(question));
    save(question);
  });

  // Immediate feedback: Check grades one answer and locks it (the server refuses later changes).
  function lock(question) {
    question.dataset.checked = "yes";
    for (const input of question.querySelectorAll("input, select, textarea")) input.disabled = true;
    const action = question.querySelector(".check-action");
    if (action) action.remove();
    question.querySelector(".question-state").textContent = "Checked: this answer is graded and locked";
  }

  async function check(question) {
    if (closed) return;
    window.clearTimeout(timers.get(question));
    timers.delete(question);
    // A save still on its way would reach a locked answer: let it land first.
    await Promise.allSettled(Array.from(inFlight));
    setStatus("saving", "Checking…");
    try {
      const response = await fetch(question.dataset.checkUrl, {
        method: "POST",
        body: bodyFor(question),
        headers: { "X-CSRFToken": csrfToken, Accept: "application/json" },
        credentials: "same-origin",
      });
      const reply = await response.json();
      if (response.ok) {
        markSaved(question);
        lock(question);
        question.querySelector(".item-feedback-slot").innerHTML = reply.feedback_html;
        setStatus("saved", "Checked at " + timeOfDay(reply.saved_at));
      } else if (reply.code === "deadline_passed" || reply.code === "attempt_closed") {
        closeAttempt("Not checked: " + reply.detail, reply.result_url);
      } else {
        setStatus("error", "Not checked: " + (reply.detail || "the server refused the answer."));
      }
    } catch (error) {
      setStatus("error", "Not checked: the connection failed. Try again.");
    }
  }

  for (const button of document.querySelectorAll(".check-button")) {
    button.addEventListener("click", (event) => {
      const question = questionOf(button);
      if (!question || !question.dataset.checkUrl) return;
      event.preventDefault();
      check(question);
    });
  }

  // Moving between questions by link saves first, so nothing typed is lost.
  for (const link of document.querySelectorAll(".question-nav a")) {
    link.addEventListener("click", async (event) => {
      if (timers.size === 0 && inFlight.size === 0) return;
      event.preventDefault();
      await flush();
      window.location.assign(link.href);
    });
  }

  // The countdown: the server's deadline, corrected by how far this device's clock is off.
  const timer = document.getElementById("attempt-timer");
  if (!timer) return;
  const display = document.getElementById("timer");
  const announcement = document.getElementById("timer-announcement");
  const deadline = Date.parse(timer.dataset.deadline);
  const skew = Date.parse(timer.dataset.serverNow) - Date.now();
  const announced = new Set();
  let interval = null;

  function format(seconds) {
    const hours = Math.floor(seconds / 3600);
    const minutes = Math.floor((seconds % 3600) / 60);
    const rest = String(seconds % 60).padStart(2, "0");
    return hours ? hours + ":" + String(minutes).padStart(2, "0") + ":" + rest : minutes + ":" + rest;
  }

  function announce(seconds) {
    for (const mark of ANNOUNCE_AT) {
      if (seconds <= mark && seconds > mark - 5 && !announced.has(mark)) {
        announced.add(mark);
        const minutes = Math.round(mark / 60);
        announcement.textContent = mark >= 60
          ? minutes + (minutes === 1 ? " minute" : " minutes") + " left."
          : mark + " seconds left.";
      }
    }
  }

  async function submitAtDeadline() {
    await flush();
    closed = true;
    fields.disabled = true;
    setStatus("saving", "Time is up: the server is submitting your attempt…");
    announcement.textContent = "Time is up. Your attempt is being submitted.";
    try {
      const response = await fetch(timer.dataset.submitUrl, {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken, Accept: "application/json" },
        credentials: "same-origin",
      });
      const reply = await response.json();
      if (response.ok) {
        window.location.assign(reply.result_url);
      } else {
        closeAttempt("Not submitted: " + (reply.detail || "the server refused."), reply.result_url);
      }
    } catch (error) {
      closeAttempt("Time is up, but the server could not be reached. It submits your saved answers by itself; reload the page to see your result.");
    }
  }

  function tick() {
    const left = Math.max(0, Math.ceil((deadline - (Date.now() + skew)) / 1000));
    display.textContent = format(left);
    timer.classList.toggle("running-out", left <= 60);
    announce(left);
    if (Date.now() + skew >= deadline + SUBMIT_GRACE_MS) {
      window.clearInterval(interval);
      if (!closed) submitAtDeadline();
    }
  }

  tick();
  interval = window.setInterval(tick, 250);
})();
