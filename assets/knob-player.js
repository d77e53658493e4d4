/* Turn the Knobs: the knob-figure player.
 *
 * A static page has no Python behind it, so a slider could move while its
 * figure stayed still. When the book is built, nnlib.bake records every frame
 * of every knob figure (see nnlib/bake.py) and stores the records next to the
 * figure's picture as <script type="application/json" class="knob-frames">.
 * This script finds those figures once the Jupyter widgets have rendered,
 * puts a <canvas> in place of the picture and, whenever a slider or a button
 * changes, draws the recorded frame for the new knob values:
 *
 *   background (one PNG of what never moves) + the frame's drawing operations.
 *
 * Operations (all in canvas pixels, y down), each an array:
 *   [0, style, pathData]           a path (SVG path data), filled and/or stroked
 *   [1, style, shape, [x, y, ...]] one shape stamped at many places (tenths of px)
 *   [2, style, [g, dx, dy, ...]]   glyph bitmaps from the atlas, pen moved by dx, dy
 *   [3, style, picture, matrix, smooth, alpha]   a picture (from a sheet) under a matrix
 * A style is [fill, stroke, width, dashes, cap, join, clip, hatch].
 *
 * No dependencies, no network. window.__knobTimings collects the time from
 * each input event to the finished redraw, for the book's latency test.
 */
