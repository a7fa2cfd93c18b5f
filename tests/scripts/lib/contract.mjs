// Extraction of the HTTP calls the scripts make and the response fields they read,
// from the syntax tree, and their check against scripts/contract.json and the
// server's route table (`provisiond routes`).
//
// Calls:
//  - `Invoke-ProvisiondRequest -Method M -Path '<path>'` (the module's one API function);
//    -Method missing takes the default of the function's $Method parameter when the module
//    gives one. `?query` in a path is dropped; variables in a double-quoted path become {name}.
//  - any other string literal holding '/file/...' or '/api/...' (at its start, or after
//    leading variables only, as "$WsBase/file/Provision/$Hook"): a GET (or the -Method of
//    the command it is an argument of), with variables as {name} (/file/Provision/{hook}).
// Response fields, read from a call's result:
//  - a variable assigned the call ($plan = Invoke-ProvisiondRequest ...; also through
//    (...), @(...), casts, `| Where-Object`/`Sort-Object`/`Select-Object` and
//    `| Select-Object -ExpandProperty f`), or assigned a field of one ($t = $plan.choices);
//  - member access on it: $plan.computer_name -> computer_name, $plan.choices.types -> choices.types;
//  - indexing: $plan.apps[0].name -> apps[].name; $plan['x'] -> x;
//  - iteration: foreach ($app in $plan.apps) { $app.name } -> apps[].name, and
//    $plan.apps | ForEach-Object { $_.name } (also Where-Object, %, ?) -> apps[].name;
//  - a function defined in the scripts that returns the call (return X, or X as a statement
//    of its body) stands for the call; a result passed as -Param to such a function binds $Param in it.
//  Method calls ($x.Trim()) end a field path; members of PowerShell/.NET objects (Count,
//  Length, PSObject, ...) end it too unless the contract lists that name as a field there.
//  Variables are resolved by the latest assignment before the use in the same function,
//  else the function's bound parameters, else the script-level assignment (no flow analysis).
import { findAll, pos, sourceLine, functionName, commandName, commandArgs, unwrap, stringValue, variableName, enclosingFunction, nextAfterWrappers } from './ps.mjs';

export const API_FUNCTION = 'invoke-provisiondrequest';

// Members of PowerShell and .NET objects that are not fields of a response.
export const NON_FIELD_MEMBERS = new Set(['count', 'length', 'psobject', 'pstypenames', 'psbase', 'psextended',
  'psadapted', 'gettype', 'getenumerator', 'tostring', 'equals', 'gethashcode', 'keys', 'values', 'containskey',
  'contains', 'where', 'foreach', 'rank', 'syncroot', 'issynchronized', 'isreadonly', 'isfixedsize']);

const ITERATE_CMDS = new Set(['foreach-object', 'where-object', '%', '?', 'foreach', 'where']);
const PASS_CMDS = new Set(['where-object', '?', 'where', 'sort-object', 'sort', 'select-object', 'select']);

/** '/a/{id}/b' -> ['a', '{id}', 'b'] */
const segs = (p) => p.replace(/^\/+/, '').split('/');

/**
 * Whether the route/contract pattern matches the path: {x} matches one segment, {*x} the
 * rest (one or more); a {x} in the path matches only a placeholder in the pattern. With
 * lastIsRest (contract paths: "{name} for a segment or a rest of the path"), a {x} as the
 * pattern's last segment matches the rest too.
 */
export function pathMatches(pattern, path, { lastIsRest = false } = {}) {
  const a = segs(pattern), b = segs(path);
  for (let i = 0; i < a.length; i++) {
    if (/^\{\*.*\}$/.test(a[i]) || (lastIsRest && i === a.length - 1 && /^\{.*\}$/.test(a[i]))) return b.length > i;
    if (i >= b.length) return false;
    if (/^\{.*\}$/.test(a[i])) continue;
    if (a[i] !== b[i]) return false;
  }
  return a.length === b.length;
}
const literalSegs = (p) => segs(p).filter((s) => !/^\{.*\}$/.test(s)).length;
const normPath = (p) => p.replace(/\{\*[^}]*\}/g, '{*}').replace(/\{[^*}][^}]*\}/g, '{}');

