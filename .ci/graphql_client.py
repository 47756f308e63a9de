"""A real GraphQL client's view of Lectern: validates the example front-end operations in
examples/graphql against the checked-in schema/schema.graphql with graphql-core (the reference
implementation's Python port), then runs the queries against a live server and checks that
they return data without errors.

Usage: python graphql_client.py BASE_URL
"""

import json
import pathlib
import sys
import urllib.request

from graphql import build_schema, parse, validate

ROOT = pathlib.Path(__file__).resolve().parent.parent
schema = build_schema((ROOT / "schema" / "schema.graphql").read_text())
documents = {p.stem: p.read_text() for p in sorted((ROOT / "examples" / "graphql").glob("*.graphql"))}

failed = False
for name, text in documents.items():
    errors = validate(schema, parse(text))
    if errors:
        failed = True
        for e in errors:
            print(f"{name}: {e.message}")
    else:
        print(f"valid: {name}")
if failed:
    sys.exit(1)

base = sys.argv[1]


def run(name, variables):
    body = json.dumps({"query": documents[name], "variables": variables}).encode()
    request = urllib.request.Request(f"{base}/graphql", body, {"content-type": "application/json"})
    with urllib.request.urlopen(request) as response:
        answer = json.load(response)
    if answer.get("errors") or not answer.get("data"):
        sys.exit(f"{name} failed: {json.dumps(answer)[:500]}")
    print(f"ran: {name}")
    return answer["data"]


page = run("ArticleList", {"first": 2})
edges = page["articles"]["edges"]
assert edges, "the demo content has articles"
if page["articles"]["pageInfo"]["hasNextPage"]:
    more = run("ArticleList", {"first": 2, "after": page["articles"]["pageInfo"]["endCursor"]})
    assert more["articles"]["edges"][0]["node"]["id"] != edges[0]["node"]["id"]
article = run("ArticlePage", {"slug": edges[0]["node"]["slug"]})["article"]
assert article and article["bodyHtml"], "the article page has a body"
tech = run("TechnologyProfile", {"slug": "django"})["technology"]
assert tech and tech["trendSignals"], "Django's profile carries trend figures"
assert run("Frameworks", {})["technologies"]["totalCount"] > 0
node = run("NodeById", {"id": edges[0]["node"]["id"]})["node"]
assert node["__typename"] == "Article"
print("graphql client: all example operations are valid and answer")
