/**
 * What docs/api.md says about each procedure that only the TypeScript sources know: its output type (as
 * the compiler infers it, named types by name) and its doc comment, plus the named types those outputs use,
 * each with its declaration. One compiler program over the server's sources; a few seconds.
 */
import { join } from 'node:path';
import ts from 'typescript';

interface ProcedureTypes {
  output: string;
  /** The doc comment on the procedure's property in its router (or on its variable). */
  doc: string | undefined;
}

interface NamedType {
  name: string;
  /** TypeScript source: the declaration as written, or the compiler's expansion when it is computed. */
  source: string;
}

export interface RouterTypes {
  procedures: Map<string, ProcedureTypes>;
  named: NamedType[];
}

const FORMAT: ts.TypeFormatFlags =
  ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseSingleQuotesForStringLiteralType;
/** Inside a type alias: its own structure, not its name. */
const FORMAT_EXPANDED: ts.TypeFormatFlags = FORMAT | ts.TypeFormatFlags.InTypeAlias;

/** Library and platform types whose names say enough. */
const LIBRARY = new Set(['Array', 'ReadonlyArray', 'Date', 'Map', 'Set', 'Promise', 'Record', 'Uint8Array']);

function docOf(node: ts.Node): string | undefined {
  const text = ts
    .getJSDocCommentsAndTags(node)
    .filter(ts.isJSDoc)
    .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? '')
    .join('\n')
    .trim();
  return text === '' ? undefined : text.replace(/\s*\n\s*/g, ' ');
}

/** A declaration's doc comments as written (line breaks kept), one line each. */
function jsDocText(node: ts.Node): string[] {
  return ts
    .getJSDocCommentsAndTags(node)
    .filter(ts.isJSDoc)
    .flatMap((doc) =>
      doc
        .getText()
        .split('\n')
        .map((line) => line.trim().replace(/^\*/, ' *')),
    );
}

/** `router({ … })` → its object literal. */
function routerLiteral(node: ts.Expression | undefined): ts.ObjectLiteralExpression | undefined {
  if (node === undefined || !ts.isCallExpression(node)) return undefined;
  if (!ts.isIdentifier(node.expression) || node.expression.text !== 'router') return undefined;
  const [arg] = node.arguments;
  return arg !== undefined && ts.isObjectLiteralExpression(arg) ? arg : undefined;
}

