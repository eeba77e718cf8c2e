// After a refused form, put the focus on the first field with an error: screen readers
// then read its label and, through aria-describedby, the error itself.
const firstInvalid = document.querySelector('main [aria-invalid="true"]');
if (firstInvalid) {
  firstInvalid.focus();
}
