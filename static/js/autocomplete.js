// Type-ahead for member fields: every <input data-autocomplete-url="..."> on
// the page becomes a GOV.UK accessible-autocomplete over that JSON endpoint,
// which answers GET <url>&q=<text> with {"results": [{"id": 1, "label": "…"}]}.
//
// The field keeps its name and id, so the form sends what the box shows (the
// chosen member's name) and works the same without JavaScript, as a plain
// text match. A form that wants the member's id too names a hidden input with
// data-autocomplete-id-field="<its id>": it gets the id of the member chosen,
// and is emptied when the text is changed by hand.
//
// The component's script and stylesheet are loaded only on pages that have
// such a field; their URLs come from this script tag's data attributes.

const MIN_LENGTH = 2;

function load(script) {
  return new Promise((resolve, reject) => {
    const stylesheet = document.createElement("link");
    stylesheet.rel = "stylesheet";
    stylesheet.href = script.dataset.stylesheet;
    document.head.appendChild(stylesheet);
    const component = document.createElement("script");
    component.src = script.dataset.component;
    component.onload = resolve;
    component.onerror = reject;
    document.head.appendChild(component);
  });
}

function source(endpoint) {
  let controller = null;
  return (query, populate) => {
    if (controller) controller.abort();
    controller = new AbortController();
    const url = new URL(endpoint, window.location.href);
    url.searchParams.set("q", query);
    fetch(url, { headers: { Accept: "application/json" }, signal: controller.signal })
      .then((response) => (response.ok ? response.json() : { results: [] }))
      .then((data) => populate(data.results || []))
      .catch((error) => {
        if (error.name !== "AbortError") populate([]);
      });
  };
}

function label(result) {
  if (!result) return "";
  return typeof result === "string" ? result : result.label;
}

function enhance(input) {
  const idField = input.dataset.autocompleteIdField
    ? document.getElementById(input.dataset.autocompleteIdField)
    : null;
  const describedBy = input.getAttribute("aria-describedby");
  const wrapper = document.createElement("div");
  input.parentNode.insertBefore(wrapper, input);
  input.remove();
  window.accessibleAutocomplete({
    element: wrapper,
    id: input.id,
    name: input.name,
    defaultValue: input.value,
    minLength: MIN_LENGTH,
    showNoOptionsFound: true,
    confirmOnBlur: false,
    inputClasses: input.className,
    source: source(input.dataset.autocompleteUrl),
    templates: { inputValue: label, suggestion: label },
    tNoResults: () => "No matching names",
    onConfirm: (result) => {
      if (idField) idField.value = result && result.id ? result.id : "";
    },
  });
  const rendered = document.getElementById(input.id);
  if (rendered && describedBy) {
    const own = rendered.getAttribute("aria-describedby");
    rendered.setAttribute("aria-describedby", own ? `${own} ${describedBy}` : describedBy);
  }
  if (rendered && idField) {
    rendered.addEventListener("input", () => {
      idField.value = "";
    });
  }
}

const script = document.currentScript;
const inputs = document.querySelectorAll("input[data-autocomplete-url]");
if (inputs.length) {
  load(script)
    .then(() => inputs.forEach(enhance))
    .catch(() => {
      // The plain text boxes still work.
    });
}
