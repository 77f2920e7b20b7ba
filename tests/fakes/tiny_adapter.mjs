// tiny_adapter.mjs — a memoryview of bytes, in JavaScript, speaking mvspec's
// protocol (spec/protocol.md) with no Python anywhere.
//
//   python3 -m harness run 'tiny=node tests/fakes/tiny_adapter.mjs'
//
// It proves the protocol is language-neutral: an implementation is any
// command that reads case lines and writes result lines. It models only
// one-dimensional, read-only views of `bytes` with the ops memoryview,
// getitem (int keys, and slices with step 1), len and bytes; every other
// exporter, op or key makes the whole case `unsupported`, as §7 allows.

import readline from "node:readline";

class Unsupported extends Error {}
class Unbound extends Error {}                     // an outcome: {"unbound": name}

class PyError extends Error {                      // an outcome: {"raises": ...}
  constructor(type, message) { super(message); this.type = type; }
}

// A view: the exporter's bytes, and the window [start, start + length).
class View {
  constructor(bytes, start, length) {
    this.bytes = bytes; this.start = start; this.length = length;
  }
}

const hex = (bytes) => Buffer.from(bytes).toString("hex");
const unhex = (text) => new Uint8Array(Buffer.from(text, "hex"));

function encode(value, env) {
  if (typeof value === "number") return value;
  for (const [name, bound] of Object.entries(env)) if (bound === value) return { ref: name };
  if (value instanceof View) return { object: "memoryview" };
  if (value instanceof Uint8Array) return { bytes: hex(value) };
  throw new Unsupported(`cannot encode ${typeof value}`);
}

function lookup(env, name) {
  if (!(name in env)) throw new Unbound(name);
  return env[name];
}

// Whether a JSON value is the object form {"<key>": ...} (arrays are not).
const isForm = (json, key) =>
  json !== null && typeof json === "object" && !Array.isArray(json) && Object.hasOwn(json, key);

function decode(json, env) {
  if (isForm(json, "ref")) return lookup(env, json.ref);
  if (isForm(json, "bytes")) return unhex(json.bytes);
  if (Number.isSafeInteger(json)) return json;
  throw new Unsupported(`value ${JSON.stringify(json)}`);
}

function index(view, key) {                        // INDEX-*: one dimension, negative from the end
  const i = key < 0 ? key + view.length : key;
  if (i < 0 || i >= view.length) throw new PyError("IndexError", "index out of bounds on dimension 1");
  return view.bytes[view.start + i];
}

function slice(view, [start, stop, step]) {        // SLICE-*: step 1 only
  if (step !== null && step !== 1) throw new Unsupported("slice step other than 1");
  for (const bound of [start, stop]) {
    if (bound !== null && !Number.isSafeInteger(bound)) throw new Unsupported("slice bound");
  }
  const clamp = (b, dflt) => {
    if (b === null) return dflt;
    const at = b < 0 ? b + view.length : b;
    return Math.min(Math.max(at, 0), view.length);
  };
  const from = clamp(start, 0), to = clamp(stop, view.length);
  return new View(view.bytes, view.start + from, Math.max(to - from, 0));
}

const OPS = {
  memoryview(step, env) {
    const args = (step.args || []).map((a) => decode(a, env));
    if (args.length !== 1 || !(args[0] instanceof Uint8Array) || step.kwargs) {
      throw new Unsupported("memoryview of anything but one bytes object");
    }
    return new View(args[0], 0, args[0].length);
  },
  getitem(step, env) {
    const view = lookup(env, step.obj);
    if (!(view instanceof View)) throw new Unsupported("getitem on a non-view");
    const key = step.key;
    if (isForm(key, "slice")) return slice(view, key.slice);
    if (!Number.isSafeInteger(key)) throw new Unsupported(`key ${JSON.stringify(key)}`);
    return index(view, key);
  },
  len(step, env) {
    return lookup(env, step.obj).length;         // a View's, or a Uint8Array's
  },
  bytes(step, env) {
    const view = lookup(env, step.obj);
    if (!(view instanceof View)) throw new Unsupported("bytes of a non-view");
    return view.bytes.slice(view.start, view.start + view.length);
  },
};

function runCase(kase) {
  const env = {};
  for (const spec of kase.setup || []) {
    if (spec.kind !== "bytes") throw new Unsupported(`exporter ${spec.kind}`);
    env[spec.name] = unhex(spec.data.bytes);
  }
  // Check the whole vocabulary first: an unsupported case runs nothing.
  for (const step of kase.steps) {
    if (!(step.op in OPS)) throw new Unsupported(`op ${step.op}`);
  }
  return kase.steps.map((step) => {
    try {
      const value = OPS[step.op](step, env);
      const outcome = { value: encode(value, env) };
      if (step.as) env[step.as] = value;
      return outcome;
    } catch (error) {
      if (error instanceof PyError) return { raises: { type: error.type, message: error.message } };
      if (error instanceof Unbound) return { unbound: error.message };
      throw error;
    }
  });
}

function answer(line) {
  const kase = JSON.parse(line);
  try {
    return { id: kase.id, outcomes: runCase(kase) };
  } catch (error) {
    if (error instanceof Unsupported) return { id: kase.id, unsupported: error.message };
    throw error;
  }
}

const hello = {
  mvspec: 1, implementation: "tiny-js", version: "0.1", language: "3.14",
  platform: { word_size: 64, byteorder: "little" }, exporters: ["bytes"],
};
process.stdout.write(JSON.stringify(hello) + "\n");
for await (const line of readline.createInterface({ input: process.stdin })) {
  if (line.trim()) process.stdout.write(JSON.stringify(answer(line)) + "\n");
}
