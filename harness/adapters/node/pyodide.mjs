// pyodide.mjs — mvspec's Python adapter inside Pyodide (CPython on wasm32).
//
//   node harness/adapters/node/pyodide.mjs
//
// Loads Pyodide once from node_modules (nothing is downloaded), writes
// mvadapter.py into its file system and imports it as a module (so its
// `__main__` loop does not run), then serve.mjs feeds it one case a line.
// Loading takes 4-5 s; each case then costs about half a millisecond.

import { loadPyodide } from "pyodide";
import { adapterSource, quietConsole, serve } from "./serve.mjs";

quietConsole();
const toStderr = { batched: (text) => process.stderr.write(text + "\n") };
const pyodide = await loadPyodide({ stdout: toStderr.batched, stderr: toStderr.batched });
pyodide.FS.mkdirTree("/mvspec");
pyodide.FS.writeFile("/mvspec/mvadapter.py", adapterSource());
pyodide.runPython("import sys; sys.path.insert(0, '/mvspec')");
const adapter = pyodide.pyimport("mvadapter");
const hello = adapter.hello;
const handleLine = adapter.handle_line;

await serve("pyodide", { hello: () => hello(), handle: (line) => handleLine(line) });
