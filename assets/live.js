/* Turn the Knobs: "Run this page live", Python in the reader's browser, from the site's own files.
 *
 * A chapter page is static until the reader asks: this script only adds, under the page's title,
 * a button and a status line (role=status). Nothing else loads before the click. The click starts
 * _static/live-worker.js, a module Web Worker that loads Pyodide, numpy, matplotlib and nnlib from
 * the site's pyodide/ folder (the build writes it) and runs _static/live_runner.py. Then:
 *
 * - the page's code cells run in order, as Run All would, in one Python namespace. An exercise
 *   cell runs too (so that what it imports and defines is there) but its verdict on the
 *   placeholder answer is not shown: its note now says how to check an answer here;
 * - every code cell becomes a text box with a Run button (and Shift+Enter); what it prints, its
 *   error, or the value of its last line shows under it. An exercise cell's feedback (nnlib's
 *   checker) shows in the place of its note;
 * - every knob figure gets its live grids from Python (every value a slider can take live, with
 *   the labels nnlib formats) and draws what Python draws: knob-player.js's useSource hook.
 *
 * While Python loads, the page and its baked figures keep working (the worker has its own
 * thread). If the browser cannot run it (no WebAssembly, no module workers, a file that does not
 * load), the status line says so and the page stays as it was.
 *
 * window.__live records when each stage ended (performance.now(), ms), for the tests and for
 * benchmarks/live_start.py: {state, clicked, stages: [{text, at}] (each loading message), ready,
 * firstFigure, error, bytecodeRestored (how many compiled modules an earlier visit kept),
 * bytecodeKept (when this visit's compiled modules were kept for the next)}.
 */
