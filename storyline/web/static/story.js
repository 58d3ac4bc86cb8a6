// Story page extras (report.js does the highlighting): after a click on a claim or a sentence, scroll
// every column of the side-by-side view to its first highlighted sentence and say what is selected.
(function () {
  var status = document.getElementById("reading-status");
  function update() {
    var cols = document.querySelectorAll(".rcol .rbody");
    var hits = 0, sources = 0;
    for (var i = 0; i < cols.length; i++) {
      var marked = cols[i].querySelectorAll(".rs.hl");
      hits += marked.length;
      if (marked.length) {
        sources += 1;
        cols[i].scrollTop = Math.max(0, marked[0].offsetTop - cols[i].offsetTop - 48);
      }
    }
    if (!status) return;
    var row = document.querySelector("tr.hl[data-claim]");
    var id = row ? row.querySelector(".cid") : null;
    status.textContent = hits || row
      ? (id ? id.textContent + ": " : "") + hits + " mention" + (hits === 1 ? "" : "s") + " in " + sources +
        " source" + (sources === 1 ? "" : "s")
      : "";
  }
  document.addEventListener("click", function (ev) {
    if (ev.target.closest("[data-claim]")) update();
  });
})();
