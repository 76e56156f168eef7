// Review screen: selecting a task highlights its sentence in the report text (and back).
(function () {
  "use strict";
  function mark(id) {
    document.querySelectorAll("mark.current, li.task.current").forEach(function (el) { el.classList.remove("current"); });
    var source = document.getElementById("src-" + id);
    var row = document.getElementById("task-" + id);
    if (source) { source.classList.add("current"); source.scrollIntoView({ block: "center" }); }
    if (row) { row.classList.add("current"); }
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest(".src-link");
    if (link) { event.preventDefault(); mark(link.dataset.task); history.replaceState(null, "", "#src-" + link.dataset.task); return; }
    var sentence = event.target.closest("mark[data-task]");
    if (sentence) {
      event.preventDefault();
      mark(sentence.dataset.task);
      var row = document.getElementById("task-" + sentence.dataset.task);
      if (row) { row.scrollIntoView({ block: "center" }); }
    }
    var all = event.target.closest("[data-select-all]");
    if (all) {
      document.querySelectorAll('input[name="tasks"][form="bulk"]:not([data-guidance])').forEach(function (box) { box.checked = true; });
    }
  });
  var hash = location.hash.match(/^#(?:task|src)-(\d+)$/);
  if (hash) { mark(hash[1]); }
})();
