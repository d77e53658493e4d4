/* Turn the Knobs: the Python of a live page, in a Web Worker (started by live.js as a module worker).
 *
 * Python runs here, not in the page, so that the page, its sliders and its baked frames keep
 * responding while Pyodide loads and while a cell runs or a figure draws. Everything comes from
 * the site itself: the folder pyodide/ that the build writes (Pyodide's core, numpy, matplotlib
 * and their dependencies as Pyodide builds them, the nnlib wheel, matplotlib's font list,
 * manifest.json) and _static/live_runner.py, the Python glue.
 *
 * Messages from the page, each with an `id` that the answer repeats:
 *   {type: "start", pyodide: URL of the pyodide/ folder, runner: URL of live_runner.py}
 *       -> {type: "progress", text} while loading, then {id, ok: true, restored}: the number
 *          of compiled modules an earlier visit kept (see below)
 *   {type: "run", code, name}   -> {id, outputs}: live_runner.run_cell's list; pictures as PNG bytes,
 *                                  a knob figure's picture as an ImageBitmap (transferred)
 *   {type: "move", figure, indexes} -> {id, picture: ImageBitmap}: live_runner.move
 *   {type: "live"}              -> {id, ok: true}: the page has run its cells; from now on the
 *                                  worker may use the time between messages (below)
 * A failure answers {id, error: message}. {type: "kept"} (no id) says that this visit's
 * compiled modules are in the browser's cache.
 *
 * Between messages, once the page is live and the reader looks at a picture, the worker
 *  - keeps the modules Python compiled (live_runner.bytecode_archive) in the browser's Cache
 *    Storage, so that the next visit of any chapter imports them without compiling (1.5 s);
 *  - takes steps of the work the last moved figure does ahead (live_runner.work_ahead:
 *    chapter 7 trains the network of the next setting),
 * one piece per turn of the event loop, so that a new message waits for at most one piece.
 */
let pyodide = null;
let runner = null;
let idleAllowed = false;        // set by the page's "live" message
let bytecodeKey = null;         // this site's entry in the browser's cache of compiled modules
let bytecodeNew = false;        // a cell ran since the compiled modules were last kept

const BYTECODE_CACHE = "turn-the-knobs-python";
const BYTECODE = "/tmp/bytecode";   // sys.pycache_prefix: where Python keeps compiled modules

function progress(text) {
  self.postMessage({ type: "progress", text });
}

async function fetchOk(url, how) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response[how]();
}

// The compiled modules an earlier visit kept (zip bytes), or null: none, or no Cache Storage
// here (a page not served over https, some private windows), where Python simply compiles.
async function keptBytecode(key) {
  try {
    const response = await (await caches.open(BYTECODE_CACHE)).match(key);
    return response ? new Uint8Array(await response.arrayBuffer()) : null;
  } catch (error) {
    return null;
  }
}

async function keepBytecode(key, bytes) {
  const cache = await caches.open(BYTECODE_CACHE);
  for (const old of await cache.keys()) if (old.url !== key) await cache.delete(old);   // older builds
  await cache.put(key, new Response(bytes));
}

// What the page needs from Python, in the order a reader waits for it.
async function start({ pyodide: folder, runner: runnerUrl }) {
  progress("Loading Python (Pyodide)…");
  const manifest = fetchOk(folder + "manifest.json", "json");
  const runnerCode = fetchOk(runnerUrl, "text");
  const { loadPyodide } = await import(folder + "pyodide.mjs");
  pyodide = await loadPyodide({ indexURL: folder, stdout: () => {}, stderr: () => {} });
  const { packages, nnlib, fontlist } = await manifest;
  bytecodeKey = new URL(`bytecode.zip?pyodide=${pyodide.version}&nnlib=${nnlib.sha256}`, folder).href;
  const bytecode = keptBytecode(bytecodeKey);
  progress(`Loading ${packages.join(" and ")}…`);
  // The font list only saves time: without it matplotlib scans its fonts itself, as it would anywhere.
  const fonts = fetchOk(folder + fontlist, "json").catch(() => null);
  const wheel = fetchOk(`${folder}${nnlib.wheel}?v=${nnlib.sha256}`, "arrayBuffer");
  const problems = [];
  await pyodide.loadPackage(packages, {
    messageCallback: () => {},
    errorCallback: (message) => problems.push(message),
  });
  if (problems.length) throw new Error(problems.join("; "));
  progress("Loading nnlib…");
  // matplotlib reads this list instead of scanning its fonts, if it is there before the first import.
  const font = await fonts;
  if (font) pyodide.FS.writeFile(font.path, font.text);
  const sitePackages = pyodide.runPython("import sysconfig; sysconfig.get_path('purelib')");
  pyodide.unpackArchive(await wheel, "wheel", { extractDir: sitePackages });
  pyodide.runPython(`import sys; sys.pycache_prefix = "${BYTECODE}"; sys.dont_write_bytecode = False`);
  const kept = await bytecode;
  if (kept) pyodide.unpackArchive(kept, "zip", { extractDir: BYTECODE });
  const restored = kept ? pyodide.runPython(`import pathlib; len(list(pathlib.Path("${BYTECODE}").rglob("*.pyc")))`) : 0;
  progress("Starting matplotlib and nnlib…");
  pyodide.FS.writeFile("/home/pyodide/live_runner.py", await runnerCode);
  runner = pyodide.pyimport("live_runner");
  return restored;
}

