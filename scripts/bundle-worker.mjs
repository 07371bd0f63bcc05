// Makes the wallet Worker one file: web/dist/worker.js and the ES modules it imports (the
// wasm-bindgen glue in web/pkg/, the Worker host, the store, the protocol) are joined into a
// single ES module, written over web/dist/worker.js. A module Worker fetches its imports one
// level of the graph at a time, after parsing the level above; one file is one request
// (docs/benchmarks.md, "Cold start").
//
//   node scripts/bundle-worker.mjs [--entry web/dist/worker.js] [--out web/dist/worker.js]
//
// Not a general bundler: each module becomes a function scope that returns its exports, in
// dependency order, and an import becomes a read of those exports. It handles what tsc and
// wasm-bindgen emit here and stops with an error on anything else (an import cycle, a bare
// specifier, `export ... from`, an exported `let`, top-level await), rather than guess.
// `import.meta.url` in an inlined module is rewritten to that module's original URL, so relative
// URLs it builds (the glue's default .wasm path) still point where they did.
// The TypeScript compiler (already a dev dependency) parses the JavaScript; nothing is added.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** An import whose file is absent: web/pkg/ before scripts/build-wasm.sh has run. */
class MissingModule extends Error {}

function fail(file, node, message) {
  const where = node ? `:${node.getSourceFile().getLineAndCharacterOfPosition(node.getStart()).line + 1}` : '';
  throw new Error(`${relative(repoRoot, file)}${where}: ${message}`);
}

function hasModifier(node, kind) {
  return (ts.canHaveModifiers(node) ? ts.getModifiers(node) ?? [] : []).some((m) => m.kind === kind);
}

/** Fails on an `await` outside any function (a top-level await cannot live in a function scope). */
function checkNoTopLevelAwait(file, node) {
  if (ts.isFunctionLike(node) || ts.isClassStaticBlockDeclaration(node)) return;
  if (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier)) fail(file, node, 'top-level await is not supported');
  ts.forEachChild(node, (child) => checkNoTopLevelAwait(file, child));
}

/**
 * Parses one module: its relative imports, its exports, and the edits that make it a function
 * body. `import.meta.url` is rewritten only for a module in another directory than the output:
 * in the same one, URLs built from it resolve the same, and stay visible to bundlers downstream
 * (`new URL('../pkg/x.wasm', import.meta.url)` is how they find the .wasm).
 */
function analyse(file, outDir) {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const imports = []; // {file, bindings: [{imported, local}] | namespace}
  const exports = new Map(); // exported name -> local name
  const edits = []; // {start, end, text}

  const target = (node, specifier) => {
    if (!/^\.{1,2}\//.test(specifier)) fail(file, node, `only relative imports can be bundled, not ${specifier}`);
    const dep = resolve(dirname(file), specifier);
    if (!existsSync(dep)) throw new MissingModule(`${relative(repoRoot, file)}: ${specifier} does not exist`);
    return dep;
  };
  const removeModifiers = (node) => {
    for (const m of ts.getModifiers(node) ?? []) {
      if (m.kind === ts.SyntaxKind.ExportKeyword || m.kind === ts.SyntaxKind.DefaultKeyword) {
        edits.push({ start: m.getStart(), end: m.getEnd(), text: '' });
      }
    }
  };

  for (const statement of source.statements) {
    checkNoTopLevelAwait(file, statement);
    if (ts.isImportDeclaration(statement)) {
      const dep = target(statement, statement.moduleSpecifier.text);
      const clause = statement.importClause;
      const entry = { file: dep, bindings: [], namespace: undefined, node: statement };
      if (clause?.isTypeOnly) fail(file, statement, 'type-only import in emitted JavaScript');
      if (clause?.name) entry.bindings.push({ imported: 'default', local: clause.name.text });
      const named = clause?.namedBindings;
      if (named && ts.isNamespaceImport(named)) entry.namespace = named.name.text;
      if (named && ts.isNamedImports(named)) {
        for (const element of named.elements) {
          if (element.isTypeOnly) continue;
          entry.bindings.push({ imported: (element.propertyName ?? element.name).text, local: element.name.text });
        }
      }
      imports.push(entry);
      edits.push({ start: statement.getStart(), end: statement.getEnd(), text: `/* import ${statement.moduleSpecifier.getText()} */` });
    } else if (ts.isExportDeclaration(statement)) {
      if (statement.moduleSpecifier) fail(file, statement, '`export ... from` is not supported');
      if (statement.isTypeOnly) continue;
      const clause = statement.exportClause;
      if (!clause || !ts.isNamedExports(clause)) fail(file, statement, 'unsupported export form');
      for (const element of clause.elements) {
        exports.set(element.name.text, (element.propertyName ?? element.name).text);
      }
      edits.push({ start: statement.getStart(), end: statement.getEnd(), text: '' });
    } else if (ts.isExportAssignment(statement)) {
      if (statement.isExportEquals) fail(file, statement, '`export =` is not supported');
      exports.set('default', '__default');
      edits.push({ start: statement.getStart(), end: statement.expression.getStart(), text: 'const __default = ' });
    } else if (hasModifier(statement, ts.SyntaxKind.ExportKeyword)) {
      const isDefault = hasModifier(statement, ts.SyntaxKind.DefaultKeyword);
      if (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) {
        if (!statement.name) fail(file, statement, 'anonymous default export');
        exports.set(isDefault ? 'default' : statement.name.text, statement.name.text);
      } else if (ts.isVariableStatement(statement)) {
        if (!(statement.declarationList.flags & ts.NodeFlags.Const)) {
          fail(file, statement, 'an exported let/var could change after it is read; not supported');
        }
        for (const declaration of statement.declarationList.declarations) {
          if (!ts.isIdentifier(declaration.name)) fail(file, declaration, 'destructuring export');
          exports.set(declaration.name.text, declaration.name.text);
        }
      } else {
        fail(file, statement, 'unsupported exported statement');
      }
      removeModifiers(statement);
    }
  }

  const visitMeta = (node) => {
    if (ts.isPropertyAccessExpression(node) && ts.isMetaProperty(node.expression) && node.name.text === 'url'
      && node.expression.keywordToken === ts.SyntaxKind.ImportKeyword) {
      if (dirname(file) !== outDir) edits.push({ start: node.getStart(), end: node.getEnd(), text: '__moduleUrl' });
      return;
    }
    if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword) fail(file, node, 'import.meta other than import.meta.url');
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) fail(file, node, 'dynamic import() is not supported');
    ts.forEachChild(node, visitMeta);
  };
  visitMeta(source);

  edits.sort((a, b) => b.start - a.start);
  let body = text;
  for (const edit of edits) body = body.slice(0, edit.start) + edit.text + body.slice(edit.end);
  return { file, imports, exports, body };
}

