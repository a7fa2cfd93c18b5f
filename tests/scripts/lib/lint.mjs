// Lint rules on the syntax tree of the launchers, the full scripts and the module.
// Each finding: {file, line, col, rule, text, fix}.
import { findAll, pos, sourceLine, functionName, commandName, enclosingFunction, stringValue } from './ps.mjs';

// Get-Verb (Windows PowerShell 5.1 and PowerShell 7).
export const APPROVED_VERBS = new Set(`Add Approve Assert Backup Block Build Checkpoint Clear Close Compare Complete
Compress Confirm Connect Convert ConvertFrom ConvertTo Copy Debug Deny Deploy Disable Disconnect Dismount Edit
Enable Enter Exit Expand Export Find Format Get Grant Group Hide Import Initialize Install Invoke Join Limit Lock
Measure Merge Mount Move New Open Optimize Out Ping Pop Protect Publish Push Read Receive Redo Register Remove
Rename Repair Request Reset Resize Resolve Restart Restore Resume Revoke Save Search Select Send Set Show Skip
Split Start Step Stop Submit Suspend Switch Sync Test Trace Unblock Undo Uninstall Unlock Unprotect Unpublish
Unregister Update Use Wait Watch Write`.split(/\s+/).map((v) => v.toLowerCase()));

// The built-in aliases of Windows PowerShell 5.1 (Get-Alias), with what each stands for,
// plus the few PowerShell 7 adds. `foreach` here is the alias of ForEach-Object in a
// pipeline: the foreach statement is a foreach_statement node, never a command.
export const ALIASES = Object.fromEntries(`%=ForEach-Object ?=Where-Object ac=Add-Content asnp=Add-PSSnapin
cat=Get-Content cd=Set-Location CFS=ConvertFrom-String chdir=Set-Location clc=Clear-Content clear=Clear-Host
clhy=Clear-History cli=Clear-Item clp=Clear-ItemProperty cls=Clear-Host clv=Clear-Variable
cnsn=Connect-PSSession compare=Compare-Object copy=Copy-Item cp=Copy-Item cpi=Copy-Item cpp=Copy-ItemProperty
curl=Invoke-WebRequest cvpa=Convert-Path dbp=Disable-PSBreakpoint del=Remove-Item diff=Compare-Object
dir=Get-ChildItem dnsn=Disconnect-PSSession ebp=Enable-PSBreakpoint echo=Write-Output epal=Export-Alias
epcsv=Export-Csv epsn=Export-PSSession erase=Remove-Item etsn=Enter-PSSession exsn=Exit-PSSession
fc=Format-Custom fhx=Format-Hex fl=Format-List foreach=ForEach-Object ft=Format-Table fw=Format-Wide
gal=Get-Alias gbp=Get-PSBreakpoint gc=Get-Content gcb=Get-Clipboard gci=Get-ChildItem gcm=Get-Command
gcs=Get-PSCallStack gdr=Get-PSDrive ghy=Get-History gi=Get-Item gin=Get-ComputerInfo gjb=Get-Job
gl=Get-Location gm=Get-Member gmo=Get-Module gp=Get-ItemProperty gps=Get-Process gpv=Get-ItemPropertyValue
group=Group-Object gsn=Get-PSSession gsnp=Get-PSSnapin gsv=Get-Service gtz=Get-TimeZone gu=Get-Unique
gv=Get-Variable gwmi=Get-WmiObject h=Get-History history=Get-History icm=Invoke-Command
iex=Invoke-Expression ihy=Invoke-History ii=Invoke-Item ipal=Import-Alias ipcsv=Import-Csv
ipmo=Import-Module ipsn=Import-PSSession irm=Invoke-RestMethod ise=powershell_ise.exe
iwmi=Invoke-WmiMethod iwr=Invoke-WebRequest kill=Stop-Process lp=Out-Printer ls=Get-ChildItem
man=help md=mkdir measure=Measure-Object mi=Move-Item mount=New-PSDrive move=Move-Item mp=Move-ItemProperty
mv=Move-Item nal=New-Alias ndr=New-PSDrive ni=New-Item nmo=New-Module npssc=New-PSSessionConfigurationFile
nsn=New-PSSession nv=New-Variable ogv=Out-GridView oh=Out-Host popd=Pop-Location ps=Get-Process
pushd=Push-Location pwd=Get-Location r=Invoke-History rbp=Remove-PSBreakpoint rcjb=Receive-Job
rcsn=Receive-PSSession rd=Remove-Item rdr=Remove-PSDrive ren=Rename-Item ri=Remove-Item rjb=Remove-Job
rm=Remove-Item rmdir=Remove-Item rmo=Remove-Module rni=Rename-Item rnp=Rename-ItemProperty
rp=Remove-ItemProperty rsn=Remove-PSSession rsnp=Remove-PSSnapin rujb=Resume-Job rv=Remove-Variable
rvpa=Resolve-Path rwmi=Remove-WmiObject sajb=Start-Job sal=Set-Alias saps=Start-Process sasv=Start-Service
sbp=Set-PSBreakpoint sc=Set-Content scb=Set-Clipboard select=Select-Object set=Set-Variable
shcm=Show-Command si=Set-Item sl=Set-Location sleep=Start-Sleep sls=Select-String sort=Sort-Object
sp=Set-ItemProperty spjb=Stop-Job spps=Stop-Process spsv=Stop-Service start=Start-Process
stz=Set-TimeZone sujb=Suspend-Job sv=Set-Variable swmi=Set-WmiInstance tee=Tee-Object
trcm=Trace-Command type=Get-Content wget=Invoke-WebRequest where=Where-Object wjb=Wait-Job
write=Write-Output`.split(/\s+/).map((p) => { const [a, c] = p.split('='); return [a.toLowerCase(), c]; }));

