package httpapi

import (
	"bytes"
	"fmt"
	"io"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/recert-dev/recert/api"
)

// specYAML renders the embedded contract as block-style YAML for GET /openapi.yaml.
func specYAML() ([]byte, error) {
	raw, err := api.GetSpecJSON()
	if err != nil {
		return nil, err
	}
	// JSON is YAML: decode into nodes (keeping the key order), then drop the flow style.
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("decode embedded spec: %w", err)
	}
	blockStyle(&doc)
	topLevelFirst(doc.Content[0], "openapi", "info", "servers", "tags", "paths")
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, fmt.Errorf("encode spec: %w", err)
	}
	return buf.Bytes(), nil
}

func blockStyle(n *yaml.Node) {
	n.Style = 0
	for _, c := range n.Content {
		blockStyle(c)
	}
}

// topLevelFirst moves the named keys of mapping m to the front, in order, so the document
// reads as it was written: version and info first, components last.
func topLevelFirst(m *yaml.Node, keys ...string) {
	var front, rest []*yaml.Node
	for _, k := range keys {
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i].Value == k {
				front = append(front, m.Content[i], m.Content[i+1])
			}
		}
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if !slices.Contains(keys, m.Content[i].Value) {
			rest = append(rest, m.Content[i], m.Content[i+1])
		}
	}
	m.Content = append(front, rest...)
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }
