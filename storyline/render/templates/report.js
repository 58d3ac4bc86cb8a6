(function () {
  var current = null;
  function mark(id, on) {
    var els = document.querySelectorAll("[data-claim='" + id + "']");
    for (var i = 0; i < els.length; i++) els[i].classList.toggle("hl", on);
  }
  document.addEventListener("click", function (ev) {
    var el = ev.target.closest("[data-claim]");
    if (!el) return;
    var id = el.getAttribute("data-claim");
    if (current !== null) mark(current, false);
    current = current === id ? null : id;
    if (current !== null) mark(current, true);
  });
  document.documentElement.classList.add("js");
})();