/** The pattern of a string value: variables and sub-expressions as {name}; query dropped. */
function patternOf(sv, from = 0) {
  let out = '';
  let at = from;
  for (const part of sv.parts.filter((p) => p.start >= from)) {
    out += sv.text.slice(at, part.start) + `{${part.name || 'expr'}}`;
    at = part.end;
  }
  out += sv.text.slice(at);
  return out.replace(/[?#].*$/s, '');
}

function fnIndex(records) {
  const map = new Map();
  for (const rec of records) for (const fn of findAll(rec.tree.rootNode, 'function_statement')) {
    const name = functionName(fn).toLowerCase();
    if (!map.has(name)) map.set(name, { rec, fn });
  }
  return map;
}

/** Default of the $Method parameter of Invoke-ProvisiondRequest, if the module gives one. */
function methodDefault(fns) {
  const def = fns.get(API_FUNCTION);
  if (!def) return null;
  for (const p of findAll(def.fn, 'script_parameter')) {
    const v = p.namedChildren.find((c) => c.type === 'variable');
    const d = p.namedChildren.find((c) => c.type === 'script_parameter_default');
    if (v && variableName(v) === 'method' && d) {
      const sv = stringValue(d.namedChildren[0]);
      if (sv && !sv.parts.length) return sv.text.toUpperCase();
    }
  }
  return null;
}

function hashKeys(node) {
  const h = unwrap(node);
  if (!h || h.type !== 'hash_literal_expression') return null;
  const body = h.namedChildren.find((c) => c.type === 'hash_literal_body');
  if (!body) return [];
  return body.namedChildren.filter((c) => c.type === 'hash_entry').map((e) => {
    const k = e.namedChildren.find((c) => c.type === 'key_expression');
    const sv = k && stringValue(k.namedChildren[0]);
    return { key: sv ? sv.text : k ? k.text : '', node: e };
  });
}

/**
 * Every HTTP call in the records: {calls: [{file, line, col, method, path, via, node, pathValues, body, query}],
 * problems: [{file, line, col, rule, text, fix}]}.
 */
export function extractCalls(records) {
  const fns = fnIndex(records);
  const defMethod = methodDefault(fns);
  const calls = [];
  const problems = [];
  for (const rec of records) {
    const claimed = new Set();
    for (const cmd of findAll(rec.tree.rootNode, 'command')) {
      if (commandName(cmd).toLowerCase() !== API_FUNCTION) continue;
      const { params } = commandArgs(cmd);
      const p = pos(cmd);
      const line = sourceLine(rec.src, p.line).trim();
      const problem = (text, fix) => problems.push({ file: rec.file, ...p, rule: 'call-unresolved', text: `${text}: ${line}`, fix });
      const { positional } = commandArgs(cmd);
      if (positional.some((a) => unwrap(a).type === 'variable' && unwrap(a).text.startsWith('@'))) {
        problem('splatted arguments', 'write -Method and -Path as literal parameters (the check reads them from the call)');
        continue;
      }
      const mNode = params.get('method');
      let method = null;
      if (mNode) {
        const sv = stringValue(mNode);
        if (sv && !sv.parts.length) method = sv.text.toUpperCase();
        else { problem('-Method is not a literal', 'write the method as a literal: -Method POST'); continue; }
      } else if (defMethod) method = defMethod;
      else { problem('no -Method', 'give -Method explicitly'); continue; }
      const pNode = params.get('path');
      const sv = pNode && stringValue(pNode);
      if (!sv) { problem(pNode ? '-Path is not a string literal' : 'no -Path', "give -Path a literal contract path: -Path '/api/v1/endpoint/deployments/{id}/events' -PathValues @{ id = $id }"); continue; }
      claimed.add(unwrap(pNode).id);
      const path = patternOf(sv);
      calls.push({
        file: rec.file, ...p, method, path, via: 'Invoke-ProvisiondRequest', node: cmd, rec, pathHasVars: sv.parts.length > 0, raw: params.has('raw'),
        pathValues: params.has('pathvalues') ? hashKeys(params.get('pathvalues')) : undefined,
        body: params.has('body') ? params.get('body') : undefined,
        query: params.has('query') ? params.get('query') : undefined,
      });
    }
    // Other literal paths (the launcher's downloads).
    for (const s of findAll(rec.tree.rootNode, 'string_literal')) {
      if (claimed.has(s.id) || claimed.has(unwrap(s).id)) continue;
      const sv = stringValue(s);
      if (!sv) continue;
      const m = /\/(file|api)\//.exec(sv.text);
      if (!m) continue;
      // Only at the start, or after variables (a base URL), never after other text.
      let lead = sv.text.slice(0, m.index);
      for (const part of sv.parts.filter((q) => q.end <= m.index).reverse()) lead = lead.slice(0, part.start) + lead.slice(part.end);
      if (lead !== '') continue;
      // A path, not a regex or a sentence: path characters, then an optional ?name=value query.
      const after = sv.text.slice(m.index).replace(/\$\{[^}]*\}|\$\([^)]*\)|\$[\w:]+/g, 'x');
      if (!/^\/[\w.~%{}\/-]*(\?\w+=.*)?$/s.test(after)) continue;
      const path = patternOf(sv, 0).slice(patternOf({ ...sv, text: sv.text.slice(0, m.index), parts: sv.parts.filter((q) => q.end <= m.index) }).length);
      const cmd = enclosingCommand(s);
      let method = 'GET';
      if (cmd) { const mv = stringValue(commandArgs(cmd).params.get('method')); if (mv && !mv.parts.length) method = mv.text.toUpperCase(); }
      calls.push({ file: rec.file, ...pos(s), method, path, via: 'literal', node: s, rec });
    }
  }
  calls.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
  return { calls, problems };
}

