// Starts ReDoc on the API's OpenAPI document (a file of its own, so the page needs no inline script).
// ReDoc's side menu shows a "docs by Redocly" logo fetched from cdn.redoc.ly. The page works offline and
// asks no other host, so that one image gets an empty source before the browser can request it (the
// Content-Security-Policy would refuse it anyway, with an error in the console).
const OTHER_HOST_LOGO = "https://cdn.redoc.ly/";
const local = (value) => (String(value).startsWith(OTHER_HOST_LOGO) ? "data:," : value);
const setAttribute = Element.prototype.setAttribute;
Element.prototype.setAttribute = function (name, value) {
  const image = this instanceof HTMLImageElement && String(name).toLowerCase() === "src";
  return setAttribute.call(this, name, image ? local(value) : value);
};
const source = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
Object.defineProperty(HTMLImageElement.prototype, "src", {
  ...source,
  set(value) {
    source.set.call(this, local(value));
  },
});
const element = document.getElementById("redoc-ui");
const settings = JSON.parse(document.getElementById("redoc-settings").textContent);
Redoc.init(element.dataset.openapiUrl, settings, element);
