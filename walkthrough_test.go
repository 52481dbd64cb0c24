package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestReadmeWalkthroughIsTheScript checks the README's walkthrough and examples/walkthrough.sh
// hold the same commands in the same order, so the one CI runs is the one people read.
func TestReadmeWalkthroughIsTheScript(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile("examples/walkthrough.sh")
	if err != nil {
		t.Fatal(err)
	}
	section := string(readme)
	start := strings.Index(section, "\n## Walkthrough\n")
	if start < 0 {
		t.Fatal("README.md has no Walkthrough section")
	}
	section = section[start+1:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}
	var shown []string
	for _, m := range regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(section, -1) {
		if strings.Contains(m[1], "curl") {
			shown = append(shown, m[1])
		}
	}
	rest := string(script)
	for _, block := range shown {
		i := strings.Index(rest, block)
		if i < 0 {
			t.Errorf("this README block is not in examples/walkthrough.sh (or not in the same order):\n%s", block)
			continue
		}
		rest = rest[i+len(block):]
	}
	all := strings.Join(shown, "")
	for line := range strings.Lines(string(script)[strings.Index(string(script), "\n# --- 1."):]) {
		if l := strings.TrimSpace(line); l != "" && !strings.HasPrefix(l, "#") && !strings.Contains(all, line) {
			t.Errorf("examples/walkthrough.sh runs a line the README does not show: %s", l)
		}
	}
}
