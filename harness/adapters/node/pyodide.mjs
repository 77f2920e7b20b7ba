// pyodide.mjs — mvspec's Python adapter inside Pyodide (CPython on wasm32).
//
//   node harness/adapters/node/pyodide.mjs [PACKAGE]
//
// PACKAGE is the npm package (or alias) of the Pyodide release to load:
// `pyodide` (CPython 3.14, the default), `pyodide-3.11` ... `pyodide-3.15`
// (package.json pins each). Loads it once from node_modules (nothing is
// downloaded: indexURL is the package's own folder, which also lets the ESM
// entry of releases as old as 0.23 find their files), writes mvadapter.py
// into its file system and imports it as a module (so its `__main__` loop
// does not run), then serve.mjs feeds it one case a line. Loading takes 4-5 s;
// each case then costs about half a millisecond.

import path from "node:path";
import { HERE, adapterSource, quietConsole, serve } from "./serve.mjs";

const PACKAGE = process.argv[2] || "pyodide";
const { loadPyodide } = await import(PACKAGE);

quietConsole();
const toStderr = { batched: (text) => process.stderr.write(text + "\n") };
const pyodide = await loadPyodide({
  indexURL: path.join(HERE, "node_modules", PACKAGE) + path.sep,
  stdout: toStderr.batched,
  stderr: toStderr.batched,
});
pyodide.FS.mkdirTree("/mvspec");
pyodide.FS.writeFile("/mvspec/mvadapter.py", adapterSource());
pyodide.FS.writeFile("/mvspec/ctypes_ndarray.py", adapterSource("ctypes_ndarray.py"));
pyodide.runPython("import sys; sys.path.insert(0, '/mvspec')");
const adapter = pyodide.pyimport("mvadapter");
const hello = adapter.hello;
const handleLine = adapter.handle_line;

await serve(PACKAGE, { hello: () => hello(), handle: (line) => handleLine(line) });