/** The command a string is an argument of (not through a block, hash or parentheses), or null. */
function enclosingCommand(node) {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'command') return p;
    if (['statement_block', 'script_block', 'hash_literal_expression', 'parenthesized_expression', 'sub_expression', 'argument_list'].includes(p.type)) return null;
  }
  return null;
}

/** Elements of a pipeline node: [expr|command, ...] */
function pipelineElements(pl) {
  const n = unwrap(pl);
  if (!n) return [];
  if (n.type === 'pipeline' || n.type === 'pipeline_chain') {
    const chain = n.type === 'pipeline' ? n.namedChildren.find((c) => c.type === 'pipeline_chain') ?? n : n;
    const els = chain.namedChildren.filter((c) => c.type !== 'comment');
    return els.length ? els : [n];
  }
  return [n];
}

/** Builds the resolver of expressions to call results for a set of records and their calls. */
export function makeResolver(records, calls) {
  const fns = fnIndex(records);
  const callByNode = new Map(calls.filter((c) => c.via === 'Invoke-ProvisiondRequest').map((c) => [c.node.id, c]));
  // Assignments by variable name: [{fn (id or null), index, rec, expr, iterate}]
  const assigns = new Map();
  const paramBinds = new Map(); // `${fnNodeId}:${param}` -> [expr nodes]
  const add = (name, e) => { if (!assigns.has(name)) assigns.set(name, []); assigns.get(name).push(e); };
  for (const rec of records) {
    findAll(rec.tree.rootNode, ['assignment_expression', 'foreach_statement', 'command']).forEach((n) => {
      if (n.type === 'assignment_expression') {
        const op = n.namedChildren.find((c) => c.type === 'assignement_operator');
        const left = unwrap(n.namedChildren[0]);
        const right = n.childForFieldName('value') ?? n.namedChildren[n.namedChildren.length - 1];
        if (op && op.text === '=' && left && left.type === 'variable') {
          add(variableName(left), { fn: enclosingFunction(n)?.id ?? null, index: n.startIndex, rec, expr: right });
        }
      } else if (n.type === 'foreach_statement') {
        const v = n.namedChildren.find((c) => c.type === 'variable');
        const iter = n.namedChildren.find((c) => c.type === 'pipeline');
        if (v && iter) add(variableName(v), { fn: enclosingFunction(n)?.id ?? null, index: n.startIndex, rec, expr: iter, iterate: true });
      } else if (n.type === 'command') {
        const def = fns.get(commandName(n).toLowerCase());
        if (def && commandName(n).toLowerCase() !== API_FUNCTION) {
          for (const [name, val] of commandArgs(n).params) if (val) {
            const k = `${def.fn.id}:${name}`;
            if (!paramBinds.has(k)) paramBinds.set(k, []);
            paramBinds.get(k).push(val);
          }
        }
      }
    });
  }
  for (const list of assigns.values()) list.sort((a, b) => a.index - b.index);

  const busy = new Set();
  const guard = (key, f) => { if (busy.has(key)) return []; busy.add(key); try { return f(); } finally { busy.delete(key); } };

  /** Sources of a variable use: [{call, path: [seg]}]. */
  function resolveVar(v) {
    const name = variableName(v);
    if (name === '_' || name === 'psitem') return resolveDollarUnder(v);
    const fn = enclosingFunction(v);
    const list = assigns.get(name) ?? [];
    const inFn = list.filter((a) => a.fn === (fn?.id ?? null) && a.index < v.startIndex && a.expr.startIndex <= v.startIndex && !(v.startIndex >= a.expr.startIndex && v.startIndex < a.expr.endIndex));
    const pick = inFn[inFn.length - 1];
    if (pick) return fromAssign(pick);
    if (fn) {
      const binds = paramBinds.get(`${fn.id}:${name}`);
      if (binds) return binds.flatMap((b) => resolve(b));
      const top = list.filter((a) => a.fn === null);
      if (top.length) return fromAssign(top[top.length - 1]);
    }
    return [];
  }
  function fromAssign(a) {
    return guard(`a${a.expr.id}`, () => {
      const srcs = resolve(a.expr);
      return a.iterate ? srcs.map(elementOf) : srcs;
    });
  }
  const elementOf = (s) => ({ ...s, path: s.path.length ? [...s.path.slice(0, -1), s.path[s.path.length - 1] + '[]'] : ['[]'] });

  function resolveDollarUnder(v) {
    for (let p = v.parent; p; p = p.parent) {
      if (p.type === 'script_block_expression') {
        const cmd = p.parent?.type === 'command_elements' ? p.parent.parent : unwrapParentCommand(p);
        if (cmd && ITERATE_CMDS.has(commandName(cmd).toLowerCase())) {
          const input = pipelineInput(cmd);
          return input.map(elementOf);
        }
        return [];
      }
      if (p.type === 'function_statement') return [];
    }
    return [];
  }
  function unwrapParentCommand(n) {
    for (let p = n.parent; p; p = p.parent) { if (p.type === 'command') return p; if (p.type === 'script_block' || p.type === 'statement_block') return null; }
    return null;
  }
  /** What flows into a command in a pipeline. */
  function pipelineInput(cmd) {
    const chain = cmd.parent;
    if (!chain || chain.type !== 'pipeline_chain') return [];
    const els = chain.namedChildren.filter((c) => c.type !== 'comment');
    const i = els.findIndex((e) => e.id === cmd.id);
    return i > 0 ? resolveElements(els.slice(0, i)) : [];
  }
  function resolveElements(els) {
    let srcs = resolve(els[0]);
    for (const el of els.slice(1)) {
      if (!srcs.length) return [];
      if (el.type !== 'command') return [];
      const name = commandName(el).toLowerCase();
      if (!PASS_CMDS.has(name)) return [];
      const { params } = commandArgs(el);
      const exp = params.get('expandproperty');
      if (exp) {
        const sv = stringValue(exp);
        if (!sv || sv.parts.length) return [];
        srcs = srcs.map((s) => ({ ...s, path: [...s.path, sv.text] }));
      } else if (params.has('property')) return [];
    }
    return srcs;
  }
  // What a function outputs: its `return X` (not those of nested functions or script blocks)
  // and the bare (non-assignment) statements of its body. Structure cached per function.
  const outputsCache = new Map();
  function outputExprs(fn) {
    if (outputsCache.has(fn.id)) return outputsCache.get(fn.id);
    const inner = findAll(fn, ['function_statement', 'script_block_expression']).filter((x) => x.id !== fn.id);
    const inside = (n) => inner.some((x) => x.startIndex <= n.startIndex && n.endIndex <= x.endIndex);
    const exprs = [];
    for (const r of findAll(fn, 'flow_control_statement')) {
      if (r.child(0)?.type !== 'return' || inside(r)) continue;
      const pl = r.namedChildren.find((c) => c.type === 'pipeline');
      if (pl) exprs.push(pl);
    }
    const body = fn.namedChildren.find((c) => c.type === 'script_block');
    const sbb = body?.namedChildren.find((c) => c.type === 'script_block_body');
    const list = sbb?.namedChildren.find((c) => c.type === 'statement_list');
    for (const st of list?.namedChildren ?? []) {
      if (st.type === 'pipeline' && unwrap(st).type !== 'assignment_expression') exprs.push(st);
    }
    outputsCache.set(fn.id, exprs);
    return exprs;
  }
  const fnMemo = new Map();
  function functionOutputs(def) {
    if (fnMemo.has(def.fn.id)) return fnMemo.get(def.fn.id);
    const out = guard(`f${def.fn.id}`, () => outputExprs(def.fn).flatMap((e) => resolve(e)));
    if (busy.size === 0) fnMemo.set(def.fn.id, out);
    return out;
  }

  /** Sources of an expression node: [{call, path: [seg]}] (path segments may end with []). Memoised. */
  const memo = new Map();
  function resolve(node) {
    const n = unwrap(node);
    if (!n) return [];
    if (memo.has(n.id)) return memo.get(n.id);
    const r = resolveUncached(n);
    if (busy.size === 0) memo.set(n.id, r); // not while a guard is up: a cycle's partial answer
    return r;
  }
  function resolveUncached(n) {
    switch (n.type) {
      case 'command': {
        const c = callByNode.get(n.id);
        if (c) return c.raw ? [] : [{ call: c, path: [] }]; // -Raw answers StatusCode/Content/Headers, not the JSON
        const def = fns.get(commandName(n).toLowerCase());
        return def ? functionOutputs(def) : [];
      }
      case 'pipeline': case 'pipeline_chain': {
        const els = pipelineElements(n);
        return els.length === 1 && els[0].id === n.id ? [] : resolveElements(els);
      }
      case 'parenthesized_expression': case 'sub_expression': case 'array_expression': {
        const inner = n.namedChildren.find((c) => c.type === 'pipeline' || c.type === 'statement_list');
        if (!inner) return [];
        if (inner.type === 'pipeline') return resolve(inner);
        const sts = inner.namedChildren.filter((c) => c.type !== 'comment');
        return sts.length === 1 ? resolve(sts[0]) : [];
      }
      case 'expression_with_unary_operator': case 'cast_expression': {
        const last = n.namedChildren[n.namedChildren.length - 1];
        return last && last.type !== 'type_literal' ? resolve(last) : [];
      }
      case 'variable': return resolveVar(n);
      case 'member_access': {
        // In argument mode `$x.Trim()` is a member_access and an argument_list beside it: a method call.
        if (nextAfterWrappers(n)?.type === 'argument_list') return [];
        const obj = n.namedChildren[0];
        const m = n.namedChildren.find((c) => c.type === 'member_name');
        const name = m && m.namedChildren[0]?.type === 'simple_name' ? m.text : m && stringValue(m.namedChildren[0])?.parts.length === 0 ? stringValue(m.namedChildren[0]).text : null;
        if (!name) return [];
        return resolve(obj).map((s) => ({ ...s, path: [...s.path, name] }));
      }
      case 'element_access': {
        const obj = n.namedChildren[0];
        const idx = n.namedChildren[1];
        const sv = idx && stringValue(idx);
        return resolve(obj).map((s) => {
          if (!sv || sv.parts.length || sv.kind === 'bare') return elementOf(s);
          // $x.PSObject.Properties['name'] asks whether the field is there: the field is read.
          const k = s.path.length;
          if (k >= 2 && /^psobject$/i.test(s.path[k - 2]) && /^properties$/i.test(s.path[k - 1])) return { ...s, path: [...s.path.slice(0, -2), sv.text] };
          return { ...s, path: [...s.path, sv.text] };
        });
      }
      default: return [];
    }
  }
  /**
   * Keys of a request body/query: a hash literal ([ordered] too), or a variable assigned one
   * (also through a function of the scripts that returns it), plus `$v.key = ...` and
   * `$v['key'] = ...` on that variable in the same function. [{key, node}] (may be empty).
   */
  function bodyKeys(node, depth = 0) {
    const n = unwrap(node);
    if (!n || depth > 4) return [];
    if (n.type === 'hash_literal_expression') return hashKeys(n) ?? [];
    if (n.type === 'cast_expression' || n.type === 'expression_with_unary_operator' || n.type === 'parenthesized_expression') {
      const last = n.namedChildren[n.namedChildren.length - 1];
      return last && last.type !== 'type_literal' ? bodyKeys(last, depth + 1) : [];
    }
    if (n.type === 'command') {
      const def = fns.get(commandName(n).toLowerCase());
      if (!def || commandName(n).toLowerCase() === API_FUNCTION) return [];
      const out = [];
      for (const r of findAll(def.fn, 'flow_control_statement')) {
        if (r.child(0)?.type !== 'return' || enclosingFunction(r)?.id !== def.fn.id) continue;
        const pl = r.namedChildren.find((c) => c.type === 'pipeline');
        if (pl) out.push(...bodyKeys(pl, depth + 1));
      }
      return out;
    }
    if (n.type !== 'variable') return [];
    const name = variableName(n);
    const fn = enclosingFunction(n);
    const same = (assigns.get(name) ?? []).filter((a) => a.fn === (fn?.id ?? null) && !a.iterate);
    const before = same.filter((a) => a.index < n.startIndex);
    const pick = before[before.length - 1];
    if (!pick) {
      const binds = fn && paramBinds.get(`${fn.id}:${name}`);
      return binds ? binds.flatMap((b) => bodyKeys(b, depth + 1)) : [];
    }
    const out = bodyKeys(pick.expr, depth + 1);
    // $v.key = ... / $v['key'] = ... in the same function.
    for (const a of findAll(fn ?? pick.rec.tree.rootNode, 'assignment_expression')) {
      if ((enclosingFunction(a)?.id ?? null) !== (fn?.id ?? null)) continue;
      const left = unwrap(a.namedChildren[0]);
      if (!left || (left.type !== 'member_access' && left.type !== 'element_access')) continue;
      const obj = unwrap(left.namedChildren[0]);
      if (!obj || obj.type !== 'variable' || variableName(obj) !== name) continue;
      if (left.type === 'member_access') {
        const m = left.namedChildren.find((c) => c.type === 'member_name');
        if (m && m.namedChildren[0]?.type === 'simple_name') out.push({ key: m.text, node: m });
      } else {
        const sv = stringValue(left.namedChildren[1]);
        if (sv && !sv.parts.length && sv.kind !== 'bare') out.push({ key: sv.text, node: left });
      }
    }
    return out;
  }
  return { resolve, bodyKeys };
}

