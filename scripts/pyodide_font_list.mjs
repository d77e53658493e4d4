// matplotlib's font list, built once at build time by the Pyodide the site ships.
//
// Usage: node scripts/pyodide_font_list.mjs PYODIDE_DIR OUT_JSON
//
// The first `import matplotlib.font_manager` in a fresh browser scans every font file matplotlib
// carries and saves the result as fontlist.json inside the matplotlib package (Pyodide's build keeps
// it there, not in a cache folder): 1.5 s under Node.js on this machine, every time a page starts,
// because a page's file system starts empty. Node.js runs the same WebAssembly build with the same
// file paths, so the list made here is the one the browser would make; the page runner writes it
// to `path` before matplotlib is imported.
import { pathToFileURL } from "node:url";
import { writeFileSync } from "node:fs";
import path from "node:path";

const [dir, out] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(path.join(dir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL: path.resolve(dir) + "/", stdout: () => {}, stderr: () => {} });
await pyodide.loadPackage(["matplotlib"], { messageCallback: () => {} });
const result = pyodide.runPython(`
import json, pathlib, matplotlib
from matplotlib import font_manager
found = pathlib.Path(matplotlib.__file__).parent / "fontlist.json"
json.dumps({"path": str(found), "version": font_manager.FontManager.__version__, "text": found.read_text()})
`);
writeFileSync(out, result);
