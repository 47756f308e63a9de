// Starts GraphiQL on the page Lectern serves at GET /graphql. Kept in a file of its own so
// the page's Content-Security-Policy needs no inline script.
(function () {
  var root = document.getElementById("graphiql");
  var fetcher = GraphiQL.createFetcher({ url: root.getAttribute("data-endpoint") });
  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: true,
      defaultQuery:
        "# Published articles, newest first\n{\n  articles(first: 5) {\n    edges { node { slug title publishedAt technologies { name } } }\n  }\n}\n",
    })
  );
})();
