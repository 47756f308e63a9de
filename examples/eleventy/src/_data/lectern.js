// Pulls every published article, technology profile and source from a running Lectern through the
// delta sync API, with a read-only API token:
//
//   LECTERN_URL=http://127.0.0.1:8080 LECTERN_TOKEN=lct_... npx eleventy
//
// Every locale is synced: each translation is an entry of its own with its `locale`. Pages in
// the default locale live at the root and the others under their tag (`/fr/articles/...`);
// the home page lists the default locale's items.
//
// A site that keeps .lectern-sync-token between builds could pass it as ?token= and fetch
// only the changes; this example rebuilds from scratch each time.
export default async function () {
  const base = process.env.LECTERN_URL || "http://127.0.0.1:8080";
  const headers = process.env.LECTERN_TOKEN
    ? { Authorization: `Bearer ${process.env.LECTERN_TOKEN}` }
    : {};
  const locales = await fetch(new URL("/api/v1/locales", base), { headers });
  const fallback = { data: [{ locale: "en", default: true }] };
  const known = locales.ok ? await locales.json() : fallback;
  const defaultLocale = known.data.find((l) => l.default)?.locale;
  const articles = [];
  const technologies = [];
  const sources = [];
  let token = null;
  for (;;) {
    const url = new URL("/api/v1/sync", base);
    url.searchParams.set("limit", "500");
    if (token) url.searchParams.set("token", token);
    const response = await fetch(url, { headers });
    if (!response.ok) {
      throw new Error(`Lectern answered ${response.status}: ${await response.text()}`);
    }
    const page = await response.json();
    for (const entry of page.items) {
      if (entry.op !== "upsert") continue;
      const lists = { article: articles, technology: technologies, source: sources };
      const prefix = entry.locale === defaultLocale ? "" : `/${entry.locale}`;
      lists[entry.type]?.push({ ...entry.item, prefix });
    }
    token = page.next_sync_token;
    if (!page.has_more) break;
  }
  articles.sort((a, b) => (b.published_at || "").localeCompare(a.published_at || ""));
  technologies.sort((a, b) => a.name.localeCompare(b.name));
  sources.sort((a, b) => a.title.localeCompare(b.title));
  const home = (items) => items.filter((i) => i.prefix === "");
  return {
    articles: home(articles),
    technologies: home(technologies),
    sources: home(sources),
    pages: { articles, technologies },
    syncToken: token,
    base,
  };
}
