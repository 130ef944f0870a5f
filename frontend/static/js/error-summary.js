// A page that comes back with errors puts the focus on their summary, so
// that a screen reader reads it first and Tab continues from there to the
// links that lead to each field. After the redirect of a rejected form the
// address's #error-summary does the same without JavaScript; this covers a
// form answered directly. A link to a group of checkboxes (an element that
// cannot take the focus) moves the focus to the group's first control.
(function () {
  var summary = document.getElementById('error-summary');
  if (!summary) {
    return;
  }
  summary.focus();
  summary.addEventListener('click', function (event) {
    var link = event.target.closest('a[href^="#"]');
    var target = link && document.getElementById(link.getAttribute('href').slice(1));
    if (!target || target.matches('input, select, textarea, button, a[href], [tabindex]')) {
      return;
    }
    var control = target.querySelector('input:not([type="hidden"]), select, textarea');
    if (control) {
      event.preventDefault();
      control.focus();
    }
  });
})();
