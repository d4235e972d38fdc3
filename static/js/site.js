// Small helps for pages that work without JavaScript too. Loaded from a file,
// not inline, so the Content-Security-Policy can forbid inline scripts.

// Attendance: one button ticks every participant present.
document.querySelectorAll("[data-all-present]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () {
    button.form.querySelectorAll("input[type=checkbox]").forEach(function (box) {
      box.checked = true;
    });
  });
});

// Links to share: a click selects the whole link, ready to copy.
document.querySelectorAll("input.copy-link").forEach(function (input) {
  input.addEventListener("click", function () {
    input.select();
  });
});

// Phones: the site menu folds behind a "Menú" button (see site.css).
document.querySelectorAll(".menu-toggle").forEach(function (toggle) {
  var menu = document.getElementById(toggle.getAttribute("aria-controls"));
  toggle.closest(".site-header").classList.add("menu-ready");
  toggle.hidden = false;
  toggle.addEventListener("click", function () {
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    menu.classList.toggle("open", open);
  });
});
