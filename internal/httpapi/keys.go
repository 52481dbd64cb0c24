package httpapi

import (
	"context"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/openbadges"
	"github.com/recert-dev/recert/internal/recert"
)

// GetCredentialKey answers the credential key kid as one bare JWK, current or rotated out.
// It is read from the published keys, so a key another instance just published answers too.
func (s *Server) GetCredentialKey(ctx context.Context, req api.GetCredentialKeyRequestObject) (api.GetCredentialKeyResponseObject, error) {
	k, err := s.store.PublishedKey(ctx, string(auth.PurposeBadges), req.Kid)
	if err != nil {
		return nil, err
	}
	pub, err := auth.ParseRSAPublicKey(k.PublicKey)
	if err != nil {
		return nil, recert.Wrap(err, recert.EINTERNAL, "the published credential key does not parse")
	}
	jwk := auth.NewRSAJWK(openbadges.KeyURL(s.publicURL, k.Kid), pub)
	return api.GetCredentialKey200ApplicationJwkPlusJSONResponse{
		Kty: api.RSA, N: jwk.N, E: jwk.E, Kid: jwk.Kid, Alg: api.RS256, Use: api.RSAJWKUseSig,
	}, nil
}
