// Small enhancements only: every page works without this file.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
// Ctrl/Cmd+Enter posts a Markdown form.
document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.tagName === "TEXTAREA") {
    const form = event.target.closest("form[data-markdown-form]");
    const submit = form && form.querySelector('button[value="submit"]');
    if (submit) {
      event.preventDefault();
      submit.click();
    }
  }
});
// The "ask" form: choosing a board picks its usual kind of thread, until
// the person picks a kind themselves.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-ask-form]");
  if (!form) return;
  const board = form.querySelector("select[name=board_id]");
  let chosenByHand = false;
  form.querySelectorAll("input[name=kind]").forEach((radio) => {
    radio.addEventListener("change", () => { chosenByHand = true; });
  });
  board.addEventListener("change", () => {
    const kind = board.selectedOptions[0] && board.selectedOptions[0].dataset.kind;
    const radio = kind && form.querySelector(`input[name=kind][value="${kind}"]`);
    if (radio && !chosenByHand) radio.checked = true;
  });
});
// "Reply" under a post opens the reply form right there instead of going
// to the reply page; the form posts to that page's address, so a preview
// or an error lands on the full reply page with the text kept.
document.addEventListener("click", (event) => {
  const cancel = event.target.closest("[data-reply-cancel]");
  if (cancel) {
    const form = cancel.closest("form");
    const link = document.querySelector(`[data-reply-in-place="${form.dataset.parent}"]`);
    form.remove();
    if (link) link.focus();
    return;
  }
  const link = event.target.closest("a[data-reply-in-place]");
  const template = document.getElementById("reply-in-place");
  if (!link || !template || event.ctrlKey || event.metaKey || event.shiftKey) return;
  event.preventDefault();
  const parent = link.dataset.replyInPlace;
  const open = document.querySelector(`form.reply-in-place[data-parent="${parent}"]`);
  if (open) {
    open.querySelector("textarea").focus();
    return;
  }
  const form = template.content.firstElementChild.cloneNode(true);
  form.dataset.parent = parent;
  form.action = `/p/${parent}/reply`;
  const label = form.querySelector("[data-reply-label]");
  const textarea = form.querySelector("textarea");
  textarea.id = `reply-body-${parent}`;
  label.htmlFor = textarea.id;
  label.textContent = label.dataset.replyLabel.replace("@@name@@", link.dataset.replyName || "");
  link.closest("footer").after(form);
  textarea.focus();
});
// Length counters beside fields that have a limit.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-counter][maxlength]").forEach((field) => {
    const counter = document.createElement("p");
    counter.className = "counter";
    const max = field.maxLength;
    const update = () => {
      counter.textContent = `${field.value.length} / ${max}`;
      counter.classList.toggle("near-limit", field.value.length > max * 0.9);
    };
    field.after(counter);
    field.addEventListener("input", update);
    update();
  });
});
