// `yaml`'s parse and stringify, loaded on first use instead of when an importing module loads: an
// action's input validation imports the kubeconfig and tunnel-input parsers on every start, and
// most runs (no cluster inputs) never parse YAML. A CommonJS `require` inside a function is what a
// bundler leaves to run when called; an ES import is always evaluated at start.
exports.parse = (text) => require('yaml').parse(text)
exports.stringify = (value) => require('yaml').stringify(value)
