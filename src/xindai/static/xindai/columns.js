// 列选择: a list table with data-columns="<list>" gets a button listing its columns; the columns a
// user hides stay hidden on that list for that user (by the header's text): kept on the server
// (POST to the script's data-save, read back from the page's #xd-columns), localStorage a cache.
(function () {
  "use strict";
  const saveUrl = document.currentScript && document.currentScript.dataset.save;
  const storeKey = (table) => "xd-columns:" + table.dataset.columns;

  function serverChoice(table) {
    const node = document.getElementById("xd-columns");
    try {
      const all = node ? JSON.parse(node.textContent) : {};
      return Array.isArray(all[table.dataset.columns]) ? all[table.dataset.columns] : null;
    } catch (err) {
      return null;
    }
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (err) {
      return "";
    }
  }

  function save(table, hidden) {
    localStorage.setItem(storeKey(table), JSON.stringify(hidden));
    if (!saveUrl) return;
    const body = new FormData();
    body.append("table", table.dataset.columns);
    hidden.forEach((name) => body.append("hidden", name));
    fetch(saveUrl, { method: "POST", body, headers: { "X-CSRFToken": csrfToken() }, credentials: "same-origin" })
      .then((response) => { table.dataset.columnsSaved = response.ok ? "yes" : "no"; })
      .catch(() => { table.dataset.columnsSaved = "no"; });
  }

  function headers(table) {
    const row = table.tHead && table.tHead.rows[0];
    return row ? Array.from(row.cells) : [];
  }

  function hiddenNames(table) {
    try {
      return JSON.parse(localStorage.getItem(storeKey(table)) || "[]");
    } catch (err) {
      return [];
    }
  }

  // A column's name as its header reads: "客户 / 手机号码" for a cell of two lines.
  const nameOf = (th) =>
    Array.from(th.childNodes)
      .map((node) => node.textContent.trim())
      .filter(Boolean)
      .join(" / ");

  function apply(table, hidden) {
    const cells = headers(table);
    const off = cells.map((th) => hidden.includes(nameOf(th)));
    for (const row of table.rows) {
      if (row.cells.length !== cells.length) continue; // totals and notes span several columns
      Array.from(row.cells).forEach((cell, index) => cell.classList.toggle("d-none", off[index]));
    }
  }

  function chooser(table) {
    const fromServer = serverChoice(table);
    if (fromServer) localStorage.setItem(storeKey(table), JSON.stringify(fromServer));
    const hidden = fromServer || hiddenNames(table);
    const box = document.createElement("div");
    box.className = "dropdown d-inline-block mb-1 xd-noprint";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-sm btn-outline-secondary dropdown-toggle";
    button.dataset.bsToggle = "dropdown";
    button.dataset.bsAutoClose = "outside";
    button.dataset.testid = "columns-button";
    button.textContent = table.dataset.columnsLabel || "Columns";
    const menu = document.createElement("div");
    menu.className = "dropdown-menu p-2 small";
    for (const th of headers(table)) {
      const name = nameOf(th);
      if (!name) continue; // the checkbox column
      const label = document.createElement("label");
      label.className = "dropdown-item form-check d-flex gap-2";
      const input = document.createElement("input");
      input.type = "checkbox";
      input.className = "form-check-input";
      input.checked = !hidden.includes(name);
      input.dataset.column = name;
      input.addEventListener("change", () => {
        const now = hiddenNames(table).filter((n) => n !== name);
        if (!input.checked) now.push(name);
        apply(table, now);
        save(table, now);
      });
      label.append(input, document.createTextNode(name));
      menu.append(label);
    }
    box.append(button, menu);
    const scroller = table.closest(".table-responsive") || table;
    scroller.parentElement.insertBefore(box, scroller);
    apply(table, hidden);
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("table[data-columns]").forEach(chooser);
  });
})();