function bitmap(png) {
  return createImageBitmap(new Blob([png], { type: "image/png" }));
}

// A Python value of live_runner as plain JavaScript (dicts become objects, bytes Uint8Arrays).
function plain(proxy) {
  try {
    return proxy.toJs({ dict_converter: Object.fromEntries });
  } finally {
    proxy.destroy();
  }
}

async function run({ code, name }) {
  bytecodeNew = true;
  const outputs = plain(runner.run_cell(code, name));
  const transfer = [];
  for (const output of outputs) {
    if (output.type === "knob") {
      output.picture = await bitmap(output.png);
      delete output.png;
      transfer.push(output.picture);
    }
  }
  return [{ outputs }, transfer];
}

async function move({ figure, indexes }) {
  const png = runner.move(figure, pyodide.toPy(indexes));
  const bytes = png.toJs();
  png.destroy();
  const picture = await bitmap(bytes);
  return [{ picture }, [picture]];
}

// A file that fails to load deep inside Pyodide (its WebAssembly, say) can end in a rejection that
// never reaches loadPyodide's promise: while starting, any unhandled error counts as the failure.
function failureWhileStarting() {
  return new Promise((_, reject) => {
    self.addEventListener("unhandledrejection", (event) => reject(event.reason || new Error("Pyodide stopped")));
    self.addEventListener("error", (event) => reject(event.error || new Error(event.message)));
  });
}

async function startOrFail(message) {
  const restored = await Promise.race([start(message), failureWhileStarting()]);
  return [{ ok: true, restored }, []];
}

async function goLive() {
  idleAllowed = true;
  return [{ ok: true }, []];
}

const HANDLERS = { start: startOrFail, run, move, live: goLive };

// One message at a time, in order: Python runs one thing at once anyway, and a cell's
// run must finish before a move of the figure it made.
let queue = Promise.resolve();
let waiting = 0;            // messages received and not yet answered
self.onmessage = (event) => {
  const message = event.data;
  waiting += 1;
  queue = queue.then(async () => {
    try {
      const [answer, transfer] = await HANDLERS[message.type](message);
      self.postMessage({ id: message.id, ...answer }, transfer);
    } catch (error) {
      self.postMessage({ id: message.id, error: String((error && error.message) || error) });
    }
    waiting -= 1;
    if (waiting === 0) setTimeout(workAhead, 0);
  });
};

// One piece of idle work, then the next on a later turn, until a message comes or none is left.
function workAhead() {
  if (waiting > 0 || !runner || !idleAllowed) return;
  let more = false;
  try {
    if (bytecodeNew) {
      bytecodeNew = false;
      keepNewBytecode();
      more = true;
    } else {
      more = runner.work_ahead();
    }
  } catch (error) {
    console.error("working ahead:", error);   // only time is lost: the next move computes it
  }
  if (more) setTimeout(workAhead, 0);
}

function keepNewBytecode() {
  const archive = runner.bytecode_archive();
  if (!archive) return;
  const bytes = archive.toJs();
  archive.destroy();
  keepBytecode(bytecodeKey, bytes).then(() => self.postMessage({ type: "kept" }),
                                        (error) => console.info("compiled modules not kept:", error));
}
