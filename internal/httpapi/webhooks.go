package httpapi

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// WebhookQueue is what the handlers ask of webhook delivery.
type WebhookQueue interface {
	// CheckURL says whether raw may be a destination.
	CheckURL(raw string) error
	// Redeliver sends a delivery again, with the same webhook-id.
	Redeliver(ctx context.Context, deliveryID string) (recert.WebhookDelivery, error)
	// NewSecret returns a fresh signing secret.
	NewSecret() string
}

// noWebhooks refuses subscriptions, for a server built without delivery.
type noWebhooks struct{}

func (noWebhooks) CheckURL(string) error { return errors.New("this server does not deliver webhooks") }
func (noWebhooks) Redeliver(context.Context, string) (recert.WebhookDelivery, error) {
	return recert.WebhookDelivery{}, errors.New("this server does not deliver webhooks")
}
func (noWebhooks) NewSecret() string { return "" }

// WebhookStore is the storage of webhook subscriptions; internal/store implements it.
type WebhookStore interface {
	Webhook(ctx context.Context, id string) (recert.Webhook, error)
	Webhooks(ctx context.Context, scope recert.Scope, clientID string) ([]recert.Webhook, error)
	Delivery(ctx context.Context, id string) (recert.WebhookDelivery, error)
	Deliveries(ctx context.Context, subscriptionID string, limit int, after string) ([]recert.WebhookDelivery, error)
}

// ListWebhooks lists the subscriptions the caller manages.
func (s *Server) ListWebhooks(ctx context.Context, req api.ListWebhooksRequestObject) (api.ListWebhooksResponseObject, error) {
	pg, err := page(req.Params.Limit, req.Params.Cursor)
	if err != nil {
		return nil, err
	}
	p := principalFrom(ctx)
	clientID := ""
	if p.Role == recert.RoleClient {
		clientID = p.Subject
	}
	ws, err := s.store.Webhooks(ctx, p.Scope(), clientID)
	if err != nil {
		return nil, err
	}
	ws, next, err := pageOf(ws, func(w recert.Webhook) string { return w.ID }, pg)
	if err != nil {
		return nil, err
	}
	out := api.WebhookList{Items: make([]api.Webhook, len(ws)), NextCursor: next}
	for i, w := range ws {
		out.Items[i] = toWebhook(w)
	}
	return api.ListWebhooks200JSONResponse(out), nil
}

// CreateWebhook subscribes the caller (an app), the caller's organization or, for an
// administrator, any organization or the whole registry.
func (s *Server) CreateWebhook(ctx context.Context, req api.CreateWebhookRequestObject) (api.CreateWebhookResponseObject, error) {
	p, b := principalFrom(ctx), req.Body
	w := recert.Webhook{URL: b.URL, EventTypes: eventTypes(b.EventTypes), Description: value(b.Description), Secret: s.webhooks.NewSecret()}
	if err := s.webhooks.CheckURL(b.URL); err != nil {
		return nil, fieldError("#/url", err.Error())
	}
	org, err := s.webhookOwner(ctx, p, b.OrganizationID)
	if err != nil {
		return nil, err
	}
	w.OrganizationID = org
	created, err := s.registry.Subscribe(ctx, p, w)
	if err != nil {
		return nil, err
	}
	return api.CreateWebhook201JSONResponse(withSecret(created)), nil
}

// webhookOwner is the organization a new subscription is for.
func (s *Server) webhookOwner(ctx context.Context, p recert.Principal, asked *string) (string, error) {
	org, err := ledger.WebhookOwner(p, value(asked))
	if err == nil && p.IsAdmin() && org != "" {
		if _, err := s.store.Organization(ctx, org); err != nil {
			return "", fieldError("#/organization_id", "no such organization")
		}
	}
	return org, err
}

// GetWebhook returns a subscription the caller manages.
func (s *Server) GetWebhook(ctx context.Context, req api.GetWebhookRequestObject) (api.GetWebhookResponseObject, error) {
	w, err := s.managedWebhook(ctx, req.WebhookID)
	if err != nil {
		return nil, err
	}
	return api.GetWebhook200JSONResponse(toWebhook(w)), nil
}

// UpdateWebhook changes a subscription's URL or event types, or enables it again.
func (s *Server) UpdateWebhook(ctx context.Context, req api.UpdateWebhookRequestObject) (api.UpdateWebhookResponseObject, error) {
	if _, err := s.managedWebhook(ctx, req.WebhookID); err != nil {
		return nil, err
	}
	b := req.Body
	if b.URL != nil {
		if err := s.webhooks.CheckURL(*b.URL); err != nil {
			return nil, fieldError("#/url", err.Error())
		}
	}
	c := ledger.WebhookChange{URL: b.URL, Enabled: b.Enabled}
	if b.EventTypes != nil {
		c.EventTypes = eventTypes(b.EventTypes)
	}
	w, err := s.registry.ChangeWebhook(ctx, req.WebhookID, c)
	if err != nil {
		return nil, err
	}
	return api.UpdateWebhook200JSONResponse(toWebhook(w)), nil
}

// DeleteWebhook removes a subscription.
func (s *Server) DeleteWebhook(ctx context.Context, req api.DeleteWebhookRequestObject) (api.DeleteWebhookResponseObject, error) {
	if _, err := s.managedWebhook(ctx, req.WebhookID); err != nil {
		return nil, err
	}
	if err := s.registry.Unsubscribe(ctx, req.WebhookID); err != nil {
		return nil, err
	}
	return api.DeleteWebhook204Response{}, nil
}

