// Stands in for the npm package sanitize-html (240 kB minified with its HTML and CSS parsers)
// in the book's widget bundle; scripts/vendor.py points esbuild at this file instead.
// The widget manager only calls it for descriptions of widgets with description_allow_html=True,
// which the book does not use. Should one appear, its description is shown as plain text: every
// character that could start HTML is escaped, so nothing is ever interpreted.
export default function sanitize(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
