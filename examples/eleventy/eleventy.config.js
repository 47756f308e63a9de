// An Eleventy site built from Lectern at build time: see src/_data/lectern.js.
export default function (eleventyConfig) {
  eleventyConfig.addFilter("date", (iso) => (iso ? iso.slice(0, 10) : ""));
  // A srcset of Lectern's root-relative URLs, made absolute for a site served elsewhere.
  eleventyConfig.addFilter("absolute", (srcset, base) =>
    (srcset || "")
      .split(", ")
      .filter(Boolean)
      .map((entry) => base + entry)
      .join(", "),
  );
  return { dir: { input: "src", output: "_site" } };
}
