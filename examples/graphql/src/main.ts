// Runs two of the operations in ../*.graphql against a live Lectern with plain fetch. The
// documents and their result and variable types come from `npm run codegen` (src/gql/).
import type { TechnologyKind, TypedDocumentString } from "./gql/graphql.js";
import { ArticleListDocument, TechnologyProfileDocument } from "./gql/graphql.js";

const baseUrl = (process.env.LECTERN_URL ?? "http://127.0.0.1:8080").replace(/\/+$/, "");
const endpoint = `${baseUrl}/graphql`;

interface GraphQLError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string };
}

// Sends one operation; its variables and its result are typed by the document itself.
async function execute<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  ...[variables]: TVariables extends Record<string, never> ? [] : [TVariables]
): Promise<TResult> {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json, application/json" },
    body: JSON.stringify({ query: document.toString(), variables }),
  });
  const text = await response.text();
  let payload: { data?: TResult | null; errors?: GraphQLError[] };
  try {
    payload = JSON.parse(text) as typeof payload;
  } catch {
    throw new Error(`${endpoint} answered HTTP ${response.status} with no JSON: ${text.slice(0, 200)}`);
  }
  if (payload.errors && payload.errors.length > 0) {
    const messages = payload.errors.map((e) => `${e.extensions?.code ?? "ERROR"}: ${e.message}`);
    throw new Error(`GraphQL errors (HTTP ${response.status}): ${messages.join("; ")}`);
  }
  if (!response.ok || payload.data == null) {
    throw new Error(`${endpoint} answered HTTP ${response.status} without data`);
  }
  return payload.data;
}

async function main(): Promise<void> {
  const list = await execute(ArticleListDocument, { first: 5 });
  const { articles } = list;
  console.log(`ArticleList: ${articles.totalCount} published, first ${articles.edges.length}:`);
  for (const { node } of articles.edges) {
    const techs = node.technologies.map((t) => t.slug).join(", ");
    console.log(`  - ${node.slug}: ${node.title} by ${node.author?.displayName ?? "nobody"} [${techs}]`);
  }
  if (articles.pageInfo.hasNextPage && !articles.pageInfo.endCursor) {
    throw new Error("ArticleList: hasNextPage without an endCursor");
  }

  const { technology } = await execute(TechnologyProfileDocument, { slug: "django" });
  if (!technology) throw new Error("TechnologyProfile: no technology django");
  // kind is the TechnologyKind enum here, not a bare string.
  const kind: TechnologyKind = technology.kind;
  console.log(`TechnologyProfile: ${technology.name} (${kind}), ${technology.summary}`);
  for (const signal of technology.trendSignals) {
    console.log(`  trend ${signal.metric}: ${signal.value} ${signal.unit} (${signal.period}; ${signal.source?.title ?? "unpublished source"})`);
  }
  console.log(`  related: ${technology.relatedTechnologies.map((t) => t.slug).join(", ") || "none"}`);
  console.log(`  newest articles: ${technology.articles.map((a) => a.slug).join(", ") || "none"}`);
}

main().then(
  () => console.log("graphql example: ok"),
  (err: unknown) => {
    console.error(`graphql example: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
