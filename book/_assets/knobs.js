// Turn the Knobs: site script (html_js_files in _config.yml; copied into _static/).
//
// Display maths wider than the text column scrolls sideways. Give each such block a tab stop,
// so that a reader using the keyboard can reach it and scroll it too (axe-core:
// scrollable-region-focusable; WCAG 2.1.1).
(function () {
  function markScrollableMaths() {
    for (const block of document.querySelectorAll('mjx-container[display="true"]')) {
      if (block.scrollWidth > block.clientWidth) block.tabIndex = 0;   // kept if it later fits
    }
  }
  window.addEventListener('load', function () {
    const mathjax = window.MathJax;
    if (mathjax && mathjax.startup && mathjax.startup.promise) {
      mathjax.startup.promise.then(markScrollableMaths);
    }
  });
  window.addEventListener('resize', markScrollableMaths);
})();
