// serve.mjs — the line loop every Node wrapper shares.
//
// A wrapper loads one Python runtime (Pyodide, MicroPython, Brython), loads
// ../mvadapter.py into it, and hands this module two functions:
//
//     hello()       -> the hello line, as the Python adapter wrote it
//     handle(line)  -> one result line for one case line
//
// Everything the protocol says about cases lives in mvadapter.py; this file
// only moves lines (spec/protocol.md section 1):
//
//   stdin ──line──▶ handle(line) ──line──▶ stdout, one per case, in order
//
// Standard output carries protocol lines and nothing else, so whatever a
// runtime prints on its own (console.log, Python's print) is sent to stderr,
// which the harness keeps in its log.
//
// When a JavaScript exception escapes the runtime for a case (a Python
// exception is already an outcome inside mvadapter.py, so this is a runtime
// bug), the wrapper says so on stderr and exits with status 3: the harness
// records that case as a `crash` and restarts us. It never hangs: a case that
// loops forever inside the runtime is the harness's per-case timeout.

import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ADAPTER = path.join(HERE, "..", "mvadapter.py");
export const CRASH_STATUS = 3;

/** The adapter's Python source, or that of a module beside it (name). */
export function adapterSource(name) {
  return fs.readFileSync(name ? path.join(HERE, "..", name) : ADAPTER, "utf8");
}

/** Send console output to stderr: stdout is for protocol lines only. */
export function quietConsole() {
  const toStderr = (...args) => {
    process.stderr.write(args.map(String).join(" ") + "\n");
  };
  console.log = console.info = console.debug = console.warn = toStderr;
}

function writeLine(text) {
  return new Promise((resolve) => process.stdout.write(text + "\n", resolve));
}

function drain() {
  return new Promise((resolve) => process.stdout.write("", resolve));
}

// One line: a Python traceback (Pyodide's PythonError carries one) ends
// with the line that names the exception.
function summarize(error) {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
  const last = lines.length > 1 ? `${lines[0].split(":")[0]}: ${lines[lines.length - 1]}` : lines[0];
  return (last || "unknown error").slice(0, 200);
}

async function die(name, what, error) {
  // The stack first, the one-line summary last: the harness quotes the end
  // of our stderr in the case's `crash` detail.
  if (error && error.stack) process.stderr.write(error.stack + "\n");
  process.stderr.write(`${name}: ${what}: ${summarize(error)}\n`);
  await drain();  // the results already written must reach the harness
  process.exit(CRASH_STATUS);
}

function caseId(line) {
  try {
    return JSON.parse(line).id;
  } catch {
    return "?";
  }
}

/** Print the hello line, then answer every stdin line; exit 0 at its end. */
export async function serve(name, { hello, handle }) {
  let greeting;
  try {
    greeting = hello();
  } catch (error) {
    await die(name, "the hello line could not be made", error);
  }
  await writeLine(greeting);
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    let result;
    try {
      result = handle(line);
    } catch (error) {
      await die(name, `a JavaScript exception escaped on case ${caseId(line)}`, error);
    }
    await writeLine(result);
  }
  process.exit(0);
}