/** Every response field read: [{file, line, col, call, field, segs, text}]. */
export function extractFields(records, calls, resolver = makeResolver(records, calls)) {
  const { resolve } = resolver;
  const out = [];
  const seen = new Set();
  for (const rec of records) {
    for (const n of findAll(rec.tree.rootNode, ['member_access', 'element_access'])) {
      const p = n.parent;
      // Only the longest field path of a chain: the parent extends it when it resolves too.
      if (p && (p.type === 'member_access' || p.type === 'element_access') && p.namedChildren[0]?.id === n.id && resolve(p).length) continue;
      for (const s of resolve(n)) {
        if (!s.path.length) continue;
        const field = s.path.join('.').replace(/\.\[\]/g, '[]');
        const key = `${rec.file}:${n.startIndex}:${s.call.method} ${s.call.path}:${field}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ file: rec.file, ...pos(n), call: s.call, field, segs: s.path, text: sourceLine(rec.src, pos(n).line).trim() });
      }
    }
  }
  return out;
}

/** 'choices.types[].name' -> [{name:'choices', arr:false}, {name:'types', arr:true}, {name:'name', arr:false}] */
export function fieldSegs(f) {
  if (Array.isArray(f)) f = f.join('.');
  return f.replace(/\[\]/g, '.[]').split('.').filter((s) => s !== '').reduce((acc, s) => {
    if (s === '[]') { if (acc.length && !acc[acc.length - 1].arr) acc[acc.length - 1].arr = true; else acc.push({ name: '', arr: true }); } else acc.push({ name: s.toLowerCase(), arr: false });
    return acc;
  }, []);
}

/** Whether read segments r are a prefix of (or equal to) entry c: names equal (case-insensitive); r[] needs c[]. */
function prefixOf(r, c) {
  if (c.length && c[0].name === '' && !(r.length && r[0].name === '')) c = c.slice(1); // root array, read by member enumeration
  if (r.length > c.length) return false;
  return r.every((s, i) => s.name === c[i].name && (!s.arr || c[i].arr));
}

/**
 * Whether the contract's response list covers a read field. A read is covered when it is
 * an entry or a prefix of one (reading `choices` is fine when `choices.types[].name` is
 * listed); an entry ending in `.*` (or `[].*`) covers everything below it. `x` matches `x[]`
 * (member enumeration); `x[]` (indexing/iterating) needs the entry to say `x[]`.
 * Names compare without case, as PowerShell reads properties.
 */
export function fieldCovered(response, field) {
  const r = fieldSegs(field);
  return response.some((entry) => {
    const wild = /\.\*$|\[\]\.\*$/.test(entry) || entry === '*';
    const c = fieldSegs(entry.replace(/\.?\*$/, ''));
    if (wild) {
      // c (the listed part) must be a prefix of r, with r's names; c[] requires r to iterate or enumerate.
      if (r.length < c.length) return prefixOf(r, c);
      return c.every((s, i) => s.name === r[i].name);
    }
    return prefixOf(r, c);
  });
}

/** Truncates a read at its first non-field member, unless the contract lists it (e.g. a field named count). */
export function effectiveField(response, segs) {
  const full = segs.join('.').replace(/\.\[\]/g, '[]');
  if (fieldCovered(response, full)) return full;
  const i = segs.findIndex((s) => NON_FIELD_MEMBERS.has(s.replace(/\[\]$/, '').toLowerCase()));
  if (i < 0) return full;
  return i === 0 ? null : segs.slice(0, i).join('.').replace(/\.\[\]/g, '[]');
}

/** The contract call a script call is: same path first, else the most specific pattern (most literal segments). */
export function matchCall(contract, method, path) {
  const cands = contract.calls.filter((c) => c.method.toUpperCase() === method && (normPath(c.path) === normPath(path) || pathMatches(c.path, path, { lastIsRest: true })));
  cands.sort((a, b) => (normPath(b.path) === normPath(path)) - (normPath(a.path) === normPath(path)) || literalSegs(b.path) - literalSegs(a.path));
  return cands[0] ?? null;
}

/** Route table lines of `provisiond routes`: 'METHOD  /pattern   group  permission summary'. */
export function parseRoutes(text) {
  return text.split('\n').map((l) => l.trim().split(/\s+/)).filter((t) => /^[A-Z]+$/.test(t[0] ?? '') && (t[1] ?? '').startsWith('/'))
    .map((t) => ({ method: t[0], path: t[1] }));
}

/**
 * All contract findings for the records and the contract:
 * [{file, line, col, rule, text, fix}] with rules unknown-call, unknown-field, dead-contract-entry,
 * call-unresolved, path-values, request-field, contract-shape.
 */
export function checkContract(records, contract, { contractFile = 'scripts/contract.json', contractText = null } = {}) {
  const lineOfCall = (_, k) => lineOf(contractText, k);
  const out = [];
  const shape = contractShape(contract, contractFile);
  if (shape.length) return shape;
  const { calls, problems } = extractCalls(records);
  const resolver = makeResolver(records, calls);
  const fileOf = new Map(records.map((r) => [r.tree, r.file]));
  out.push(...problems);
  const used = new Set();
  const matched = new Map();
  for (const c of calls) {
    const k = matchCall(contract, c.method, c.path);
    if (!k) {
      out.push({ file: c.file, line: c.line, col: c.col, rule: 'unknown-call', text: `${c.method} ${c.path} is no call of the contract: ${sourceLine(c.rec.src, c.line).trim()}`, fix: `add it to ${contractFile} (if the server has the route) or call a listed path` });
      continue;
    }
    used.add(k);
    matched.set(c, k);
    // {placeholders} and -PathValues keys agree.
    if (c.pathValues !== undefined) {
      const want = [...c.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1].toLowerCase());
      const have = (c.pathValues ?? []).map((e) => e.key.toLowerCase());
      if (c.pathValues !== null && (want.some((w) => !have.includes(w)) || have.some((h) => !want.includes(h)))) {
        out.push({ file: c.file, line: c.line, col: c.col, rule: 'path-values', text: `-PathValues keys [${have}] do not match the placeholders of ${c.path} [${want}]`, fix: 'give one -PathValues entry per {placeholder}' });
      }
    } else if (c.via === 'Invoke-ProvisiondRequest' && /\{[^}]+\}/.test(c.path) && !c.pathHasVars) {
      out.push({ file: c.file, line: c.line, col: c.col, rule: 'path-values', text: `${c.path} has placeholders but no -PathValues`, fix: 'add -PathValues @{ name = $value } for each {placeholder}' });
    }
    if (c.pathHasVars) {
      out.push({ file: c.file, line: c.line, col: c.col, rule: 'path-literal', text: `variables in -Path (${c.path}): ${sourceLine(c.rec.src, c.line).trim()}`, fix: "write the contract path in single quotes with {name} placeholders and give the values with -PathValues @{ name = $value }" });
    }
    // Body / query keys (when written as a hash literal) are request fields of the contract.
    for (const [which, list, opt] of [['body', k.request, 'Body'], ['query', k.query ?? k.request, 'Query']]) {
      const keys = c[which] ? resolver.bodyKeys(c[which]) : null;
      if (!keys || !keys.length) continue;
      const listName = which === 'query' && k.query ? 'query' : 'request';
      const seenKeys = new Set();
      for (const e of keys) {
        if (seenKeys.has(`${e.node.id}`)) continue;
        seenKeys.add(`${e.node.id}`);
        if (!Array.isArray(list) || !list.some((r) => r.toLowerCase() === e.key.toLowerCase() || fieldCovered([r], e.key))) {
          out.push({ file: fileOf.get(e.node.tree) ?? c.file, ...pos(e.node), rule: 'request-field', text: `-${opt} key '${e.key}' is not in the ${listName} of ${k.id ?? k.path}`, fix: `add '${e.key}' to "${listName}" of '${k.id}' in ${contractFile}, or drop it` });
        }
      }
    }
  }
  for (const f of extractFields(records, calls, resolver)) {
    const k = matched.get(f.call);
    if (!k) continue; // already reported as unknown-call
    const field = effectiveField(k.response ?? [], f.segs);
    if (field === null || fieldCovered(k.response ?? [], field)) continue;
    out.push({ file: f.file, line: f.line, col: f.col, rule: 'unknown-field', text: `'${field}' is not in the response of ${k.id ?? ''} (${k.method} ${k.path}): ${f.text}`, fix: `add '${field}' to the response of '${k.id}' in ${contractFile} if the server sends it, else fix the name` });
  }
  // sequences: {"<file>" or "<file> (<scenario>)" or "launcher": [call ids]}: the file exists,
  // and every call it makes itself is in one of its sequences. (Not the other way round:
  // downloads by URLs the server gives, as drivers[].url, are calls no syntax tree shows.)
  const seqLine = (name) => { const i = contractText ? contractText.indexOf(JSON.stringify(name), contractText.indexOf('"sequences"')) : -1; return i < 0 ? 1 : contractText.slice(0, i).split('\n').length; };
  const byFile = new Map();
  for (const [name, seq] of Object.entries(contract.sequences ?? {})) {
    const base = name.replace(/\s*\(.*\)$/, '');
    const rec = records.find((r) => r.file.split('/').pop() === base || (base === 'launcher' && r.kind === 'launcher'));
    if (!rec) { out.push({ file: contractFile, line: seqLine(name), col: 1, rule: 'sequence', text: `sequences["${name}"]: no script ${base}`, fix: 'name a file of scripts/ ("<file>" or "<file> (<scenario>)"), or "launcher"' }); continue; }
    if (!byFile.has(rec)) byFile.set(rec, { names: [], ids: new Set() });
    byFile.get(rec).names.push(name);
    for (const id of Array.isArray(seq) ? seq : []) byFile.get(rec).ids.add(id);
  }
  for (const [rec, { names, ids }] of byFile) {
    const own = [...matched].filter(([c]) => c.rec === rec);
    for (const id of new Set(own.map(([, k]) => k.id))) {
      if (ids.has(id)) continue;
      const [c] = own.find(([, k]) => k.id === id);
      out.push({ file: c.file, line: c.line, col: c.col, rule: 'sequence', text: `'${id}' is in none of the sequences of ${rec.file.split('/').pop()} (${names.map((n) => JSON.stringify(n)).join(', ')})`, fix: `add '${id}' where the script makes it, in ${contractFile}` });
    }
  }
  for (const k of contract.calls) {
    if (!used.has(k)) out.push({ file: contractFile, line: lineOfCall(contract, k), col: 1, rule: 'dead-contract-entry', text: `${k.id ?? ''} ${k.method} ${k.path} is used by no script`, fix: 'remove the entry, or the scripts should make the call' });
  }
  return out.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}

/** Line of a call's id in the contract's text (1 without the text). */
function lineOf(contractText, k) {
  if (!contractText || k.id === undefined) return 1;
  const i = contractText.indexOf(`"${k.id}"`);
  return i < 0 ? 1 : contractText.slice(0, i).split('\n').length;
}

export function contractShape(contract, file) {
  const bad = (text) => ({ file, line: 1, col: 1, rule: 'contract-shape', text, fix: 'calls: [{id, method, path, request: [..], response: [..]}]' });
  if (!contract || !Array.isArray(contract.calls)) return [bad('no "calls" array')];
  const out = [];
  const ids = new Set();
  contract.calls.forEach((c, i) => {
    if (typeof c.method !== 'string' || typeof c.path !== 'string' || !c.path.startsWith('/')) out.push(bad(`calls[${i}]: needs "method" and a "path" starting with /`));
    if (c.response !== undefined && !Array.isArray(c.response)) out.push(bad(`calls[${i}] (${c.id}): "response" is not an array`));
    if (c.id !== undefined) { if (ids.has(c.id)) out.push(bad(`calls[${i}]: duplicate id ${c.id}`)); ids.add(c.id); }
  });
  // sequences: {name: [call id, ...]} name only calls of the contract.
  for (const [name, seq] of Object.entries(contract.sequences ?? {})) {
    if (!Array.isArray(seq)) { out.push(bad(`sequences.${name} is not an array of call ids`)); continue; }
    for (const id of seq) if (!ids.has(id)) out.push(bad(`sequences.${name} names ${JSON.stringify(id)}, no call's id`));
  }
  return out;
}

/** A contract path ending in {x} (a rest of the path) is served by a route ending in {*x} at the same place. */
function restRoute(route, path) {
  const a = segs(route), b = segs(path);
  return a.length === b.length && /^\{\*.*\}$/.test(a[a.length - 1]) && /^\{.*\}$/.test(b[b.length - 1]) && pathMatches(route, path);
}

/** Contract calls with no route in the route table: [{...finding}]. */
export function checkRoutes(contract, routes, { contractFile = 'scripts/contract.json', contractText = null } = {}) {
  const lineOfCall = (_, k) => lineOf(contractText, k);
  const out = [];
  for (const k of contract.calls) {
    const ok = routes.some((r) => r.method === k.method.toUpperCase() && (normPath(r.path) === normPath(k.path) || pathMatches(r.path, k.path) || restRoute(r.path, k.path)));
    if (!ok) out.push({ file: contractFile, line: lineOfCall(contract, k), col: 1, rule: 'no-route', text: `${k.id ?? ''} ${k.method} ${k.path} is no route of \`provisiond routes\``, fix: 'fix the path, or the server lacks the route' });
  }
  return out;
}
