package httpapi

import (
	"context"
	"time"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/recert"
)

// Database is what the operations endpoints need of storage.
type Database interface {
	Ping(ctx context.Context) error
	SchemaVersion(ctx context.Context) (int64, error)
}

// readyTimeout bounds the readiness ping so a hung database answers 503, not a hung probe.
const readyTimeout = 2 * time.Second

// GetHealth answers while the process serves requests.
func (s *Server) GetHealth(context.Context, api.GetHealthRequestObject) (api.GetHealthResponseObject, error) {
	return api.GetHealth200JSONResponse{Status: api.Ok}, nil
}

// GetReadiness answers 200 when the database answers a ping in time.
func (s *Server) GetReadiness(ctx context.Context, _ api.GetReadinessRequestObject) (api.GetReadinessResponseObject, error) {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		return nil, recert.Wrap(err, recert.EUNAVAILABLE, "the database does not answer")
	}
	return api.GetReadiness200JSONResponse{Status: api.Ok}, nil
}

// GetVersion reports the build and the schema version applied to the database.
func (s *Server) GetVersion(ctx context.Context, _ api.GetVersionRequestObject) (api.GetVersionResponseObject, error) {
	v, err := s.db.SchemaVersion(ctx)
	if err != nil {
		return nil, recert.Wrap(err, recert.EUNAVAILABLE, "the schema version cannot be read")
	}
	return api.GetVersion200JSONResponse{
		Version:       s.version,
		SchemaVersion: v,
		Database:      api.VersionDatabase(s.engine),
	}, nil
}

// GetOpenAPISpec serves the contract as written in the repository.
func (s *Server) GetOpenAPISpec(context.Context, api.GetOpenAPISpecRequestObject) (api.GetOpenAPISpecResponseObject, error) {
	return api.GetOpenAPISpec200ApplicationYamlResponse{
		Body:          bytesReader(api.ContractYAML),
		ContentLength: int64(len(api.ContractYAML)),
	}, nil
}

// GetOpenAPISpecJSON serves the contract as JSON.
func (s *Server) GetOpenAPISpecJSON(context.Context, api.GetOpenAPISpecJSONRequestObject) (api.GetOpenAPISpecJSONResponseObject, error) {
	return api.GetOpenAPISpecJSON200JSONResponse(s.specJSON), nil
}
