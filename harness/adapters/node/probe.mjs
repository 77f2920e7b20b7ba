// probe.mjs PACKAGE FILE.py: run a Python file in one pinned Pyodide release
// (an npm package or alias of package.json: pyodide, pyodide-3.15, ...) and
// print the value of its last expression. A tool for looking at one
// behaviour of a release by hand (how 3.15 reads a 'Zd' item, say); the
// suite never uses it: cases run through pyodide.mjs and the adapter.
// Run from this directory: node probe.mjs pyodide-3.15 FILE.py
import path from "node:path";
import fs from "node:fs";

const [pkg, file] = process.argv.slice(2);
if (!pkg || !file) {
  console.error("usage: node probe.mjs PACKAGE FILE.py");
  process.exit(2);
}
const { loadPyodide } = await import(pkg);
const py = await loadPyodide({ indexURL: path.resolve("node_modules", pkg) + "/" });
console.log(py.runPython(fs.readFileSync(file, "utf8")));