/** Which rules apply to which kind of file. */
export const RULES_BY_KIND = {
  launcher: ['no-exit', 'approved-verb', 'no-alias', 'no-invoke-expression'],
  script: ['no-exit', 'approved-verb', 'no-alias', 'no-invoke-expression', 'strict-mode', 'comment-help'],
  module: ['no-exit', 'approved-verb', 'no-alias', 'no-invoke-expression', 'strict-mode', 'comment-help'],
  manifest: [],
};

const FIX = {
  'no-exit': {
    launcher: 'the launcher runs inside Tanium Provision\'s own PowerShell host: `exit` ends that host; use `return` (or throw) and let the caller report',
    script: 'full scripts run in-process, invoked by the launcher: `exit` would end the launcher\'s (Tanium\'s) host; use `return` or throw',
    module: 'module functions run in the launcher\'s process: use `return` or throw, never exit',
  },
  'approved-verb': 'name it <ApprovedVerb>-<Noun> with a verb of Get-Verb (e.g. Invoke-, Get-, Set-, New-, Test-, Start-)',
  'no-alias': 'write the full command name',
  'no-invoke-expression': 'no code from text: call the command directly, or save the (verified) download to a .ps1 and run it with & or .',
  'strict-mode': 'put `Set-StrictMode -Version Latest` at the top of the file (script level, outside any function)',
  'comment-help': 'put a comment-based help block `<# .SYNOPSIS ... #>` right before the function (at most one blank line) or as the first thing inside it',
};

function finding(rec, node, rule, text) {
  const p = pos(node);
  const f = FIX[rule];
  return { file: rec.file, ...p, rule, text: text ?? sourceLine(rec.src, p.line).trim(), fix: typeof f === 'string' ? f : f[rec.kind] ?? f.script };
}

