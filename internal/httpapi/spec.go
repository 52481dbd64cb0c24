package httpapi

import (
	"bytes"
	"fmt"
	"io"

	"go.yaml.in/yaml/v3"

	"github.com/recert-dev/recert/api"
)

// specJSON decodes the contract for GET /openapi.json: the same document as /openapi.yaml,
// which serves the file's own bytes.
func specJSON() (map[string]any, error) {
	var doc map[string]any
	if err := yaml.Unmarshal(api.ContractYAML, &doc); err != nil {
		return nil, fmt.Errorf("decode the contract: %w", err)
	}
	return doc, nil
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }
