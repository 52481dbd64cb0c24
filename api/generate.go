// Package api holds the Go code generated from openapi.yaml: the models, the echo and strict
// server interfaces, the embedded spec and a typed client. Do not edit the *.gen.go files or
// the copy of the contract here; change ../openapi.yaml and run `go generate ./...`.
package api

//go:generate cp ../openapi.yaml openapi.yaml
//go:generate go tool oapi-codegen -config server.cfg.yaml ../openapi.yaml
//go:generate go tool oapi-codegen -config spec.cfg.yaml ../openapi.yaml
//go:generate go tool oapi-codegen -config client.cfg.yaml ../openapi.yaml
