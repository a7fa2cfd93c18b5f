// Parsing PowerShell with tree-sitter-powershell, and small helpers on its syntax tree.
// The binding is imported by its file: the package's "main" has no extension, which
// makes Node print a deprecation warning on every run when imported by package name.
import Parser from 'tree-sitter';
import PowerShell from 'tree-sitter-powershell/bindings/node/index.js';

const parser = new Parser();
parser.setLanguage(PowerShell);

/** Parses PowerShell source; returns the tree-sitter Tree. */
export function parse(src) {
  // The default buffer is enough for small sources only; give room for any file.
  return parser.parse(src, null, { bufferSize: Math.max(32 * 1024, src.length * 4 + 1024) });
}

/** Depth-first pre-order walk; fn(node) returning false skips the node's children. */
export function walk(node, fn) {
  const c = node.walk();
  let depth = 0;
  for (;;) {
    if (fn(c.currentNode) !== false && c.gotoFirstChild()) { depth++; continue; }
    for (;;) {
      if (depth === 0) return;
      if (c.gotoNextSibling()) break;
      c.gotoParent();
      depth--;
    }
  }
}

/** All nodes of the given type(s) under node (node included), in document order. */
export function findAll(node, types) {
  const want = [].concat(types);
  const out = node.descendantsOfType(want);
  if (want.includes(node.type) && !out.some((n) => n.id === node.id)) out.unshift(node);
  return out.sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex);
}

/** 1-based line and column of a node's start. */
export function pos(node) {
  return { line: node.startPosition.row + 1, col: node.startPosition.column + 1 };
}

/** The source line (1-based) without its end of line. */
export function sourceLine(src, line) {
  return (src.split(/\r?\n/)[line - 1] ?? '');
}

/** ERROR and MISSING nodes: [{line, col, kind, text}] (kind 'ERROR' or 'MISSING <type>'). */
export function parseProblems(tree, src) {
  const out = [];
  walk(tree.rootNode, (n) => {
    if (n.isMissing) {
      out.push({ ...pos(n), kind: `MISSING ${JSON.stringify(n.type)}`, text: sourceLine(src, pos(n).line).trim() });
      return false;
    }
    if (n.type === 'ERROR') {
      out.push({ ...pos(n), kind: 'ERROR', text: sourceLine(src, pos(n).line).trim() });
      return false; // one finding per ERROR subtree
    }
    return n.hasError; // only descend where an error is
  });
  return out;
}

/** The nearest ancestor of one of the types, or null. */
export function ancestor(node, types) {
  const want = new Set([].concat(types));
  for (let p = node.parent; p; p = p.parent) if (want.has(p.type)) return p;
  return null;
}

const functionsCache = new WeakMap();
/** The function_statement a node is in, or null at script level (by position: parent chains are slow). */
export function enclosingFunction(node) {
  const tree = node.tree;
  let list = functionsCache.get(tree);
  if (!list) { list = tree.rootNode.descendantsOfType('function_statement'); functionsCache.set(tree, list); }
  const at = node.startIndex, end = node.endIndex;
  let best = null;
  for (const f of list) {
    if (f.startIndex <= at && end <= f.endIndex && !(f.startIndex === at && f.endIndex === end) && (!best || f.startIndex >= best.startIndex)) best = f;
  }
  return best;
}

/** Name of a function_statement, without a scope prefix (script:, global:, ...). */
export function functionName(fn) {
  const n = fn.namedChildren.find((c) => c.type === 'function_name');
  return n ? n.text.replace(/^(script|global|local|private):/i, '') : '';
}

/** Command name text of a `command` node ('' when the command is invoked by & or . on an expression). */
export function commandName(cmd) {
  const n = cmd.childForFieldName('command_name') ?? cmd.namedChildren.find((c) => c.type === 'command_name');
  return n ? n.text : '';
}

/**
 * The elements of a command as {params: Map(lowercased name without '-' -> value node|null), positional: [node]}.
 * A parameter's value is the next element when it is not itself a parameter (good enough for
 * the parameters read here, which all take a value); `-Name:value` is handled the same way.
 */
