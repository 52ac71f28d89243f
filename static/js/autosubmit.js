// Forms marked data-autosubmit post themselves as soon as the page loads (the LTI deep-linking
// return to the LMS). A file of its own because the site's CSP allows no inline script.
document.querySelectorAll("form[data-autosubmit]").forEach((form) => form.submit());
