import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Express } from 'express';

const require = createRequire(import.meta.url);

export const GRAPHIQL_ASSETS_PATH = '/graphiql-assets';

/** GraphiQL, React and their styles from our own node_modules: the page needs no CDN. */
const assets: Record<string, string> = {
  'react.production.min.js': join(dirname(require.resolve('react/package.json')), 'umd/react.production.min.js'),
  'react-dom.production.min.js': join(dirname(require.resolve('react-dom/package.json')), 'umd/react-dom.production.min.js'),
  'graphiql.min.js': join(dirname(require.resolve('graphiql/package.json')), 'graphiql.min.js'),
  'graphiql.min.css': join(dirname(require.resolve('graphiql/package.json')), 'graphiql.min.css'),
};

export function serveGraphiQLAssets(app: Express): void {
  for (const [name, file] of Object.entries(assets)) {
    app.get(`${GRAPHIQL_ASSETS_PATH}/${name}`, (_req, res) => res.sendFile(file, { maxAge: '1d' }));
  }
}

const page = `<!doctype html>
<html lang="de">
  <head>
    <meta charset="utf-8" />
    <title>ki-marktplatz GraphiQL</title>
    <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
    <link rel="stylesheet" href="${GRAPHIQL_ASSETS_PATH}/graphiql.min.css" />
  </head>
  <body>
    <div id="graphiql">GraphiQL wird geladen …</div>
    <script src="${GRAPHIQL_ASSETS_PATH}/react.production.min.js"></script>
    <script src="${GRAPHIQL_ASSETS_PATH}/react-dom.production.min.js"></script>
    <script src="${GRAPHIQL_ASSETS_PATH}/graphiql.min.js"></script>
    <script>
      const fetcher = GraphiQL.createFetcher({ url: '/graphql', headers: { 'apollo-require-preflight': 'true' } });
      ReactDOM.createRoot(document.getElementById('graphiql')).render(
        React.createElement(GraphiQL, {
          fetcher,
          defaultEditorToolsVisibility: true,
          defaultHeaders: JSON.stringify({ Authorization: 'Bearer <npm run token -- publisher@bamf.example>' }, null, 2),
        }),
      );
    </script>
  </body>
</html>`;

/** Landing page at GET /graphql for browsers (development only, see GRAPHQL_PLAYGROUND). */
export function localGraphiQLPlugin(): ApolloServerPlugin {
  return {
    async serverWillStart() {
      return { async renderLandingPage() { return { html: page }; } };
    },
  };
}