/** Modules in dependency order (dependencies first); fails on a cycle. */
function collect(entry, outDir) {
  const order = [];
  const state = new Map(); // file -> 'visiting' | 'done'
  const visit = (file, from) => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'visiting') fail(from ?? file, undefined, `import cycle through ${relative(repoRoot, file)}`);
    state.set(file, 'visiting');
    const module = analyse(file, outDir);
    for (const dep of module.imports) visit(dep.file, file);
    state.set(file, 'done');
    order.push(module);
  };
  visit(entry);
  return order;
}

/** The single-file module for `entry`, to be written at `out`. */
export function bundle(entry, out) {
  const modules = collect(resolve(entry), dirname(resolve(out)));
  const ids = new Map(modules.map((m, i) => [m.file, `__module${i}`]));
  const parts = [
    `// Generated by scripts/bundle-worker.mjs from ${modules.map((m) => relative(dirname(resolve(out)), m.file)).join(', ')}.`,
    '// Edit those sources, not this file.',
  ];
  for (const module of modules) {
    const rel = relative(dirname(resolve(out)), module.file).split('\\').join('/');
    const reads = module.imports.map((dep) => {
      const from = ids.get(dep.file);
      const lines = [];
      if (dep.namespace) lines.push(`const ${dep.namespace} = ${from};`);
      for (const { imported, local } of dep.bindings) {
        if (!modules.find((m) => m.file === dep.file).exports.has(imported)) {
          fail(module.file, dep.node, `${relative(repoRoot, dep.file)} does not export ${imported}`);
        }
        lines.push(`const ${local} = ${from}[${JSON.stringify(imported)}];`);
      }
      return lines.join('\n');
    });
    const returned = [...module.exports].map(([name, local]) => `${JSON.stringify(name)}: ${local}`).join(', ');
    const isEntry = module === modules.at(-1);
    parts.push(
      `\n// ---- ${rel}`,
      `${isEntry ? '' : `const ${ids.get(module.file)} = `}(() => {`,
      ...(dirname(module.file) === dirname(resolve(out)) ? [] : [`const __moduleUrl = new URL(${JSON.stringify(rel)}, import.meta.url).href;`]),
      ...reads,
      module.body.trimEnd(),
      isEntry ? '' : `return Object.freeze({ ${returned} });`,
      '})();',
    );
  }
  return `${parts.join('\n')}\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const at = args.indexOf(name);
    return at >= 0 ? resolve(args[at + 1]) : fallback;
  };
  const entry = option('--entry', resolve(repoRoot, 'web/dist/worker.js'));
  const out = option('--out', entry);
  try {
    if (readFileSync(entry, 'utf8').startsWith('// Generated by scripts/bundle-worker.mjs')) {
      console.log(`bundle-worker: ${relative(repoRoot, entry)} is already one file`);
      process.exit(0);
    }
    const text = bundle(entry, out);
    writeFileSync(out, text);
    console.log(`bundle-worker: ${relative(repoRoot, out)} (${text.length} bytes, one file)`);
  } catch (error) {
    if (error instanceof MissingModule) {
      // The package builds without the module (its types are checked then); the Worker stays a
      // graph of modules, which works, one request per module.
      console.log(`bundle-worker: skipped, ${error.message} (scripts/build-wasm.sh builds it)`);
      process.exit(0);
    }
    console.error(`bundle-worker: ${error.message}`);
    process.exit(1);
  }
}
