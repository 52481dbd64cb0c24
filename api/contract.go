package api

import _ "embed"

// ContractYAML is openapi.yaml byte for byte: `go generate` copies the file here, because
// go:embed cannot reach a parent directory, and TestContract checks the copy is current.
// GET /openapi.yaml serves it as written.
//
//go:embed openapi.yaml
var ContractYAML []byte
