// A page that comes back with errors puts the focus on their summary, so
// that a screen reader reads it first and Tab continues from there to the
// links that lead to each field. Without JavaScript the summary is still
// the first thing of the content and announced as an alert.
(function () {
  var summary = document.getElementById('error-summary');
  if (summary) {
    summary.focus();
  }
})();
