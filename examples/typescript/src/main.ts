// A typed Lectern REST client: every path, parameter and body below is checked by tsc
// against src/lectern.d.ts, which `npm run generate` makes from schema/openapi.json.
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./lectern.js";

type Problem = components["schemas"]["Problem"];
type ArticleView = components["schemas"]["ArticleView"];

function env(name: string, fallback?: string): string {
  const value = process.env[name] ?? fallback;
  if (value === undefined || value === "") {
    throw new Error(`set ${name}`);
  }
  return value;
}

// Errors are RFC 9457 problems; say the status, the stable code and the detail.
function describe(what: string, status: number, problem: Problem | undefined): Error {
  const why = problem ? `${problem.code}: ${problem.detail}` : "no problem body";
  return new Error(`${what} failed with HTTP ${status} (${why})`);
}

const baseUrl = env("LECTERN_URL", "http://127.0.0.1:8080").replace(/\/+$/, "");
const email = env("LECTERN_EMAIL");
const password = env("LECTERN_PASSWORD");

const client = createClient<paths>({ baseUrl });

async function main(): Promise<void> {
  // 1. The newest published articles, anonymously.
  {
    const { data, error, response } = await client.GET("/api/v1/articles", {
      params: { query: { limit: 5 } },
    });
    if (!data) throw describe("GET /api/v1/articles", response.status, error);
    console.log(`published articles (first ${data.data.length}):`);
    for (const article of data.data) {
      console.log(`  - ${article.slug ?? "?"}: ${article.title ?? "?"}`);
    }
  }

  // 2. One technology profile by slug.
  {
    const { data, error, response } = await client.GET("/api/v1/technologies/{key}", {
      params: { path: { key: "django" } },
    });
    if (!data) throw describe("GET /api/v1/technologies/django", response.status, error);
    // Without `fields` the whole view comes back, but the 200 is typed as the view or a
    // sparse field set (TechnologyView | TechnologyFields), so every field may be absent.
    const signals = (data.trend_signals ?? []).map((s) => `${s.metric}: ${s.value} ${s.unit}`);
    console.log(`technology ${data.slug ?? "?"}: ${data.name ?? "?"} (${data.kind ?? "?"}), ${data.summary ?? ""}`);
    if (data.slug !== "django") throw new Error(`asked for django, got ${data.slug ?? "nothing"}`);
    for (const signal of signals) console.log(`  trend ${signal}`);
  }

  // 3. Log in; every later request carries the access token.
  {
    const { data, error, response } = await client.POST("/api/v1/auth/login", {
      body: { email, password },
    });
    if (!data) throw describe("POST /api/v1/auth/login", response.status, error);
    const token = data.access_token;
    const auth: Middleware = {
      onRequest({ request }) {
        request.headers.set("Authorization", `Bearer ${token}`);
        return request;
      },
    };
    client.use(auth);
    console.log(`logged in as ${email} (token expires in ${data.expires_in} s)`);
  }

  // 4. Create a draft; the 201 carries its ETag.
  let draft: ArticleView;
  let etag: string;
  {
    const stamp = new Date().toISOString();
    const { data, error, response } = await client.POST("/api/v1/articles", {
      body: {
        title: `Hello from the TypeScript example (${stamp})`,
        summary: "Created and published by examples/typescript.",
        body: "## Hello\n\nWritten through openapi-fetch.",
        tags: ["example"],
        technologies: ["django"],
      },
    });
    if (!data) throw describe("POST /api/v1/articles", response.status, error);
    const tag = response.headers.get("ETag");
    if (!tag) throw new Error("POST /api/v1/articles answered 201 without an ETag");
    draft = data;
    etag = tag;
    console.log(`created draft ${draft.id} "${draft.slug}" status=${draft.status} version=${draft.version} ETag ${etag}`);
    if (draft.status !== "draft") throw new Error(`a new article should be a draft, not ${draft.status}`);
  }

  // 5. Publish it now: no body, If-Match names the version we created.
  {
    const { data, error, response } = await client.POST("/api/v1/articles/{key}/publish", {
      params: { path: { key: draft.id }, header: { "If-Match": etag } },
    });
    if (!data) throw describe(`POST /api/v1/articles/${draft.id}/publish`, response.status, error);
    console.log(
      `published ${data.slug} status=${data.status} published_at=${data.published_at ?? "null"} version=${data.version} ETag ${response.headers.get("ETag") ?? "-"}`,
    );
    if (data.status !== "published") throw new Error(`publish left the article ${data.status}`);
    if (data.version <= draft.version) throw new Error("publish did not make a new version");
  }

  // 6. Anonymous readers see it now.
  {
    const { data, error, response } = await createClient<paths>({ baseUrl }).GET("/api/v1/articles/{key}", {
      params: { path: { key: draft.slug } },
    });
    if (!data) throw describe(`GET /api/v1/articles/${draft.slug}`, response.status, error);
    console.log(`anonymous GET /api/v1/articles/${draft.slug}: ${data.status ?? "?"}`);
    if (data.status !== "published") throw new Error("anonymous readers do not see the published article");
  }
}

main().then(
  () => console.log("typescript example: ok"),
  (err: unknown) => {
    console.error(`typescript example: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
