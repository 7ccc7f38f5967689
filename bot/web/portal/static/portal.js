// The portal's only script: the sign-in link's token (in the URL fragment, which the
// browser never sends to a server) goes into the sign-in form; the print button.
document.addEventListener("DOMContentLoaded", function () {
  var token = document.getElementById("signin-token");
  if (token) {
    token.value = window.location.hash.replace(/^#/, "");
    if (!token.value) {
      document.getElementById("signin-form").hidden = true;
      document.getElementById("signin-missing").hidden = false;
    }
  }
  var button = document.getElementById("print");
  if (button) {
    button.addEventListener("click", function () { window.print(); });
  }
});
