// Turn the Knobs: site script (html_js_files in _config.yml; copied into _static/).
//
// Display maths wider than the text column is set smaller until it fits, but never smaller than
// the text around it (MathJax sets its maths about 27% larger than the text); the chapters write
// their long equations on several lines, so on a 390 px phone every one fits. Maths still wider
// scrolls sideways: it gets a tab stop, so that a reader using the keyboard can reach it and
// scroll it too (axe-core: scrollable-region-focusable; WCAG 2.1.1).
(function () {
  function fit(block) {
    if (block.dataset.fontSize === undefined) block.dataset.fontSize = block.style.fontSize;
    block.style.fontSize = block.dataset.fontSize;          // measure at MathJax's own size
    var wide = block.scrollWidth, room = block.clientWidth;
    if (wide > room) {
      var own = parseFloat(getComputedStyle(block).fontSize);
      var text = parseFloat(getComputedStyle(block.parentElement).fontSize);
      var scale = Math.max(text / own, Math.floor((room / wide) * 1000) / 1000);
      block.style.fontSize = (own * scale) + 'px';
    }
    if (block.scrollWidth > block.clientWidth) block.tabIndex = 0;   // kept if it later fits
  }
  function fitMaths() {
    document.querySelectorAll('mjx-container[display="true"]').forEach(fit);
  }
  window.addEventListener('load', function () {
    const mathjax = window.MathJax;
    if (mathjax && mathjax.startup && mathjax.startup.promise) {
      mathjax.startup.promise.then(fitMaths);
    }
  });
  window.addEventListener('resize', fitMaths);
  // Maths in a folded solution has no width until the reader opens it.
  document.addEventListener('toggle', function (event) {
    if (event.target.open) event.target.querySelectorAll('mjx-container[display="true"]').forEach(fit);
  }, true);
})();

// Sliders announce the value the reader sees. noUiSlider sets aria-valuetext to the raw number
// ("0.7999999999999998", or "0" for a step-0.05 slider at 0.05); the readout beside the slider
// shows it formatted ("0.80"). Each handle's aria-valuetext is kept equal to its readout's text.
//
// Figures stay legible on narrow screens. Figure text is at least 12 pt at 100 dpi (nnlib/plotting.py),
// so a figure shown at 55% of its size or more has text of at least 9 CSS px. On a phone a wide
// figure would shrink below that: it keeps 55% and its output area scrolls sideways instead.
(function () {
  var MIN_SCALE = 0.55;

  function announce(slider) {
    var readout = slider.querySelector('.widget-readout');
    if (!readout) return;
    var text = readout.textContent.trim();
    if (!text) return;
    slider.querySelectorAll('[role="slider"]').forEach(function (handle) {
      if (handle.getAttribute('aria-valuetext') !== text) handle.setAttribute('aria-valuetext', text);
    });
  }

  function keepLegible(figure) {
    var natural = figure.naturalWidth || (figure.tagName === 'CANVAS' ? figure.width : 0);
    if (!natural) return;
    var least = Math.ceil(natural * MIN_SCALE) + 'px';
    if (figure.style.minWidth !== least) figure.style.minWidth = least;
    var area = figure.parentElement;
    if (area && !area.classList.contains('figure-scrolls')) area.classList.add('figure-scrolls');
  }

  function sweep(root) {
    root.querySelectorAll('.widget-slider').forEach(announce);
    root.querySelectorAll('.cell_output img, img.knob-figure, canvas.knob-figure').forEach(function (figure) {
      if (figure.complete === false) figure.addEventListener('load', function () { keepLegible(figure); }, {once: true});
      else keepLegible(figure);
    });
  }

  function start() {
    sweep(document);
    new MutationObserver(function (records) {
      var sliders = new Set();
      var added = false;
      records.forEach(function (record) {
        var node = record.target.nodeType === 1 ? record.target : record.target.parentElement;
        var slider = node && node.closest ? node.closest('.widget-slider') : null;
        if (slider) sliders.add(slider);
        if (record.type === 'childList' && record.addedNodes.length) added = true;
      });
      sliders.forEach(announce);
      if (added) sweep(document);
    }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                               attributeFilter: ['aria-valuetext', 'aria-valuenow']});
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
