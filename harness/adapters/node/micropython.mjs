// micropython.mjs — mvspec's Python adapter inside MicroPython (wasm port).
//
//   node harness/adapters/node/micropython.mjs [PACKAGE]
//
// PACKAGE is the npm package (or alias) of the release to load: by default
// @micropython/micropython-webassembly-pyscript, or an older release such as
// `micropython-1.23.0` (package.json pins each; `make history` runs them).
// Loads MicroPython's WebAssembly build once from node_modules, writes
// mvadapter.py into its file system and imports it as a module, then
// serve.mjs feeds it one case a line. Node reads stdin, not MicroPython: its
// sys.stdin.readline() raises OSError 29 whenever the pipe is momentarily
// empty. Anything MicroPython prints goes to stderr.

import { adapterSource, quietConsole, serve } from "./serve.mjs";

const PACKAGE = process.argv[2] || "@micropython/micropython-webassembly-pyscript";
const { loadMicroPython } = await import(PACKAGE);

// The heap holds every object of a case; 64 MiB leaves room for the largest
// exporters the templates build, and the GC returns it between cases.
const HEAP_BYTES = 64 * 1024 * 1024;

quietConsole();
const toStderr = (text) => process.stderr.write(text + "\n");
const mp = await loadMicroPython({ heapsize: HEAP_BYTES, stdout: toStderr, stderr: toStderr });
mp.FS.mkdir("/mvspec");
mp.FS.writeFile("/mvspec/mvadapter.py", adapterSource());
mp.runPython("import sys\nsys.path.insert(0, '/mvspec')");
const adapter = mp.pyimport("mvadapter");
const hello = adapter.hello;
const handleLine = adapter.handle_line;

await serve(PACKAGE, { hello: () => hello(), handle: (line) => handleLine(line) });
