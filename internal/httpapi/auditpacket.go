package httpapi

import (
	"context"
	"fmt"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/auditpacket"
	"github.com/recert-dev/recert/internal/recert"
)

// GetAuditPacket streams a ZIP of what documents a member's program period: the
// transcript, each current attendance's certificate and credential, each self-reported
// activity's documents, and index.csv, written last.
func (s *Server) GetAuditPacket(ctx context.Context, req api.GetAuditPacketRequestObject) (api.GetAuditPacketResponseObject, error) {
	if err := s.ownRecord(ctx, req.MemberID); err != nil {
		return nil, err
	}
	rep, err := s.report(ctx, req.MemberID, req.Params.Program, req.Params.Period, req.Params.AsOf, recert.AllOrganizations())
	if err != nil {
		return nil, err
	}
	packets := auditpacket.Writer{Store: s.store, Credentials: s.credentials, PublicURL: s.publicURL}
	plan, err := packets.Plan(ctx, req.MemberID, rep)
	if err != nil {
		return nil, err
	}
	disposition := fmt.Sprintf(`attachment; filename="audit-packet-%s-%s.zip"`, req.MemberID, plan.Start)
	return api.GetAuditPacket200ApplicationZipResponse{Body: packets.Stream(ctx, plan),
		Headers: api.GetAuditPacket200ResponseHeaders{ContentDisposition: &disposition}}, nil
}
