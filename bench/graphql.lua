-- wrk script: POST one GraphQL query (20 articles with author and technologies), the
-- counterpart of GET /api/v1/articles?limit=20.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"query":"{ articles(first: 20) { edges { cursor node { id slug title summary publishedAt author { displayName } tags { name } technologies { slug name kind } } } } }"}'
