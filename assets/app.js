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
  // Earlier answers to the title, as it is typed (the preview shows the
  // same list without this script).
  const title = form.querySelector("input[name=title]");
  const similar = document.querySelector("[data-similar]");
  if (!title || !similar) return;
  let timer = null;
  let asked = "";
  const refresh = () => {
    const option = board.selectedOptions[0];
    const community = (option && option.dataset.community) || "";
    const text = title.value.trim();
    if (text === asked) return;
    asked = text;
    if (text.length < 3) { similar.innerHTML = ""; return; }
    const url = `/ask/similar?title=${encodeURIComponent(text)}&community=${encodeURIComponent(community)}`;
    fetch(url, { credentials: "same-origin" })
      .then((res) => (res.ok ? res.text() : ""))
      .then((html) => { if (asked === text) similar.innerHTML = html; })
      .catch(() => {});
  };
  title.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
  board.addEventListener("change", () => { asked = ""; refresh(); });
  // A suggested tag, clicked, joins the tags field.
  similar.addEventListener("click", (event) => {
    const button = event.target.closest("[data-add-tag]");
    const field = form.querySelector("input[name=tags]");
    if (!button || !field) return;
    const tags = field.value.split(",").map((t) => t.trim()).filter((t) => t);
    if (!tags.includes(button.dataset.addTag)) tags.push(button.dataset.addTag);
    field.value = tags.join(", ");
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
// Files dropped on, or pasted into, an editor's text are uploaded at once
// and their Markdown put where the cursor is. Without this the form's file
// input does the same on submit.
(() => {
  const editorOf = (target) => {
    const textarea = target && target.closest && target.closest("form[data-attach-to] textarea");
    return textarea || null;
  };
  const placeOf = (form) => {
    const to = form.dataset.attachTo;
    if (to === "board") {
      const board = form.querySelector("select[name=board_id]");
      return ["board", board ? board.value : ""];
    }
    return to.split("=");
  };
  const insert = (textarea, text) => {
    const start = textarea.selectionStart;
    const end = textarea.selectionEnd;
    const before = textarea.value.slice(0, start);
    const gap = before && !before.endsWith("\n") ? "\n\n" : "";
    textarea.value = before + gap + text + "\n" + textarea.value.slice(end);
    const at = (before + gap + text + "\n").length;
    textarea.setSelectionRange(at, at);
    textarea.dispatchEvent(new Event("input"));
  };
  const upload = async (textarea, file) => {
    const form = textarea.form;
    const [kind, id] = placeOf(form);
    const body = new FormData();
    body.append(kind, id);
    body.append("file", file, file.name || "screenshot.png");
    const name = file.name || "screenshot.png";
    const status = document.createElement("p");
    status.className = "hint attach-status";
    status.setAttribute("role", "status");
    status.textContent = document.body.dataset.attachUploading.replace("@@name@@", name);
    textarea.after(status);
    try {
      const res = await fetch("/attachments", {
        method: "POST",
        body,
        headers: { "X-CSRF-Token": form.querySelector("input[name=csrf]").value },
        credentials: "same-origin",
      });
      const answer = await res.json();
      if (!res.ok) throw new Error(answer.detail || res.statusText);
      insert(textarea, answer.markdown);
      status.remove();
    } catch (error) {
      status.className = "field-error attach-status";
      status.textContent = document.body.dataset.attachFailed
        .replace("@@name@@", name)
        .replace("@@reason@@", error.message);
    }
  };
  const take = (textarea, files, event) => {
    if (!textarea || !files || files.length === 0) return;
    event.preventDefault();
    Array.from(files).forEach((file) => upload(textarea, file));
  };
  document.addEventListener("dragover", (event) => {
    if (editorOf(event.target) && event.dataTransfer && Array.from(event.dataTransfer.types).includes("Files")) {
      event.preventDefault();
    }
  });
  document.addEventListener("drop", (event) => {
    take(editorOf(event.target), event.dataTransfer && event.dataTransfer.files, event);
  });
  document.addEventListener("paste", (event) => {
    take(editorOf(event.target), event.clipboardData && event.clipboardData.files, event);
  });
})();
// @mentions: typing "@" and a few letters in a post's text box suggests
// people; choosing one (click, Enter or Tab) writes "@username ".
document.addEventListener("DOMContentLoaded", () => {
  const list = document.createElement("ul");
  list.className = "mention-suggestions";
  list.setAttribute("role", "listbox");
  list.hidden = true;
  let box = null;
  let start = 0;
  let active = 0;
  let asked = "";
  const close = () => { list.hidden = true; list.innerHTML = ""; };
  const choose = (li) => {
    const username = li.dataset.username;
    const caret = box.selectionStart;
    box.value = `${box.value.slice(0, start)}@${username} ${box.value.slice(caret)}`;
    const after = start + username.length + 2;
    box.setSelectionRange(after, after);
    box.focus();
    close();
  };
  const highlight = (index) => {
    const items = list.querySelectorAll("li");
    if (!items.length) return;
    active = (index + items.length) % items.length;
    items.forEach((li, i) => li.setAttribute("aria-selected", i === active ? "true" : "false"));
  };
  list.addEventListener("mousedown", (event) => {
    const li = event.target.closest("li");
    if (li) { event.preventDefault(); choose(li); }
  });
  document.addEventListener("input", (event) => {
    const target = event.target;
    if (target.tagName !== "TEXTAREA" || !target.closest("form[data-markdown-form]")) return;
    const before = target.value.slice(0, target.selectionStart);
    const match = before.match(/(^|[^\p{L}\p{N}_.-])@([\p{L}\p{M}\p{N}_.-]{1,40})$/u);
    if (!match) { close(); return; }
    box = target;
    start = before.length - match[2].length - 1;
    const typed = match[2];
    asked = typed;
    fetch(`/people/suggest?q=${encodeURIComponent(typed)}`, { credentials: "same-origin" })
      .then((res) => (res.ok ? res.json() : []))
      .then((people) => {
        if (asked !== typed) return;
        list.innerHTML = "";
        people.forEach((p) => {
          const li = document.createElement("li");
          li.setAttribute("role", "option");
          li.dataset.username = p.username;
          li.textContent = p.display_name ? `${p.display_name} @${p.username}` : `@${p.username}`;
          list.appendChild(li);
        });
        if (!people.length) { close(); return; }
        box.insertAdjacentElement("afterend", list);
        list.hidden = false;
        highlight(0);
      })
      .catch(close);
  });
  document.addEventListener("keydown", (event) => {
    if (list.hidden || event.target !== box) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      highlight(active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" || event.key === "Tab") {
      const li = list.querySelectorAll("li")[active];
      if (li) { event.preventDefault(); choose(li); }
    } else if (event.key === "Escape") {
      close();
    }
  });
});