(function () {
  "use strict";

  var live = (window.__live = { state: "off" });

  function siteUrl(path) {
    return new URL((document.documentElement.dataset.content_root || "") + path, document.baseURI).href;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  /* ------------------------------------------------------------ the worker */

  // The worker, one request at a time per id: request(type, fields) -> Promise of its answer.
  function Python(onProgress) {
    var worker = (this.worker = new Worker(siteUrl("_static/live-worker.js"), { type: "module" }));
    var waiting = (this.waiting = {});
    this.next = 1;
    worker.onmessage = function (event) {
      var message = event.data;
      if (message.type === "progress") return onProgress(message.text);
      if (message.type === "kept") return (live.bytecodeKept = performance.now());
      var answer = waiting[message.id];
      delete waiting[message.id];
      if (!answer) return;
      if (message.error) answer.reject(new Error(message.error));
      else answer.resolve(message);
    };
    worker.onerror = function (event) {
      var error = new Error(event.message || "the Python worker could not start");
      Object.keys(waiting).forEach(function (id) { waiting[id].reject(error); delete waiting[id]; });
      event.preventDefault();
    };
  }

  Python.prototype.request = function (type, fields) {
    var id = this.next++, waiting = this.waiting, message = Object.assign({ type: type, id: id }, fields);
    var answer = new Promise(function (resolve, reject) { waiting[id] = { resolve: resolve, reject: reject }; });
    this.worker.postMessage(message);
    return answer;
  };

  /* ------------------------------------------------------------ knob figures */

  // The player of the knob figure inside `node` (knob-player.js lists them in window.__knobPlayers).
  function playerIn(node) {
    return (window.__knobPlayers || []).filter(function (p) { return node.contains(p.box); })[0] || null;
  }

  // Wait (a little) for the widgets and the player of a cell that shows a knob figure.
  function waitForPlayer(node) {
    return new Promise(function (resolve) {
      var tries = 0;
      (function look() {
        var player = playerIn(node);
        if (player || !node.querySelector(".knob-figure-box") || tries++ > 100) return resolve(player);
        setTimeout(look, 100);
      })();
    });
  }

  function sameKnobs(player, output) {
    var names = player.header.knobs.map(function (k) { return k.name; });
    return names.join(",") === output.knobs.map(function (k) { return k.name; }).join(",");
  }

  // Hand a baked figure over to Python: the player draws what `move` answers. Returns a Promise
  // that resolves once the first live picture is drawn.
  function liveFigure(python, player, output) {
    var first = output.picture;       // the picture the cell drew, for the figure's current values
    var drawn = player.useSource({
      knobs: output.knobs,            // [{name, label, kind, labels, index}]: live grids, from Python
      picture: function (indexes) {
        if (first && indexes.every(function (i, k) { return i === output.knobs[k].index; })) {
          var picture = first;
          first = null;
          return Promise.resolve(picture);
        }
        first = null;
        return python.request("move", { figure: output.figure, indexes: indexes }).then(function (answer) {
          return answer.picture;
        });
      },
    });
    var note = player.box.querySelector(".knob-coarse-note");
    if (note) note.textContent = "Live: every slider now moves at its live step.";
    return drawn;
  }

  // A knob figure that the page had no box for (a cell the reader changed): its picture, and
  // a plain slider per knob (a choice steps through its options), moved with the same live grids.
  function newFigure(python, output, at) {
    var box = element("div", "live-figure");
    var image = element("img", "live-figure-picture");
    image.alt = "The figure of this cell, drawn live";
    var showing = null;
    function show(picture) {
      var canvas = document.createElement("canvas");
      canvas.width = picture.width;
      canvas.height = picture.height;
      canvas.getContext("2d").drawImage(picture, 0, 0);
      canvas.className = "live-figure-picture";
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", image.alt);
      if (showing) showing.replaceWith(canvas); else box.prepend(canvas);
      showing = canvas;
    }
    show(output.picture);
    var indexes = output.knobs.map(function (k) { return k.index; });
    var busy = false, again = false;
    function redraw() {
      if (busy) { again = true; return; }
      busy = true;
      python.request("move", { figure: output.figure, indexes: indexes.slice() }).then(function (answer) {
        show(answer.picture);
      }).finally(function () {
        busy = false;
        if (again) { again = false; redraw(); }
      });
    }
    output.knobs.forEach(function (knob, k) {
      var input = element("input");
      var row = element("div", "live-knob");
      var name = element("label", "live-knob-name", knob.label);
      name.htmlFor = input.id = "live-knob-" + output.figure + "-" + k;
      row.appendChild(name);
      input.type = "range";
      input.min = 0;
      input.max = knob.labels.length - 1;
      input.step = 1;
      input.value = knob.index;
      var readout = element("span", "live-knob-readout", knob.labels[knob.index]);
      input.setAttribute("aria-valuetext", knob.labels[knob.index]);
      input.addEventListener("input", function () {
        indexes[k] = Number(input.value);
        readout.textContent = knob.labels[indexes[k]];
        input.setAttribute("aria-valuetext", readout.textContent);
        redraw();
      });
      row.appendChild(input);
      row.appendChild(readout);
      box.appendChild(row);
    });
    at.appendChild(box);
  }

  /* ------------------------------------------------------------ cells */

  // One code cell of the page: its editor, its Run button and where its output goes.
  function Cell(node, number, count) {
    this.node = node;
    this.number = number;
    this.exercise = node.classList.contains("tag_exercise");
    this.note = node.querySelector(".exercise-note");
    var pre = node.querySelector(".cell_input pre");
    this.original = pre ? pre.textContent.replace(/\n$/, "") : "";
    this.label = "cell " + number + " of " + count;
  }

  Cell.prototype.code = function () {
    return this.editor ? this.editor.value : this.original;
  };

  // The cell's code becomes a text box with a Run button; Shift+Enter runs it too.
  Cell.prototype.makeEditable = function (runIt) {
    var input = this.node.querySelector(".cell_input");
    var editor = (this.editor = element("textarea", "live-code"));
    editor.value = this.original;
    editor.spellcheck = false;
    editor.setAttribute("autocapitalize", "off");
    editor.setAttribute("aria-label", "Code of " + this.label + " (Shift+Enter runs it)");
    function fit() {
      editor.rows = Math.max(1, editor.value.split("\n").length);
    }
    fit();
    editor.addEventListener("input", fit);
    var self = this;
    editor.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.shiftKey) {
        event.preventDefault();
        runIt(self);
      }
    });
    var run = (this.runButton = element("button", "live-run", "▶ Run"));
    run.type = "button";
    run.setAttribute("aria-label", "Run " + this.label);
    run.addEventListener("click", function () { runIt(self); });
    var bar = element("div", "live-cell-bar");
    bar.appendChild(run);
    input.classList.add("live-editing");
    input.appendChild(editor);
    input.appendChild(bar);
    if (this.exercise && this.note) {
      this.note.classList.add("live-note");
      this.note.innerHTML = "<p><strong class=\"exercise-note-title\">Check your answer here.</strong> " +
        "Write your answer in the cell above, then press Run (or Shift+Enter): the feedback shows here.</p>";
      this.note.setAttribute("aria-live", "polite");
    }
  };

  // Where this cell's outputs go: the exercise's note, or a box under the code.
  Cell.prototype.outputArea = function () {
    if (this.exercise && this.note) return this.note;
    if (!this.area) {
      this.area = element("div", "live-output");
      this.area.setAttribute("aria-live", "polite");
      this.node.querySelector(".cell_input").insertAdjacentElement("afterend", this.area);
    }
    return this.area;
  };

  function outputNode(output) {
    if (output.type === "stream") {
      return element("pre", "live-stream" + (output.name === "stderr" ? " live-stderr" : ""), output.text);
    }
    if (output.type === "error") return element("pre", "live-error", output.text);
    if (output.type === "text") return element("pre", "live-text", output.text);
    if (output.type === "html") {
      var html = element("div", "live-html");
      html.innerHTML = output.html;      // from the page's own code (nnlib's feedback, say)
      return html;
    }
    if (output.type === "image") {
      var image = element("img", "live-image");
      image.src = URL.createObjectURL(new Blob([output.png], { type: "image/png" }));
      image.alt = "A figure drawn by this cell";
      return image;
    }
    return null;
  }

  // Show a run's outputs in place. A knob figure goes live in the cell's own figure box when
  // the cell has one with the same knobs; otherwise it is shown new under the code.
  Cell.prototype.show = function (python, outputs, quiet) {
    var area = this.outputArea(), self = this, figures = [];
    if (quiet) return Promise.resolve(figures);
    area.textContent = "";
    this.node.classList.add("live-ran");
    var kept = false;
    var done = outputs.map(function (output) {
      if (output.type !== "knob") {
        var node = outputNode(output);
        if (node) area.appendChild(node);
        return null;
      }
      return waitForPlayer(self.node).then(function (player) {
        if (player && sameKnobs(player, output)) {
          kept = true;
          figures.push(liveFigure(python, player, output));
        } else {
          newFigure(python, output, area);
        }
      });
    });
    return Promise.all(done).then(function () {
      self.node.classList.toggle("live-keeps-output", kept);   // the page's figure box stays
      return figures;
    });
  };

  /* ------------------------------------------------------------ the page */

  function Page(bar) {
    this.bar = bar;
    this.status = bar.querySelector(".live-status");
    this.button = bar.querySelector("button");
    this.python = null;
    var nodes = document.querySelectorAll(".bd-article div.cell");
    this.cells = Array.prototype.map.call(nodes, function (node, i) { return new Cell(node, i + 1, nodes.length); });
    this.running = Promise.resolve();
  }

  Page.prototype.say = function (text) {
    this.status.textContent = text;
  };

  Page.prototype.fail = function (why) {
    live.state = "failed";
    live.error = why;
    this.bar.classList.add("live-failed");
    this.button.disabled = false;
    this.button.textContent = "Try again to run this page live";
    this.say("This page cannot run live here: " + why + ". It stays as it was: the figures still " +
             "show their stored pictures.");
  };

  function cannotRun() {
    if (typeof WebAssembly !== "object" || typeof WebAssembly.instantiate !== "function") {
      return "this browser has no WebAssembly, which the in-browser Python needs";
    }
    if (typeof Worker !== "function") return "this browser cannot run Web Workers";
    return null;
  }

  Page.prototype.start = function () {
    var self = this, why = cannotRun();
    if (why) return this.fail(why);
    live.state = "loading";
    live.clicked = performance.now();
    this.button.disabled = true;
    this.button.textContent = "Starting Python…";
    this.bar.classList.remove("live-failed");
    try {
      live.stages = [];
      this.python = new Python(function (text) {
        live.stages.push({ text: text, at: performance.now() });
        self.say(text);
      });
    } catch (error) {
      return this.fail("the Python worker could not start (" + error.message + ")");
    }
    this.python.request("start", { pyodide: siteUrl("pyodide/"), runner: siteUrl("_static/live_runner.py") })
      .then(function (answer) {
        live.ready = performance.now();
        live.bytecodeRestored = answer.restored;
        return self.runAll();
      })
      .then(function () {
        return self.python.request("live");
      })
      .then(function () {
        live.state = "live";
        self.bar.classList.add("live-on");
        self.button.textContent = "Running live";
        self.say("Live: Python runs in this page. Edit any cell and press Run (or Shift+Enter); " +
                 "every knob moves at its live step.");
      }, function (error) {
        if (self.python) self.python.worker.terminate();
        self.python = null;
        self.fail(error.message.replace(/\.$/, ""));
      });
  };

  // Every cell in order, once, as Run All: editors first, so the page is editable at once.
  Page.prototype.runAll = function () {
    var self = this, count = this.cells.length;
    this.cells.forEach(function (cell) { cell.makeEditable(function (c) { self.runOne(c); }); });
    return this.cells.reduce(function (previous, cell, i) {
      return previous.then(function () {
        self.say("Running cell " + (i + 1) + " of " + count + "…");
        return self.execute(cell, cell.exercise);
      });
    }, Promise.resolve());
  };

  Page.prototype.execute = function (cell, quiet) {
    var self = this;
    return this.python.request("run", { code: cell.code(), name: cell.label }).then(function (answer) {
      return cell.show(self.python, answer.outputs, quiet);
    }).then(function (figures) {
      if (figures.length && !live.firstFigure) {
        return figures[0].then(function () { live.firstFigure = performance.now(); });
      }
    });
  };

  // The reader runs a cell: after whatever is running, in the same namespace.
  Page.prototype.runOne = function (cell) {
    var self = this;
    if (!this.python) return;
    cell.runButton.disabled = true;
    cell.node.classList.add("live-busy");
    this.running = this.running.then(function () {
      return self.execute(cell, false);
    }).catch(function (error) {
      var area = cell.outputArea();
      area.textContent = "";
      area.appendChild(element("pre", "live-error", "Python stopped: " + error.message));
    }).then(function () {
      cell.runButton.disabled = false;
      cell.node.classList.remove("live-busy");
    });
  };

  /* ------------------------------------------------------------ the button */

  function addBar() {
    var cells = document.querySelectorAll(".bd-article div.cell .cell_input");
    var title = document.querySelector(".bd-article h1");
    if (!cells.length || !title) return;      // a page with no code has nothing to run
    var bar = element("div", "live-bar");
    var button = element("button", "live-start btn", "▶ Run this page live");
    button.type = "button";
    var status = element("p", "live-status",
                         "Runs the code of this page in your browser: every cell can be edited and run, " +
                         "every exercise checked, every knob turned at its live step. " +
                         "About 20 MB to load, nothing from another site.");
    status.setAttribute("role", "status");
    bar.appendChild(button);
    bar.appendChild(status);
    title.insertAdjacentElement("afterend", bar);
    var page = new Page(bar);
    button.addEventListener("click", function () {
      if (live.state === "off" || live.state === "failed") page.start();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", addBar);
  else addBar();
})();
