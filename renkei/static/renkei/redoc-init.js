// Starts ReDoc on the API's OpenAPI document (a file of its own, so the page needs no inline script).
const element = document.getElementById("redoc-ui");
const settings = JSON.parse(document.getElementById("redoc-settings").textContent);
Redoc.init(element.dataset.openapiUrl, settings, element);
