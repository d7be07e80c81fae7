// Copy buttons for the citation (and anything marked data-copy="<button label>"). The buttons are
// made here, so a reader without JavaScript sees no control that does nothing. The result is said
// in a polite live region next to the button ("Copié").
(function () {
  function copied(status, text) {
    status.textContent = "";
    // A change after a clear is announced again, even when the same button is pressed twice.
    window.setTimeout(function () { status.textContent = text; }, 50);
  }
  // A form field (the chart page's link and embed code) holds its text in value.
  function textOf(element) {
    return "value" in element ? element.value : element.textContent.trim();
  }
  function select(element) {
    if ("select" in element) { element.select(); return; }
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (element) {
    var bar = document.createElement("div");
    bar.className = "copy-bar";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "md-button copy-button";
    button.textContent = element.getAttribute("data-copy");
    var status = document.createElement("span");
    status.className = "copy-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    bar.appendChild(button);
    bar.appendChild(status);
    element.parentNode.insertBefore(bar, element.nextSibling);
    button.addEventListener("click", function () {
      var text = textOf(element);
      if (!navigator.clipboard || !window.isSecureContext) {
        select(element);
        copied(status, "Texte sélectionné : copiez-le avec Ctrl+C (ou Cmd+C).");
        return;
      }
      navigator.clipboard.writeText(text).then(
        function () { copied(status, "Copié"); },
        function () { select(element); copied(status, "Copie refusée : le texte est sélectionné, copiez-le avec Ctrl+C."); }
      );
    });
  });
})();
