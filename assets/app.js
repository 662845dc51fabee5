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
