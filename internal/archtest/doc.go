// Package archtest holds the tests that keep the layers as docs/architecture.md draws them.
package archtest
