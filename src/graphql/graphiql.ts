import fs from 'node:fs';
import path from 'node:path';

/** The folder of an installed package (its `exports` hide the UMD builds from `require.resolve`). */
function packageRoot(name: string): string {
  let directory = path.dirname(require.resolve(name));
  while (!fs.existsSync(path.join(directory, 'package.json')) || JSON.parse(fs.readFileSync(path.join(directory, 'package.json'), 'utf8')).name !== name) {
    const parent = path.dirname(directory);
    if (parent === directory) throw new Error(`cannot find the folder of the package ${name}`);
    directory = parent;
  }
  return directory;
}

/**
 * GraphiQL, served from node_modules: the API runs on closed networks where a CDN (which Apollo's
 * default landing page loads from) cannot be reached.
 */
export const GRAPHIQL_ASSETS: Record<string, { file: string; type: string }> = {
  'react.production.min.js': { file: path.join(packageRoot('react'), 'umd', 'react.production.min.js'), type: 'text/javascript' },
  'react-dom.production.min.js': { file: path.join(packageRoot('react-dom'), 'umd', 'react-dom.production.min.js'), type: 'text/javascript' },
  'graphiql.min.js': { file: path.join(packageRoot('graphiql'), 'graphiql.min.js'), type: 'text/javascript' },
  'graphiql.min.css': { file: path.join(packageRoot('graphiql'), 'graphiql.min.css'), type: 'text/css' },
};

const EXAMPLE_QUERY = `# Interreg knowledge base: run with ▶ or Ctrl-Enter.
{
  project(slug: "weldcome") {
    title(lang: FR)
    leadPartner { name }
    outcomes {
      label
      value
      unit
      asOf
      breakdown { label value }
      claims { value locator source { title url } }
    }
  }
}
`;

export function graphiqlPage(endpoint: string, assetsPath: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Interreg knowledge base · GraphiQL</title>
  <link rel="stylesheet" href="${assetsPath}/graphiql.min.css">
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="${assetsPath}/react.production.min.js"></script>
  <script src="${assetsPath}/react-dom.production.min.js"></script>
  <script src="${assetsPath}/graphiql.min.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: ${JSON.stringify(endpoint)} });
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, { fetcher, defaultQuery: ${JSON.stringify(EXAMPLE_QUERY)}, defaultEditorToolsVisibility: true }),
    );
  </script>
</body>
</html>
`;
}