export function routerTypes(repoRoot: string, paths: readonly string[]): RouterTypes {
  const serverDir = join(repoRoot, 'apps/server');
  const rootFile = join(serverDir, 'src/trpc/root.ts');
  // A file that exists only in memory: one type alias per procedure's output.
  const probe = join(serverDir, 'src/trpc/api-docs-probe.ts');
  const probeText = [
    "import type { inferRouterOutputs } from '@trpc/server';",
    "import type { AppRouter } from './root.ts';",
    'type O = inferRouterOutputs<AppRouter>;',
    ...paths.map(
      (p, i) =>
        `export type P${i} = O${p
          .split('.')
          .map((k) => `['${k}']`)
          .join('')};`,
    ),
  ].join('\n');
  const config = ts.getParsedCommandLineOfConfigFile(
    join(serverDir, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (config === undefined) throw new Error('cannot read apps/server/tsconfig.json');
  const host = ts.createCompilerHost(config.options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (file, language, ...rest) =>
    file === probe ? ts.createSourceFile(file, probeText, language) : getSourceFile(file, language, ...rest);
  host.fileExists = (file) => file === probe || fileExists(file);
  const program = ts.createProgram({ rootNames: [probe, rootFile], options: config.options, host });
  const checker = program.getTypeChecker();

  const named = new Map<string, NamedType>();
  const seen = new Set<ts.Type>();
  const collect = (type: ts.Type): void => {
    if (seen.has(type)) return;
    seen.add(type);
    const alias = type.aliasSymbol;
    if (alias !== undefined && !LIBRARY.has(alias.name)) record(alias);
    if (type.isUnion() || type.isIntersection()) type.types.forEach(collect);
    if (checker.isArrayType(type) || checker.isTupleType(type)) {
      checker.getTypeArguments(type as ts.TypeReference).forEach(collect);
      return;
    }
    if (type.flags & ts.TypeFlags.Object) {
      const symbol = type.getSymbol();
      if (symbol === undefined || LIBRARY.has(symbol.name)) return;
      if (alias === undefined && !symbol.name.startsWith('__')) record(symbol);
      for (const property of checker.getPropertiesOfType(type)) {
        const declaration = property.valueDeclaration ?? property.declarations?.[0];
        if (declaration !== undefined) collect(checker.getTypeOfSymbolAtLocation(property, declaration));
      }
    }
  };
  const record = (symbol: ts.Symbol): void => {
    if (named.has(symbol.name)) return;
    const declaration = symbol.declarations?.[0];
    if (declaration === undefined) return;
    const written = declaration.getText().replace(/^export\s+/, '');
    const declared = checker.getDeclaredTypeOfSymbol(symbol);
    let source = written;
    if (ts.isTypeAliasDeclaration(declaration) && /\b(infer|typeof|ReturnType|Awaited)\b/.test(written)) {
      // A computed type (z.infer<…>, ReturnType<…>) says nothing as written: the compiler's expansion does.
      source = `type ${symbol.name} = ${checker.typeToString(declared, undefined, FORMAT_EXPANDED)};`;
    } else if (ts.isInterfaceDeclaration(declaration) && declaration.heritageClauses !== undefined) {
      // `extends Omit<Base, …>`: a reader needs the fields, not the base's name.
      source = `interface ${symbol.name} {\n${checker
        .getPropertiesOfType(declared)
        .map((property) => {
          const at = property.valueDeclaration ?? declaration;
          const optional = property.flags & ts.SymbolFlags.Optional ? '?' : '';
          const comment = property.valueDeclaration === undefined ? [] : jsDocText(property.valueDeclaration);
          const type = checker.typeToString(
            checker.getTypeOfSymbolAtLocation(property, at),
            undefined,
            FORMAT,
          );
          return [...comment, `${property.name}${optional}: ${type};`].map((line) => `  ${line}`).join('\n');
        })
        .join('\n')}\n}`;
    }
    named.set(symbol.name, { name: symbol.name, source: [...jsDocText(declaration), source].join('\n') });
  };

  const procedures = new Map<string, ProcedureTypes>();
  const probeFile = program.getSourceFile(probe);
  if (probeFile === undefined) throw new Error('the probe file did not load');
  const aliases = probeFile.statements
    .filter(ts.isTypeAliasDeclaration)
    .filter((s) => /^P\d+$/.test(s.name.text));
  paths.forEach((path, i) => {
    const alias = aliases[i];
    if (alias === undefined) return;
    const type = checker.getTypeAtLocation(alias.name);
    collect(type);
    procedures.set(path, {
      output: checker.typeToString(type, undefined, FORMAT_EXPANDED),
      doc: undefined,
    });
  });

  // Doc comments: walk root.ts's router literal, following each property to where it is declared.
  const docs = new Map<string, string>();
  const walk = (literal: ts.ObjectLiteralExpression, prefix: string): void => {
    for (const property of literal.properties) {
      if (!ts.isPropertyAssignment(property) && !ts.isShorthandPropertyAssignment(property)) continue;
      const key = property.name.getText();
      const path = prefix === '' ? key : `${prefix}.${key}`;
      let target: ts.Expression | undefined = ts.isPropertyAssignment(property)
        ? property.initializer
        : property.name;
      let doc = docOf(property);
      if (ts.isIdentifier(target)) {
        let symbol = checker.getSymbolAtLocation(target);
        if (symbol !== undefined && symbol.flags & ts.SymbolFlags.Alias)
          symbol = checker.getAliasedSymbol(symbol);
        const declaration = symbol?.valueDeclaration;
        if (declaration !== undefined && ts.isVariableDeclaration(declaration)) {
          doc ??= docOf(declaration);
          target = declaration.initializer;
        }
      }
      const nested = routerLiteral(target);
      if (nested !== undefined) walk(nested, path);
      else if (doc !== undefined) docs.set(path, doc);
    }
  };
  const rootSource = program.getSourceFile(rootFile);
  for (const statement of rootSource?.statements ?? []) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (declaration.name.getText() !== 'appRouter') continue;
      const literal = routerLiteral(declaration.initializer);
      if (literal !== undefined) walk(literal, '');
    }
  }
  for (const [path, entry] of procedures) entry.doc = docs.get(path);

  return { procedures, named: [...named.values()].sort((a, b) => a.name.localeCompare(b.name)) };
}