/** [Environment]::Exit(...) / [System.Environment]::Exit(...): a harder exit than `exit`. */
function typeMemberCall(node, typeNames, members) {
  if (node.type !== 'invokation_expression') return false;
  const t = node.namedChildren[0];
  const m = node.namedChildren.find((c) => c.type === 'member_name');
  if (!t || t.type !== 'type_literal' || !m) return false;
  const tn = t.text.replace(/^\[|\]$/g, '').replace(/\s+/g, '').toLowerCase();
  return typeNames.includes(tn) && members.includes(m.text.toLowerCase());
}

function memberCallOn(node, objectRegex, member) {
  if (node.type !== 'invokation_expression') return false;
  const m = node.namedChildren.find((c) => c.type === 'member_name');
  const obj = node.namedChildren[0];
  return !!m && !!obj && m.text.toLowerCase() === member && objectRegex.test(obj.text);
}

const RULES = {
  'no-exit'(rec, out) {
    findAll(rec.tree.rootNode, ['flow_control_statement', 'invokation_expression']).forEach((n) => {
      if (n.type === 'flow_control_statement' && n.child(0)?.type === 'exit') {
        const where = enclosingFunction(n) ? `exit in function ${functionName(enclosingFunction(n))}` : 'exit at script level';
        out.push(finding(rec, n, 'no-exit', `${where}: ${sourceLine(rec.src, pos(n).line).trim()}`));
      } else if (typeMemberCall(n, ['environment', 'system.environment'], ['exit'])) {
        out.push(finding(rec, n, 'no-exit', `[Environment]::Exit: ${sourceLine(rec.src, pos(n).line).trim()}`));
      }
    });
  },
  'approved-verb'(rec, out) {
    for (const fn of findAll(rec.tree.rootNode, 'function_statement')) {
      const name = functionName(fn);
      const m = /^([A-Za-z]+)-([A-Za-z][A-Za-z0-9]*)$/.exec(name);
      const node = fn.namedChildren.find((c) => c.type === 'function_name') ?? fn;
      if (!m) out.push(finding(rec, node, 'approved-verb', `function ${name}: not Verb-Noun`));
      else if (!APPROVED_VERBS.has(m[1].toLowerCase())) out.push(finding(rec, node, 'approved-verb', `function ${name}: '${m[1]}' is not an approved verb`));
    }
  },
  'no-alias'(rec, out) {
    for (const cmd of findAll(rec.tree.rootNode, 'command')) {
      const name = commandName(cmd);
      const full = ALIASES[name.toLowerCase()];
      if (full) out.push(finding(rec, cmd, 'no-alias', `'${name}' is an alias of ${full}: ${sourceLine(rec.src, pos(cmd).line).trim()}`));
    }
  },
  'no-invoke-expression'(rec, out) {
    findAll(rec.tree.rootNode, ['command', 'invokation_expression']).forEach((n) => {
      if (n.type === 'command' && /^(invoke-expression|iex)$/i.test(commandName(n))) {
        out.push(finding(rec, n, 'no-invoke-expression', `${commandName(n)}: ${sourceLine(rec.src, pos(n).line).trim()}`));
      } else if (typeMemberCall(n, ['scriptblock', 'system.management.automation.scriptblock'], ['create'])) {
        out.push(finding(rec, n, 'no-invoke-expression', `[scriptblock]::Create: ${sourceLine(rec.src, pos(n).line).trim()}`));
      } else if (memberCallOn(n, /^\$ExecutionContext\.InvokeCommand$/i, 'newscriptblock') || memberCallOn(n, /^\$ExecutionContext\.InvokeCommand$/i, 'invokescript')) {
        out.push(finding(rec, n, 'no-invoke-expression', `$ExecutionContext.InvokeCommand: ${sourceLine(rec.src, pos(n).line).trim()}`));
      }
    });
  },
  'strict-mode'(rec, out) {
    const ok = findAll(rec.tree.rootNode, 'command').some((cmd) => {
      if (commandName(cmd).toLowerCase() !== 'set-strictmode' || enclosingFunction(cmd)) return false;
      const elems = cmd.namedChildren.find((c) => c.type === 'command_elements');
      const items = elems ? elems.namedChildren.filter((c) => c.type !== 'command_argument_sep') : [];
      const i = items.findIndex((c) => c.type === 'command_parameter' && /^-version:?$/i.test(c.text));
      return i >= 0 && /^latest$/i.test(stringValue(items[i + 1])?.text ?? '');
    });
    if (!ok) out.push({ file: rec.file, line: 1, col: 1, rule: 'strict-mode', text: 'no `Set-StrictMode -Version Latest` at script level', fix: FIX['strict-mode'] });
  },
  'comment-help'(rec, out) {
    for (const fn of findAll(rec.tree.rootNode, 'function_statement')) {
      if (!hasHelp(fn, rec.src)) {
        const node = fn.namedChildren.find((c) => c.type === 'function_name') ?? fn;
        out.push(finding(rec, node, 'comment-help', `function ${functionName(fn)} has no comment-based help (.SYNOPSIS)`));
      }
    }
  },
};