export function commandArgs(cmd) {
  const elems = cmd.childForFieldName('command_elements') ?? cmd.namedChildren.find((c) => c.type === 'command_elements');
  const params = new Map();
  const positional = [];
  if (!elems) return { params, positional };
  const items = elems.namedChildren.filter((c) => c.type !== 'command_argument_sep' && c.type !== 'comment');
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    if (it.type === 'command_parameter') {
      const name = it.text.replace(/^-/, '').replace(/:$/, '').toLowerCase();
      const next = items[i + 1];
      if (next && next.type !== 'command_parameter') { params.set(name, next); i++; } else params.set(name, null);
    } else positional.push(it);
  }
  return { params, positional };
}

// The single-child layers the grammar nests around every value.
const WRAPPERS = new Set(['pipeline', 'pipeline_chain', 'logical_expression', 'bitwise_expression', 'comparison_expression',
  'additive_expression', 'multiplicative_expression', 'format_expression', 'range_expression', 'array_literal_expression',
  'unary_expression', 'left_assignment_expression', 'argument_expression', 'logical_argument_expression',
  'bitwise_argument_expression', 'comparison_argument_expression', 'additive_argument_expression',
  'multiplicative_argument_expression', 'format_argument_expression', 'range_argument_expression', 'key_expression']);

/** Strips the single-child expression wrappers the grammar nests around every value. */
export function unwrap(node) {
  let n = node;
  while (n && WRAPPERS.has(n.type) && n.namedChildCount === 1 && n.childCount === 1) n = n.namedChildren[0];
  return n;
}

/** The node after a node and the wrappers around it (argument_list after `$x.Trim` in argument mode). */
export function nextAfterWrappers(node) {
  let m = node;
  while (m.parent && WRAPPERS.has(m.parent.type) && m.parent.namedChildCount === 1 && m.parent.childCount === 1) m = m.parent;
  return m.nextSibling;
}

/**
 * Value of a string-like node: {kind: 'verbatim'|'expandable'|'bare', text, parts}
 * or null when the node is not a plain string or bare word. For expandable strings,
 * parts lists the variables and sub-expressions inside as {start, end, name} offsets in text.
 */
export function stringValue(node) {
  let n = unwrap(node);
  if (!n) return null;
  if (n.type === 'string_literal') n = n.namedChildren[0] ?? n;
  if (n.type === 'verbatim_string_characters') {
    return { kind: 'verbatim', text: n.text.slice(1, -1).replace(/''/g, "'"), parts: [] };
  }
  if (n.type === 'verbatim_here_string_characters') {
    return { kind: 'verbatim', text: n.text.replace(/^@'\r?\n/, '').replace(/\r?\n'@$/, ''), parts: [] };
  }
  if (n.type === 'expandable_string_literal' || n.type === 'expandable_here_string_literal') {
    const here = n.type === 'expandable_here_string_literal';
    const open = here ? n.text.match(/^@"\r?\n/)[0].length : 1;
    const base = n.startIndex + open;
    const parts = n.namedChildren
      .filter((c) => c.type === 'variable' || c.type === 'sub_expression')
      .map((c) => ({ start: c.startIndex - base, end: c.endIndex - base, name: variableName(c) }));
    const text = here ? n.text.slice(open).replace(/\r?\n"@$/, '') : n.text.slice(1, -1);
    return { kind: 'expandable', text, parts };
  }
  if (n.type === 'generic_token') return { kind: 'bare', text: n.text, parts: [] };
  return null;
}

/** Lower-cased name of a variable node without $, braces or scope ($script:x -> x); '' for $(...). */
export function variableName(node) {
  if (node.type !== 'variable') return '';
  let t = node.text;
  t = t.replace(/^\$\{(.*)\}$/s, '$$$1').replace(/^[$@]/, '');
  return t.replace(/^(script|global|local|private|using):/i, '').toLowerCase();
}
