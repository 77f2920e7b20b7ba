// brython.mjs — mvspec's Python adapter inside Brython (Python in JavaScript).
//
//   node harness/adapters/node/brython.mjs [PACKAGE]
//
// PACKAGE is the npm package (or alias) of the release to load: `brython` by
// default, or an older release such as `brython-3.12.5` (package.json pins
// each; `make history` runs them).
// Brython is made for browsers; under Node it runs after a few shims, all
// set before brython.js loads (see shimBrowser). mvadapter.py runs as the
// module `mvadapter` (so its __main__ loop does not), then serve.mjs feeds
// it one case a line: Node reads stdin, Brython has no blocking reads.

import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { createRequire } from "node:module";
import { adapterSource, quietConsole, serve } from "./serve.mjs";

const require = createRequire(import.meta.url);
const PACKAGE = process.argv[2] || "brython";

function shimBrowser() {
  // Node 20 has no Set.prototype.difference, and Brython's own polyfill takes
  // (self, other) where callers pass (other): without a correct one, every
  // import of a module Brython implements in JavaScript (array) fails.
  if (!Set.prototype.difference) {
    Object.defineProperty(Set.prototype, "difference", {
      value: function difference(other) {
        const result = new Set();
        for (const item of this) if (!other.has(item)) result.add(item);
        return result;
      },
      writable: true, configurable: true,
    });
  }
  globalThis.self = globalThis;
  globalThis.addEventListener = () => {};
  globalThis.location = { href: "file:///mvspec/", origin: "file://", pathname: "/mvspec/" };
  // Brython finds its own folder from the page's <script> elements: later
  // releases make this shim themselves when there is no document, those
  // before 3.12 need it.
  const script = { src: "file:///mvspec/brython.js" };
  globalThis.document = {
    getElementsByTagName: () => [script],
    currentScript: script,
    querySelectorAll: () => [],
    dispatchEvent: () => {},
  };
}

quietConsole();
shimBrowser();
// CommonJS: under Node it sets module.exports = {__BRYTHON__}; releases
// from 3.12 on also make it a global, older ones keep it in the module,
// where brython_stdlib.js (a script run in the global scope) cannot see it.
const { __BRYTHON__ } = require(`${PACKAGE}/brython.js`);
globalThis.__BRYTHON__ ||= __BRYTHON__;
const $B = (globalThis.$B = globalThis.__BRYTHON__);
globalThis.document.dispatchEvent = () => {};
const stdlib = path.join(path.dirname(require.resolve(`${PACKAGE}/brython.js`)), "brython_stdlib.js");
vm.runInThisContext(fs.readFileSync(stdlib, "utf8"), { filename: stdlib });

// A Python exception thrown out of Brython is a plain object, not an Error:
// name it the way Python would, so the crash report says what happened.
function describe(thrown) {
  if (thrown instanceof Error) return thrown;
  try {
    return new Error(`${$B.class_name(thrown)}: ${$B.builtins.str.$factory(thrown)}`);
  } catch {
    return new Error(String(thrown));
  }
}

function callPython(fn, ...args) {
  try {
    return String(fn(...args));
  } catch (thrown) {
    throw describe(thrown);
  }
}

// Run Python source as the module `id`, and return it. Releases before 3.12
// have no runPythonSource, only the function behind it, which takes the
// source, the module's name and URL, and whether to run the task loop now;
// their options (the import path among them) are set by brython(), which
// under Node does only that; their sys module reads `window`; and they look
// for a module the stdlib lacks (numpy) with a synchronous XMLHttpRequest,
// which here finds nothing: nothing is ever downloaded.
class NothingServed {
  open() {}
  setRequestHeader() {}
  send() {
    this.readyState = 4;
    this.status = 404;
    this.responseText = "";
  }
  abort() {}
  getResponseHeader() {
    return null;
  }
}

function runModule(source, id) {
  if ($B.runPythonSource) return $B.runPythonSource(source, { id });
  globalThis.window = globalThis;
  globalThis.XMLHttpRequest = NothingServed;
  $B.brython({});
  $B.run_script(source, id, `${globalThis.location.href}${id}.py`, true);
  return $B.imported[id];
}

const adapter = runModule(adapterSource(), "mvadapter");
const hello = $B.$getattr(adapter, "hello");
const handleLine = $B.$getattr(adapter, "handle_line");

await serve(PACKAGE, {
  hello: () => callPython(hello),
  handle: (line) => callPython(handleLine, line),
});
