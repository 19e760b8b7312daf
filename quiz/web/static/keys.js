// Keyboard shortcuts matching the terminal app's keys. Optional: every page works without
// this script (plain forms and links). Keys are ignored while typing in a text field and
// with Ctrl, Alt or Meta held, so the browser's own shortcuts and screen readers' keys keep
// working.
"use strict";
(function () {
  function typing(target) {
    if (!target) return false;
    const tag = target.tagName;
    return tag === "INPUT" && (target.type === "text" || target.type === "password") ||
      tag === "TEXTAREA" || target.isContentEditable;
  }
  function click(selector) {
    const el = document.querySelector(selector);
    if (el) { el.click(); return true; }
    return false;
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey || typing(event.target)) return;
    const page = document.body.dataset.page;
    const key = event.key;
    let done = false;
    if (key === "?") {
      window.location.href = "/help";
      done = true;
    } else if (page === "question") {
      const form = document.querySelector("form.question");
      const type = form ? form.dataset.type : "";
      const card = document.querySelector("details.flashcard");
      if (/^[1-9]$/.test(key)) {
        if (type === "flashcard") {
          if (card && card.open) done = click('button.grade[value="' + key + '"]');
        } else {
          const option = document.getElementById("opt-" + key);
          if (option) {
            option.checked = option.type === "checkbox" ? !option.checked : true;
            option.focus();
            done = true;
          }
        }
      } else if ((key === "t" || key === "f") && type === "true_false") {
        const option = document.getElementById(key === "t" ? "tf-true" : "tf-false");
        if (option) { option.checked = true; option.focus(); done = true; }
      } else if (key === "s") {
        const box = document.getElementById("unsure");
        if (box) { box.checked = !box.checked; done = true; }
      } else if (key === " " && card && !card.open && event.target === document.body) {
        card.open = true;
        const first = card.querySelector("button.grade");
        if (first) first.focus();
        done = true;
      } else if (key === "Enter" && event.target === document.body) {
        done = click("#check");
      } else if (key === "u") {
        done = click("#undo");
      } else if (key === "Escape") {
        done = click("#end");
      }
    } else if (page === "feedback") {
      if (key === "Enter" && (event.target === document.body || event.target.id === "verdict")) {
        done = click("#next");
      } else if (key === "u") {
        done = click("#undo");
      } else if (key === "Escape") {
        done = click("#end");
      }
    } else if (page === "summary") {
      if (key === "u") done = click("#undo");
    }
    if (done) event.preventDefault();
  });
})();
