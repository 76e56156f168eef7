/* work first: on a desk, open what a phone keeps folded (a task's record, a list's filters); sort a
   table by a header marked data-sort. Progressive: without it everything still works, folded. */
(function () {
  "use strict";
  function unfold() {
    if (!window.matchMedia("(min-width: 720px)").matches) return;
    document.querySelectorAll("details.record, details[data-wide-open]").forEach(function (d) { d.open = true; });
  }
  function value(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    return cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent.trim();
  }
  function sortable(table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, index) {
      var kind = th.getAttribute("data-sort");
      if (!kind) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var up = th.getAttribute("aria-sort") !== "ascending";
        rows.sort(function (a, b) {
          var x = value(a, index), y = value(b, index), order;
          if (kind === "number") order = (parseFloat(x) || 0) - (parseFloat(y) || 0);
          else order = x.localeCompare(y, "zh-Hans-CN", { numeric: true });
          return up ? order : -order;
        });
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", up ? "ascending" : "descending");
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    unfold();
    document.querySelectorAll("table.sortable").forEach(sortable);
  });
})();
