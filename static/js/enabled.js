// Runs before the page is drawn: GOV.UK Frontend styles components for
// JavaScript (and for browsers its modules support) from these body classes.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
