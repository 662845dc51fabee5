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
