// An Eleventy site built from Lectern at build time: see src/_data/lectern.js.
export default function (eleventyConfig) {
  eleventyConfig.addFilter("date", (iso) => (iso ? iso.slice(0, 10) : ""));
  return { dir: { input: "src", output: "_site" } };
}