// RotateWebhookSecret gives a subscription a new signing secret, shown once.
func (s *Server) RotateWebhookSecret(ctx context.Context, req api.RotateWebhookSecretRequestObject) (api.RotateWebhookSecretResponseObject, error) {
	if _, err := s.managedWebhook(ctx, req.WebhookID); err != nil {
		return nil, err
	}
	secret := s.webhooks.NewSecret()
	w, err := s.registry.RotateWebhookSecret(ctx, req.WebhookID, secret)
	if err != nil {
		return nil, err
	}
	return api.RotateWebhookSecret200JSONResponse(withSecret(w)), nil
}

// ListWebhookDeliveries returns a subscription's latest deliveries.
func (s *Server) ListWebhookDeliveries(ctx context.Context, req api.ListWebhookDeliveriesRequestObject) (api.ListWebhookDeliveriesResponseObject, error) {
	if _, err := s.managedWebhook(ctx, req.WebhookID); err != nil {
		return nil, err
	}
	pg, err := page(req.Params.Limit, req.Params.Cursor)
	if err != nil {
		return nil, err
	}
	if pg.After != "" {
		d, err := s.store.Delivery(ctx, pg.After)
		switch {
		case recert.ErrorCode(err) == recert.ENOTFOUND || err == nil && d.SubscriptionID != req.WebhookID:
			return nil, foreignCursor()
		case err != nil:
			return nil, err
		}
	}
	ds, err := s.store.Deliveries(ctx, req.WebhookID, pg.Limit+1, pg.After)
	if err != nil {
		return nil, err
	}
	var next *string
	if len(ds) > pg.Limit {
		ds = ds[:pg.Limit]
		next = nextCursor(ds[len(ds)-1].ID)
	}
	out := api.WebhookDeliveryList{Items: make([]api.WebhookDelivery, len(ds)), NextCursor: next}
	for i, d := range ds {
		out.Items[i] = toDelivery(d)
	}
	return api.ListWebhookDeliveries200JSONResponse(out), nil
}

// RedeliverWebhook sends a delivery again.
func (s *Server) RedeliverWebhook(ctx context.Context, req api.RedeliverWebhookRequestObject) (api.RedeliverWebhookResponseObject, error) {
	if _, err := s.managedWebhook(ctx, req.WebhookID); err != nil {
		return nil, err
	}
	d, err := s.store.Delivery(ctx, req.DeliveryID)
	if err != nil || d.SubscriptionID != req.WebhookID {
		return nil, orElse(err, notFound("delivery", req.DeliveryID))
	}
	if d, err = s.webhooks.Redeliver(ctx, d.ID); err != nil {
		return nil, err
	}
	return api.RedeliverWebhook202JSONResponse(toDelivery(d)), nil
}

// managedWebhook is a subscription the caller manages: an administrator any, an app its
// own, an organizer those of their organizations; another's answers 404.
func (s *Server) managedWebhook(ctx context.Context, id string) (recert.Webhook, error) {
	w, err := s.store.Webhook(ctx, id)
	if err != nil {
		return w, err
	}
	p := principalFrom(ctx)
	ok := p.IsAdmin() || (p.Role == recert.RoleClient && w.ClientID == p.Subject) ||
		(p.Role == recert.RoleOrganizer && p.ActsFor(w.OrganizationID))
	if !ok {
		return w, notFound("webhook", id)
	}
	return w, nil
}

func eventTypes(ts []api.WebhookEventType) []string {
	out := make([]string, 0, len(ts))
	for _, t := range ts {
		if !slices.Contains(out, string(t)) {
			out = append(out, string(t))
		}
	}
	return out
}

func toWebhook(w recert.Webhook) api.Webhook {
	out := api.Webhook{ID: w.ID, URL: w.URL, Status: w.Status, CreatedAt: w.CreatedAt,
		OrganizationID: optional(w.OrganizationID), ClientID: optional(w.ClientID), Description: optional(w.Description),
		DisabledReason: optional(w.DisabledReason), FailingSince: w.FailingSince}
	if len(w.SigningSecrets(time.Now())) > 1 {
		out.PreviousSecretExpiresAt = w.PreviousSecretExpiresAt
	}
	for _, t := range w.EventTypes {
		out.EventTypes = append(out.EventTypes, api.WebhookEventType(t))
	}
	return out
}

func withSecret(w recert.Webhook) api.WebhookWithSecret {
	v := toWebhook(w)
	return api.WebhookWithSecret{ID: v.ID, URL: v.URL, Status: v.Status, CreatedAt: v.CreatedAt,
		OrganizationID: v.OrganizationID, ClientID: v.ClientID, Description: v.Description, DisabledReason: v.DisabledReason,
		FailingSince: v.FailingSince, PreviousSecretExpiresAt: v.PreviousSecretExpiresAt, EventTypes: v.EventTypes, Secret: w.Secret}
}

func toDelivery(d recert.WebhookDelivery) api.WebhookDelivery {
	out := api.WebhookDelivery{ID: d.ID, EventType: api.WebhookEventType(d.EventType), Status: d.Status,
		Attempts: d.Attempts, CreatedAt: d.CreatedAt, LastAttemptAt: d.LastAttemptAt, DeliveredAt: d.DeliveredAt,
		LastError: optional(d.LastError), Payload: string(d.Payload)}
	if d.LastStatusCode != 0 {
		out.LastStatusCode = &d.LastStatusCode
	}
	return out
}
