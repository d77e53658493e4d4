// The widget manager of the published book: renders the sliders and pictures saved in a page.
//
// scripts/vendor.py bundles this file with esbuild (from node_modules, versions pinned by
// package-lock.json) into _vendor/widgets/embed.js and embed.css. It does what the standalone
// build of @jupyter-widgets/html-manager does for the widgets the book uses, at less than half
// its size: every model comes from @jupyter-widgets/base and @jupyter-widgets/controls (both
// ipywidgets 8), so nothing is ever fetched from a CDN and require.js is not needed.
// Icons (`fa fa-...`) use the Font Awesome web fonts the book's theme already serves.
import * as base from '@jupyter-widgets/base';
import * as controls from '@jupyter-widgets/controls';
import { ManagerBase } from '@jupyter-widgets/base-manager';
import { Widget } from '@lumino/widgets';
import '@lumino/widgets/style/index.css';
import '@jupyter-widgets/controls/css/widgets-base.css';
import '@jupyter-widgets/controls/css/labvariables.css';

const MODULES = { '@jupyter-widgets/base': base, '@jupyter-widgets/controls': controls };
const STATE = 'script[type="application/vnd.jupyter.widget-state+json"]';
const VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]';

// The stylesheet esbuild writes next to this script.
const script = document.currentScript;
if (script && script.src) {
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = script.src.replace(/\.js(\?.*)?$/, '.css$1');
  document.head.appendChild(link);
}

class StaticManager extends ManagerBase {
  async loadClass(className, moduleName, moduleVersion) {
    const module = MODULES[moduleName];
    if (!module || !module[className]) {
      throw new Error(`${moduleName}@${moduleVersion} ${className} is not part of the book's widget bundle`);
    }
    return module[className];
  }

  async display_view(view, el) {
    Widget.attach((await view).luminoWidget, el);
  }

  // No kernel behind a static page: comms are inert.
  _get_comm_info() {
    return Promise.resolve({});
  }

  _create_comm() {
    return Promise.resolve({ on_close() {}, on_msg() {}, close() {} });
  }
}

// ipywidgets typesets labels with the MathJax 2 call MathJax.Hub.Queue; the book loads MathJax 3.
function bridgeMathJax() {
  const mathjax = window.MathJax;
  if (!mathjax || mathjax.Hub || !mathjax.startup) return;
  mathjax.Hub = {
    Queue(...jobs) {
      for (const [action, , element] of jobs) {
        if (action === 'Typeset' && element) {
          mathjax.startup.promise = mathjax.startup.promise.then(() => mathjax.typesetPromise([element]));
        }
      }
    },
  };
}

// noUiSlider's handle (role="slider") has no accessible name: give it the slider's label,
// e.g. "w (weight)", so that a screen reader says which knob it is. Labels without a tooltip
// come with title="null", which a reader would see on hover: drop it.
function nameSliders(root) {
  for (const element of root.querySelectorAll('[title="null"]')) element.removeAttribute('title');
  for (const slider of root.querySelectorAll('.widget-slider')) {
    const label = slider.querySelector('.widget-label');
    const name = label ? label.textContent.trim() : '';
    for (const handle of slider.querySelectorAll('[role="slider"]')) {
      if (name && handle.getAttribute('aria-label') !== name) handle.setAttribute('aria-label', name);
    }
  }
}

async function renderWidgets() {
  bridgeMathJax();
  for (const tag of document.querySelectorAll(STATE)) {
    const manager = new StaticManager();
    const models = await manager.set_state(JSON.parse(tag.textContent));
    const byId = new Map(models.map((model) => [model.model_id, model]));
    for (const viewTag of document.querySelectorAll(VIEW)) {
      const model = byId.get(JSON.parse(viewTag.textContent).model_id);
      if (!model || !viewTag.parentElement) continue;
      const area = document.createElement('div');
      area.className = 'widget-subarea';
      area.widgetModel = model;     // the knob-figure player reads its controls' values from here
      viewTag.parentElement.insertBefore(area, viewTag);
      new MutationObserver(() => nameSliders(area)).observe(
        area, { childList: true, subtree: true, attributes: true, attributeFilter: ['title'] });
      await manager.display_view(manager.create_view(model), area);
      nameSliders(area);
    }
  }
  document.documentElement.dataset.widgetsRendered = 'true';
}

if (document.readyState === 'complete') {
  renderWidgets();
} else {
  window.addEventListener('load', renderWidgets);
}