/** A help block: a .SYNOPSIS keyword with some text after it (before the next .KEYWORD). */
function isHelp(text) {
  const m = /\.SYNOPSIS\b([\s\S]*?)(?=^\s*#?\s*\.[A-Z]+\b|$(?![\s\S]))/im.exec(text);
  return !!m && m[1].replace(/[#<>\s]/g, '') !== '';
}

const commentCache = new WeakMap();
function allComments(tree) {
  if (!commentCache.has(tree)) commentCache.set(tree, findAll(tree.rootNode, 'comment').sort((a, b) => a.startIndex - b.startIndex));
  return commentCache.get(tree);
}

/** Comment-based help right before the function (no more than one blank line between) or first/last inside its braces. */
export function hasHelp(fn, src) {
  // Before: the run of comments that ends right before the function (only blanks between,
  // no more than one blank line between the help and the function keyword).
  const comments = allComments(fn.tree).filter((c) => c.endIndex <= fn.startIndex);
  const before = [];
  let at = fn.startIndex;
  let row = fn.startPosition.row;
  for (let i = comments.length - 1; i >= 0; i--) {
    const c = comments[i];
    if (src.slice(c.endIndex, at).trim() !== '' || c.endPosition.row < row - (before.length ? 1 : 2)) break;
    before.unshift(c.text.replace(/^#/, ''));
    at = c.startIndex;
    row = c.startPosition.row;
  }
  if (before.length && isHelp(before.join('\n'))) return true;
  // Inside: comments with only blanks (or other comments) between them and the function's { or }.
  const open = fn.children.find((c) => c.type === '{');
  const close = [...fn.children].reverse().find((c) => c.type === '}');
  if (!open || !close) return false;
  const inner = allComments(fn.tree).filter((c) => c.startIndex > open.startIndex && c.endIndex <= close.startIndex);
  at = open.endIndex;
  const lead = [];
  for (const c of inner) { if (src.slice(at, c.startIndex).trim() !== '') break; lead.push(c.text.replace(/^#/, '')); at = c.endIndex; }
  if (lead.length && isHelp(lead.join('\n'))) return true;
  at = close.startIndex;
  const trail = [];
  for (const c of inner.reverse()) { if (src.slice(c.endIndex, at).trim() !== '') break; trail.unshift(c.text.replace(/^#/, '')); at = c.startIndex; }
  return trail.length > 0 && isHelp(trail.join('\n'));
}

/** Lints one file record (from files.mjs); rules defaults to those of its kind. */
export function lint(rec, rules = RULES_BY_KIND[rec.kind] ?? []) {
  const out = [];
  for (const r of rules) RULES[r](rec, out);
  return out.sort((a, b) => a.line - b.line || a.col - b.col || a.rule.localeCompare(b.rule));
}

export const RULE_NAMES = Object.keys(RULES);
