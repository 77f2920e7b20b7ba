// brython.mjs — mvspec's Python adapter inside Brython (Python in JavaScript).
//
//   node harness/adapters/node/brython.mjs
//
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
}

quietConsole();
shimBrowser();
require("brython/brython.js");            // CommonJS: it sets module.exports under Node
const $B = (globalThis.$B = globalThis.__BRYTHON__);
globalThis.document.dispatchEvent = () => {};
const stdlib = path.join(path.dirname(require.resolve("brython/brython.js")), "brython_stdlib.js");
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

const adapter = $B.runPythonSource(adapterSource(), { id: "mvadapter" });
const hello = $B.$getattr(adapter, "hello");
const handleLine = $B.$getattr(adapter, "handle_line");

await serve("brython", {
  hello: () => callPython(hello),
  handle: (line) => callPython(handleLine, line),
});
