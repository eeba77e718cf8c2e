// After a refused form, put the focus on the first field with an error: screen readers
// then read its label and, through aria-describedby, the error itself. An error about
// the form as a whole (an alert without a field) gets the focus instead, read out whole.
// A refusal that is no form's (a slot taken meanwhile) is read out whole, too.
const firstError =
  document.querySelector('main [aria-invalid="true"]') ||
  document.querySelector("main form .alert-danger") ||
  document.querySelector('main .alert-danger[role="alert"]');
if (firstError) {
  if (!firstError.matches("input, select, textarea")) {
    firstError.tabIndex = -1;
  }
  firstError.focus();
}
