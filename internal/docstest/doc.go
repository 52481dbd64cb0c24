// Package docstest drives the documentation page at /docs in a real headless Chromium, as a
// reader of the docs would: it holds tests only.
package docstest