(function () {
  "use strict";

  var timings = (window.__knobTimings = window.__knobTimings || []);
  var players = (window.__knobPlayers = window.__knobPlayers || []);
  var lastInput = 0;   // timeStamp of the latest input event not yet answered by a redraw
  var CAPS = { b: "butt", r: "round", p: "square" };
  var JOINS = { m: "miter", r: "round", b: "bevel" };

  var dragging = false;   // a pointer went down on a knob figure's control and is still down
  function noteInput(event) {
    var inside = !!(event.target && event.target.closest && event.target.closest(".knob-figure-box"));
    if (event.type === "pointerdown") dragging = inside;
    if (event.type === "pointerup" || event.type === "pointercancel") dragging = false;
    else if (event.type === "pointermove" ? dragging && event.buttons : inside) lastInput = event.timeStamp;
  }
  ["keydown", "pointerdown", "pointermove", "pointerup", "pointercancel", "input"].forEach(function (type) {
    document.addEventListener(type, noteInput, true);
  });

  function loadImage(url) {
    var image = new Image();
    image.src = url;
    return image.decode().then(function () { return image; });
  }

  /* ------------------------------------------------------------ controls */

  // The control of each knob: the box holds the picture, then one control per knob, in order.
  function findControls(box, knobs) {
    var found = [];
    var children = Array.prototype.slice.call(box.children, 1);
    for (var i = 0; i < knobs.length; i++) {
      var control = children[i];
      if (!control) return null;
      var handle = control.querySelector(".noUi-handle");
      var buttons = control.querySelectorAll("button");
      if (knobs[i].kind === "slider" && !handle) return null;
      if (knobs[i].kind === "choice" && buttons.length < knobs[i].values.length) return null;
      found.push({ element: control, handle: handle, buttons: buttons, knob: knobs[i] });
    }
    return found;
  }

  function readValue(control) {
    var knob = control.knob;
    if (knob.kind === "slider") {
      // the readout, as the reader sees it (aria-valuenow keeps only one decimal)
      var readout = control.element.querySelector(".widget-readout");
      var text = readout ? readout.textContent : control.handle.getAttribute("aria-valuetext");
      return parseFloat(String(text).replace("\u2212", "-"));
    }
    for (var i = 0; i < control.buttons.length; i++) {
      var button = control.buttons[i];
      if (button.classList.contains("mod-active") || button.getAttribute("aria-pressed") === "true") {
        return button.textContent.trim();
      }
    }
    return knob.values[0];
  }

  function indexOf(knob, value) {
    if (knob.kind === "choice") return Math.max(0, knob.values.indexOf(value));
    var values = knob.values;
    var i = Math.round((value - values[0]) / knob.step);
    return Math.min(values.length - 1, Math.max(0, isFinite(i) ? i : 0));
  }

  // Sliders get the knob's name ("w (weight)") as their accessible name, button rows a group name.
  function label(control) {
    var name = control.knob.label;
    if (control.handle && !control.handle.getAttribute("aria-label")) {
      control.handle.setAttribute("aria-label", name);
    }
    if (control.knob.kind === "choice") {
      var group = control.buttons[0].parentElement;
      if (!group.getAttribute("role")) group.setAttribute("role", "group");
      if (!group.getAttribute("aria-label")) group.setAttribute("aria-label", name);
    }
  }

  /* ------------------------------------------------------------ drawing */

  function Player(box, data, picture, controls) {
    this.box = box;
    this.data = data;
    this.picture = picture;
    this.controls = controls;
    this.frame = -1;
    this.wanted = -1;
    this.paths = new Array(data.ops.length);
    this.shapes = data.shapes.map(function (d) { return new Path2D(d); });
    this.clips = data.clips.map(function (parts) {
      return parts.map(function (p) { return p[0] === "rect" ? p.slice(1) : new Path2D(p[1]); });
    });
    this.tinted = {};
    this.patterns = {};

    var canvas = (this.canvas = document.createElement("canvas"));
    canvas.width = data.width;
    canvas.height = data.height;
    canvas.className = "knob-figure knob-canvas";
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", picture.getAttribute("alt") || data.alt);
    canvas.style.cssText = picture.style.cssText;
    canvas.style.display = "none";
    canvas.dataset.figure = data.id;
    picture.insertAdjacentElement("afterend", canvas);
    this.ctx = canvas.getContext("2d");

    var self = this;
    var loads = [loadImage(data.background)].concat(data.sheets.map(loadImage));
    if (data.atlas) loads.push(loadImage(data.atlas));
    this.ready = Promise.all(loads).then(function (images) {
      self.background = images[0];
      self.sheets = images.slice(1, 1 + data.sheets.length);
      self.atlas = data.atlas ? images[images.length - 1] : null;
      if (self.wanted !== self.initial) self.show(self.wanted);   // a knob moved while loading
    });
    controls.forEach(function (control) {
      label(control);
      new MutationObserver(function () { self.update(); }).observe(control.element, {
        subtree: true, attributes: true, characterData: true, childList: true,
        attributeFilter: ["aria-valuenow", "class", "aria-pressed"],
      });
    });
    this.initial = this.wanted = this.current();   // the picture shows it until a knob moves
  }

  Player.prototype.current = function () {
    var index = 0;
    this.controls.forEach(function (control) {
      index = index * control.knob.values.length + indexOf(control.knob, readValue(control));
    });
    return index;
  };

  Player.prototype.update = function () {
    var frame = this.current();
    if (frame === this.wanted) return;
    this.wanted = frame;
    if (this.background) this.show(frame);
  };

  Player.prototype.show = function (frame) {
    this.draw(frame);
    if (this.canvas.style.display === "none") {
      this.canvas.style.display = "";
      this.picture.style.display = "none";
    }
    if (lastInput) {
      timings.push({ figure: this.data.id, frame: frame, ms: performance.now() - lastInput });
      lastInput = 0;
    }
  };

  Player.prototype.draw = function (frame) {
    var ctx = this.ctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalAlpha = 1;
    ctx.drawImage(this.background, 0, 0);
    var ops = this.data.frames[frame];
    for (var i = 0; i < ops.length; i++) this.op(ops[i]);
    this.frame = frame;
    this.canvas.dataset.frame = String(frame);
  };

  Player.prototype.op = function (index) {
    var op = this.data.ops[index];
    var style = this.data.styles[op[1]];
    var ctx = this.ctx;
    ctx.save();
    this.clip(style[6]);
    if (op[0] === 0) {
      var path = this.paths[index] || (this.paths[index] = new Path2D(op[2]));
      this.paint(path, style);
    } else if (op[0] === 1) {
      var shape = this.shapes[op[2]];
      var at = op[3];
      for (var i = 0; i < at.length; i += 2) {
        ctx.setTransform(1, 0, 0, 1, at[i] / 10, at[i + 1] / 10);
        this.paint(shape, style);
      }
    } else if (op[0] === 2) {
      this.glyphs(op[2], style[0]);
    } else if (op[0] === 3) {
      var m = op[3], pic = this.data.pictures[op[2]];
      ctx.globalAlpha = op[5];
      ctx.imageSmoothingEnabled = !!op[4];
      ctx.setTransform(m[0], m[1], m[2], m[3], m[4], m[5]);
      ctx.drawImage(this.sheets[pic[0]], pic[1], pic[2], pic[3], pic[4], 0, 0, pic[3], pic[4]);
    }
    ctx.restore();
  };

  Player.prototype.clip = function (which) {
    if (which < 0) return;
    var ctx = this.ctx;
    this.clips[which].forEach(function (part) {
      if (part instanceof Path2D) {
        ctx.clip(part);
      } else {
        ctx.beginPath();
        ctx.rect(part[0], part[1], part[2], part[3]);
        ctx.clip();
      }
    });
  };

  Player.prototype.paint = function (path, style) {
    var ctx = this.ctx;
    if (style[0]) {
      ctx.fillStyle = style[0];
      ctx.fill(path);
    }
    if (style[7] >= 0) {
      ctx.fillStyle = this.pattern(style[7]);
      ctx.fill(path);
    }
    if (style[1]) {
      ctx.strokeStyle = style[1];
      ctx.lineWidth = style[2];
      ctx.lineCap = CAPS[style[4]];
      ctx.lineJoin = JOINS[style[5]];
      ctx.miterLimit = 4;
      if (style[3]) {
        ctx.setLineDash(style[3].slice(1));
        ctx.lineDashOffset = style[3][0];
      } else {
        ctx.setLineDash([]);
      }
      ctx.stroke(path);
    }
  };

  // A hatch: its tile (a picture in a sheet) repeated from the canvas origin, as Agg does.
  Player.prototype.pattern = function (picture) {
    if (!this.patterns[picture]) {
      var pic = this.data.pictures[picture];
      var tile = document.createElement("canvas");
      tile.width = pic[3];
      tile.height = pic[4];
      tile.getContext("2d").drawImage(this.sheets[pic[0]], pic[1], pic[2], pic[3], pic[4],
                                      0, 0, pic[3], pic[4]);
      this.patterns[picture] = this.ctx.createPattern(tile, "repeat");
    }
    return this.patterns[picture];
  };

  // Glyph coverage lives in the atlas's alpha; each text colour gets its own tinted copy.
  Player.prototype.glyphs = function (placed, colour) {
    var rgba = /rgba\((\d+),(\d+),(\d+),([\d.]+)\)/.exec(colour);
    var solid = rgba ? "rgb(" + rgba[1] + "," + rgba[2] + "," + rgba[3] + ")" : colour;
    var sheet = this.tinted[solid];
    if (!sheet) {
      sheet = this.tinted[solid] = document.createElement("canvas");
      sheet.width = this.atlas.width;
      sheet.height = this.atlas.height;
      var c = sheet.getContext("2d");
      c.drawImage(this.atlas, 0, 0);
      c.globalCompositeOperation = "source-in";
      c.fillStyle = solid;
      c.fillRect(0, 0, sheet.width, sheet.height);
    }
    var ctx = this.ctx;
    var table = this.data.glyphs;
    ctx.globalAlpha = rgba ? parseFloat(rgba[4]) : 1;
    var x = 0, y = 0;
    for (var i = 0; i < placed.length; i += 3) {
      var g = table[placed[i]];
      x += placed[i + 1];
      y += placed[i + 2];
      ctx.drawImage(sheet, g[0], g[1], g[2], g[3], x + g[4], y + g[5], g[2], g[3]);
    }
  };

  /* ------------------------------------------------------------ finding figures */

  function setup(box) {
    if (box.__knobPlayer) return true;
    var script = box.querySelector("script.knob-frames");
    var picture = box.querySelector("img.knob-figure");
    if (!script || !picture) return false;
    var data = box.__knobData || (box.__knobData = JSON.parse(script.textContent));
    var controls = findControls(box, data.knobs);
    if (!controls) return false;
    var player = (box.__knobPlayer = new Player(box, data, picture, controls));
    players.push(player);
    return true;
  }

  var pending = false;
  function scan() {
    pending = false;
    var boxes = document.querySelectorAll(".knob-figure-box");
    for (var i = 0; i < boxes.length; i++) setup(boxes[i]);
  }

  function start() {
    scan();
    new MutationObserver(function () {
      if (!pending) {
        pending = true;
        Promise.resolve().then(scan);
      }
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
