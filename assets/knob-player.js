/* Turn the Knobs: the knob-figure player.
 *
 * A static page has no Python behind it. When the book is built, the baker (bake/ in the
 * repository) records the frames of every knob figure and puts, next to the figure's
 * picture, a header: <script type="application/json" class="knob-frames">. The frames
 * themselves are in chunks: the header carries the chunk of the figure's default setting,
 * and the others are gzip-compressed files of the site (frames/<id>/<n>.json.gz), fetched
 * the first time the reader needs one. This script finds those figures once the Jupyter widgets have rendered,
 * puts a <canvas> in place of the picture and, whenever a control's value changes in its
 * widget model, draws the recorded frame for the new setting:
 *
 *   background (one image of what never moves) + the frame's drawing operations.
 *
 * What a header, a chunk and an operation hold is the frames contract: bake/FRAMES.md,
 * with its machine-readable part in _static/frames-contract.json, which this script reads
 * first. A header of another version is not played: the picture stays as it is.
 *
 * A page running Python (assets/live.js) hands a figure over with player.useSource(source):
 * from then on its pictures come from Python instead of the baked frames (see useSource).
 *
 * No dependencies, no other host. window.__knobTimings collects the time from each input
 * event to the finished redraw, for the book's latency test.
 */
(function () {
  "use strict";

  var timings = (window.__knobTimings = window.__knobTimings || []);
  var players = (window.__knobPlayers = window.__knobPlayers || []);
  var lastInput = 0;   // timeStamp of the latest input event not yet answered by a redraw

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

  // Site paths are relative to the site's root, which Sphinx names on <html data-content_root>.
  function siteUrl(path) {
    return new URL((document.documentElement.dataset.content_root || "") + path, document.baseURI).href;
  }

  var contract = fetch(siteUrl("_static/frames-contract.json")).then(function (response) {
    if (!response.ok) throw new Error("frames contract: HTTP " + response.status);
    return response.json();
  });

  function loadImage(url) {
    var image = new Image();
    image.src = url;
    return image.decode().then(function () { return image; });
  }

  /* ------------------------------------------------------------ a chunk of frames */

  // A chunk file's bytes as JSON: gzip-compressed as the contract writes it, or already
  // decompressed by the browser when the host sent it with Content-Encoding: gzip.
  function chunkJson(buffer) {
    var bytes = new Uint8Array(buffer), text = new Response(buffer);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
      text = new Response(new Blob([buffer]).stream().pipeThrough(new DecompressionStream("gzip")));
    }
    return text.json();
  }

  // A chunk holds its own tables (styles, clips, shapes, glyph atlas, pictures, ops) and the
  // list of ops of each of its frames. ready: resolves once its images are decoded.
  function Chunk(data) {
    var self = this;
    this.data = data;
    this.paths = new Array(data.ops.length);
    this.shapes = data.shapes.map(function (d) { return new Path2D(d); });
    this.clips = data.clips.map(function (parts) {
      return parts.map(function (p) { return p[0] === "rect" ? p.slice(1) : new Path2D(p[1]); });
    });
    this.tinted = {};
    this.patterns = {};
    var loads = data.sheets.map(loadImage);
    if (data.atlas) loads.push(loadImage(data.atlas));
    this.ready = Promise.all(loads).then(function (images) {
      self.sheets = images.slice(0, data.sheets.length);
      self.atlas = data.atlas ? images[images.length - 1] : null;
      return self;
    });
  }

  /* ------------------------------------------------------------ drawing */

  function Player(box, header, picture, models, elements, rules) {
    this.box = box;
    this.header = header;
    this.picture = picture;
    this.models = models;          // one widget model per knob, in the header's order
    this.rules = rules;            // the frames contract
    this.frame = -1;
    this.wanted = -1;
    this.chunks = {};              // chunk number -> Promise of a ready Chunk
    this.ready = {};               // chunk number -> ready Chunk
    this.ctx = null;

    var canvas = (this.canvas = document.createElement("canvas"));
    canvas.width = header.width;
    canvas.height = header.height;
    canvas.className = "knob-figure knob-canvas";
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", picture.getAttribute("alt") || header.alt);
    canvas.style.cssText = picture.style.cssText;
    canvas.style.display = "none";
    canvas.dataset.figure = header.id;
    picture.insertAdjacentElement("afterend", canvas);
    this.ctx = canvas.getContext("2d");

    var self = this;
    Object.keys(header.chunks.inline).forEach(function (n) {
      self.chunks[n] = new Chunk(header.chunks.inline[n]).ready.then(function (chunk) {
        return (self.ready[n] = chunk);
      });
    });
    this.background = null;
    this.loaded = loadImage(header.background).then(function (image) {
      self.background = image;
      if (self.wanted !== self.initial) self.update(true);   // a knob moved while loading
    });
    elements.forEach(function (element, i) { label(element, header.knobs[i]); });
    models.forEach(function (model) {
      model.on("change:index", function () { self.update(false); });
    });
    this.initial = this.wanted = this.current();   // the picture shows it until a knob moves
  }

  // The frame of the controls' setting: each control's index on its knob's baked values,
  // combined in the contract's grid order (row-major, the last knob fastest).
  Player.prototype.current = function () {
    var frame = 0, knobs = this.header.knobs;
    for (var i = 0; i < knobs.length; i++) {
      var count = knobs[i].values.length;
      var index = this.models[i].get("index");
      index = Math.min(count - 1, Math.max(0, typeof index === "number" ? index : 0));
      frame = frame * count + index;
    }
    return frame;
  };

  Player.prototype.chunkOf = function (frame) {
    var starts = this.header.chunks.starts, low = 0, high = starts.length - 1;
    while (low < high) {                 // the last chunk starting at or before the frame
      var middle = (low + high + 1) >> 1;
      if (starts[middle] <= frame) low = middle; else high = middle - 1;
    }
    return low;
  };

  Player.prototype.load = function (n) {
    var self = this;
    if (!this.chunks[n]) {
      var url = siteUrl(this.rules.chunk_file.replace("{path}", this.header.chunks.path).replace("{chunk}", n));
      this.chunks[n] = fetch(url).then(function (response) {
        if (!response.ok) throw new Error(url + ": HTTP " + response.status);
        return response.arrayBuffer();
      }).then(chunkJson).then(function (data) {
        if (data.v !== self.rules.version || data.id !== self.header.id || data.chunk !== n) {
          throw new Error(url + " is not chunk " + n + " of figure " + self.header.id);
        }
        return new Chunk(data).ready;
      }).then(function (chunk) {
        return (self.ready[n] = chunk);
      });
      this.chunks[n].catch(function (error) {
        delete self.chunks[n];           // try again on the next move
        self.box.classList.remove("knob-loading");
        console.error("knob figure " + self.header.id + ": " + error.message);
      });
    }
    return this.chunks[n];
  };

  Player.prototype.update = function (force) {
    if (this.source) {
      if (!this.adopting) this.updateFromSource();
      return;
    }
    var frame = this.current();
    if (frame === this.wanted && !force) return;
    this.wanted = frame;
    if (!this.background) return;
    var n = this.chunkOf(frame), self = this;
    if (this.ready[n]) {
      this.show(frame);
      return;
    }
    this.box.classList.add("knob-loading");    // the last picture stays until the chunk is here
    this.load(n).then(function () {
      if (self.chunkOf(self.wanted) === n) {
        self.box.classList.remove("knob-loading");
        self.show(self.wanted);
      }
    });
  };

  Player.prototype.show = function (frame) {
    this.draw(frame);
    this.reveal(frame, false);
  };

  // The canvas takes the picture's place (once), and the time since the last input is noted.
  Player.prototype.reveal = function (frame, live) {
    if (this.canvas.style.display === "none") {
      this.canvas.style.display = "";
      this.picture.style.display = "none";
    }
    if (lastInput) {
      timings.push({ figure: this.header.id, frame: frame, ms: performance.now() - lastInput, live: live });
      lastInput = 0;
    }
  };

  /* ------------------------------------------------------------ pictures from another source */

  /* player.useSource(source): from now on the figure shows the pictures `source` makes (live.js:
   * Python running in the page) instead of its baked frames.
   *   source.knobs: one entry per knob, in the header's order, {labels, index}: the values the
   *     knob can take now, as its readout shows them, and the one it is at. Each slider's widget
   *     model gets these as its options, so the same slider, keys and readout go on working,
   *     with every value; a slider the reader had moved keeps its value when it is among them.
   *     A choice keeps its buttons (its options never change).
   *   source.picture(indexes) -> Promise of an image (an ImageBitmap, say) of the figure with
   *     knob k at position indexes[k] of its labels.
   * Returns a Promise that resolves once the source's first picture is on the canvas.
   * One picture is asked for at a time: when it arrives and the controls have moved meanwhile,
   * the player asks once more, for where they are now. A held-down key thus redraws at the
   * latest value and never works through a queue of old ones. Calling useSource again (the
   * cell ran again) replaces the source.
   */
  Player.prototype.useSource = function (source) {
    var self = this;
    this.source = source;
    this.adopting = true;          // the models change below: one picture afterwards, not one each
    source.knobs.forEach(function (knob, k) {
      var model = self.models[k];
      if (self.header.knobs[k].kind !== "slider") return;
      var shown = (model.get("_options_labels") || [])[model.get("index")];
      var at = knob.labels.indexOf(shown);
      // Two steps: the options first, so that the slider's view takes its new range (set
      // together, the view saw only the index change), then the position on them.
      model.set({ _options_labels: knob.labels });
      model.set({ index: at >= 0 ? at : knob.index });
    });
    this.adopting = false;
    this.sourceShown = null;       // the controls' indexes, joined, of the picture on the canvas
    this.box.classList.add("knob-live");
    var drawn = new Promise(function (resolve) { self.sourceDrawn = resolve; });
    this.updateFromSource();
    return drawn;
  };

  Player.prototype.indexes = function () {
    return this.models.map(function (model) {
      var index = model.get("index");
      return typeof index === "number" ? index : 0;
    });
  };

  Player.prototype.updateFromSource = function () {
    var indexes = this.indexes(), key = indexes.join(","), source = this.source, self = this;
    if (this.sourceBusy || key === this.sourceShown) return;
    this.sourceBusy = true;
    source.picture(indexes).then(function (image) {
      self.sourceBusy = false;
      if (self.source === source) self.showPicture(image, key);
      self.updateFromSource();
    }, function (error) {
      self.sourceBusy = false;
      console.error("knob figure " + self.header.id + ": " + error.message);
    });
  };

  Player.prototype.showPicture = function (image, key) {
    var canvas = this.canvas, ctx = this.ctx;
    if (canvas.width !== image.width || canvas.height !== image.height) {
      canvas.width = image.width;
      canvas.height = image.height;
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalAlpha = 1;
    ctx.drawImage(image, 0, 0);
    if (image.close) image.close();
    this.sourceShown = key;
    canvas.dataset.live = key;
    this.reveal(key, true);
    if (this.sourceDrawn) {
      this.sourceDrawn();
      this.sourceDrawn = null;
    }
  };

  Player.prototype.draw = function (frame) {
    var n = this.chunkOf(frame), chunk = this.ready[n], ctx = this.ctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalAlpha = 1;
    ctx.drawImage(this.background, 0, 0);
    var ops = chunk.data.frames[frame - this.header.chunks.starts[n]];
    for (var i = 0; i < ops.length; i++) this.op(chunk, ops[i]);
    this.frame = frame;
    this.canvas.dataset.frame = String(frame);
  };

  Player.prototype.op = function (chunk, index) {
    var op = chunk.data.ops[index], kinds = this.rules.ops;
    var style = chunk.data.styles[op[1]];
    var ctx = this.ctx;
    ctx.save();
    this.clip(chunk, style[6]);
    if (op[0] === kinds.path) {
      var path = chunk.paths[index] || (chunk.paths[index] = new Path2D(op[2]));
      this.paint(chunk, path, style);
    } else if (op[0] === kinds.stamp) {
      var shape = chunk.shapes[op[2]];
      var at = op[3];
      for (var i = 0; i < at.length; i += 2) {
        ctx.setTransform(1, 0, 0, 1, at[i] / 10, at[i + 1] / 10);
        this.paint(chunk, shape, style);
      }
    } else if (op[0] === kinds.glyphs) {
      this.glyphs(chunk, op[2], style[0]);
    } else if (op[0] === kinds.picture) {
      var m = op[3], pic = chunk.data.pictures[op[2]];
      ctx.globalAlpha = op[5];
      ctx.imageSmoothingEnabled = !!op[4];
      ctx.setTransform(m[0], m[1], m[2], m[3], m[4], m[5]);
      ctx.drawImage(chunk.sheets[pic[0]], pic[1], pic[2], pic[3], pic[4], 0, 0, pic[3], pic[4]);
    }
    ctx.restore();
  };

  Player.prototype.clip = function (chunk, which) {
    if (which < 0) return;
    var ctx = this.ctx;
    chunk.clips[which].forEach(function (part) {
      if (part instanceof Path2D) {
        ctx.clip(part);
      } else {
        ctx.beginPath();
        ctx.rect(part[0], part[1], part[2], part[3]);
        ctx.clip();
      }
    });
  };

  // A style is [fill, stroke, width, dashes, cap, join, clip, hatch] (the contract's style_fields).
  Player.prototype.paint = function (chunk, path, style) {
    var ctx = this.ctx;
    if (style[0]) {
      ctx.fillStyle = style[0];
      ctx.fill(path);
    }
    if (style[7] >= 0) {
      ctx.fillStyle = this.pattern(chunk, style[7]);
      ctx.fill(path);
    }
    if (style[1]) {
      ctx.strokeStyle = style[1];
      ctx.lineWidth = style[2];
      ctx.lineCap = this.rules.caps[style[4]];
      ctx.lineJoin = this.rules.joins[style[5]];
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
  Player.prototype.pattern = function (chunk, picture) {
    if (!chunk.patterns[picture]) {
      var pic = chunk.data.pictures[picture];
      var tile = document.createElement("canvas");
      tile.width = pic[3];
      tile.height = pic[4];
      tile.getContext("2d").drawImage(chunk.sheets[pic[0]], pic[1], pic[2], pic[3], pic[4],
                                      0, 0, pic[3], pic[4]);
      chunk.patterns[picture] = this.ctx.createPattern(tile, "repeat");
    }
    return chunk.patterns[picture];
  };

  // Glyph coverage lives in the atlas's alpha; each text colour gets its own tinted copy.
  Player.prototype.glyphs = function (chunk, placed, colour) {
    var rgba = /rgba\((\d+),(\d+),(\d+),([\d.]+)\)/.exec(colour);
    var solid = rgba ? "rgb(" + rgba[1] + "," + rgba[2] + "," + rgba[3] + ")" : colour;
    var sheet = chunk.tinted[solid];
    if (!sheet) {
      sheet = chunk.tinted[solid] = document.createElement("canvas");
      sheet.width = chunk.atlas.width;
      sheet.height = chunk.atlas.height;
      var c = sheet.getContext("2d");
      c.drawImage(chunk.atlas, 0, 0);
      c.globalCompositeOperation = "source-in";
      c.fillStyle = solid;
      c.fillRect(0, 0, sheet.width, sheet.height);
    }
    var ctx = this.ctx;
    var table = chunk.data.glyphs;
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

  // Button rows get a group name ("f (activation)"); slider handles are named by the widget bundle.
  function label(element, knob) {
    if (knob.kind !== "choice") return;
    var button = element.querySelector("button");
    var group = button && button.parentElement;
    if (!group) return;
    if (!group.getAttribute("role")) group.setAttribute("role", "group");
    if (!group.getAttribute("aria-label")) group.setAttribute("aria-label", knob.label);
  }

  // The box's widget model, which the widget bundle keeps on the view's area.
  function boxModel(box) {
    for (var node = box; node; node = node.parentElement) {
      if (node.widgetModel) return node.widgetModel;
    }
    return null;
  }

  function setup(box, rules) {
    if (box.__knobPlayer) return true;
    var script = box.querySelector("script.knob-frames");
    var picture = box.querySelector("img.knob-figure");
    var model = boxModel(box);
    if (!script || !picture || !model) return false;
    var header = box.__knobHeader || (box.__knobHeader = JSON.parse(script.textContent));
    if (header.v !== rules.version) {
      box.__knobPlayer = "refused";
      console.warn("knob figure " + header.id + ": frames of version " + header.v +
                   ", this player reads version " + rules.version + "; the picture stays still");
      return true;
    }
    var children = model.get("children") || [];
    var models = children.slice(1, 1 + header.knobs.length);
    var elements = Array.prototype.slice.call(box.children, 1, 1 + header.knobs.length);
    if (models.length < header.knobs.length || elements.length < header.knobs.length) return false;
    var player = (box.__knobPlayer = new Player(box, header, picture, models, elements, rules));
    players.push(player);
    return true;
  }

  function start(rules) {
    var pending = false;
    function scan() {
      pending = false;
      var boxes = document.querySelectorAll(".knob-figure-box");
      for (var i = 0; i < boxes.length; i++) setup(boxes[i], rules);
    }
    scan();
    new MutationObserver(function () {
      if (!pending) {
        pending = true;
        Promise.resolve().then(scan);
      }
    }).observe(document.body, { childList: true, subtree: true });
  }

  function begin() {
    contract.then(start, function (error) {
      console.error("knob figures stay still: " + error.message);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", begin);
  else begin();
})();
