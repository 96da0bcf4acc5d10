// The visit summary's Print button (no inline scripts under the site's Content Security Policy).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
