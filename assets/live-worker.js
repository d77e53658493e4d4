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
 *       -> {type: "progress", text} while loading, then {id, ok: true}
 *   {type: "run", code, name}   -> {id, outputs}: live_runner.run_cell's list; pictures as PNG bytes,
 *                                  a knob figure's picture as an ImageBitmap (transferred)
 *   {type: "move", figure, indexes} -> {id, picture: ImageBitmap}: live_runner.move
 * A failure answers {id, error: message}.
 */
let pyodide = null;
let runner = null;

function progress(text) {
  self.postMessage({ type: "progress", text });
}

async function fetchOk(url, how) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response[how]();
}

// What the page needs from Python, in the order a reader waits for it.
async function start({ pyodide: folder, runner: runnerUrl }) {
  progress("Loading Python (Pyodide)…");
  const manifest = fetchOk(folder + "manifest.json", "json");
  const runnerCode = fetchOk(runnerUrl, "text");
  const { loadPyodide } = await import(folder + "pyodide.mjs");
  pyodide = await loadPyodide({ indexURL: folder, stdout: () => {}, stderr: () => {} });
  const { packages, nnlib, fontlist } = await manifest;
  progress(`Loading ${packages.filter((name) => name !== "micropip").join(" and ")}…`);
  // The font list only saves time: without it matplotlib scans its fonts itself, as it would anywhere.
  const fonts = fetchOk(folder + fontlist, "json").catch(() => null);
  const wheel = fetchOk(`${folder}${nnlib.wheel}?v=${nnlib.sha256}`, "arrayBuffer");
  const problems = [];
  await pyodide.loadPackage(packages.filter((name) => name !== "micropip"), {
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
  progress("Starting matplotlib and nnlib…");
  pyodide.FS.writeFile("/home/pyodide/live_runner.py", await runnerCode);
  runner = pyodide.pyimport("live_runner");
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
  await Promise.race([start(message), failureWhileStarting()]);
  return [{ ok: true }, []];
}

const HANDLERS = { start: startOrFail, run, move };

// One message at a time, in order: Python runs one thing at once anyway, and a cell's
// run must finish before a move of the figure it made.
let queue = Promise.resolve();
self.onmessage = (event) => {
  const message = event.data;
  queue = queue.then(async () => {
    try {
      const [answer, transfer] = await HANDLERS[message.type](message);
      self.postMessage({ id: message.id, ...answer }, transfer);
    } catch (error) {
      self.postMessage({ id: message.id, error: String((error && error.message) || error) });
    }
  });
};
