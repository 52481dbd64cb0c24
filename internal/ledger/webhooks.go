package ledger

import (
	"context"

	"github.com/recert-dev/recert/internal/recert"
)

// WebhookChange is what an owner may change of a subscription; nil leaves a field as it is.
type WebhookChange struct {
	URL        *string
	EventTypes []string // nil: unchanged
	Enabled    *bool
}

// Apply changes w: enabling one clears its failures, disabling says its owner did.
func (c WebhookChange) Apply(w *recert.Webhook) {
	if c.URL != nil {
		w.URL = *c.URL
	}
	if c.EventTypes != nil {
		w.EventTypes = c.EventTypes
	}
	if c.Enabled != nil {
		w.Status, w.DisabledReason, w.FailingSince = recert.WebhookActive, "", nil
		if !*c.Enabled {
			w.Status, w.DisabledReason = recert.WebhookDisabled, "disabled by its owner"
		}
	}
}

// WebhookOwner is the organization a new subscription of p is for: any (or the registry)
// for an administrator; the one p acts for, or the one p names among them, for others.
func WebhookOwner(p recert.Principal, asked string) (string, error) {
	switch {
	case p.IsAdmin():
		return asked, nil
	case asked == "" && len(p.OrganizationIDs) == 1:
		return p.OrganizationIDs[0], nil
	case asked == "":
		return "", FieldError("#/organization_id", "say which of your organizations subscribes")
	case !p.ActsFor(asked):
		return "", FieldError("#/organization_id", "not an organization you act for")
	}
	return asked, nil
}

// Subscribe stores a new subscription of p's; an app's is its own.
func (r *Registry) Subscribe(ctx context.Context, p recert.Principal, w recert.Webhook) (recert.Webhook, error) {
	if p.Role == recert.RoleClient {
		w.ClientID = p.Subject
	}
	return r.store.CreateWebhook(ctx, w, p.Subject)
}

// ChangeWebhook applies the change to a subscription.
func (r *Registry) ChangeWebhook(ctx context.Context, id string, c WebhookChange) (recert.Webhook, error) {
	return r.store.UpdateWebhook(ctx, id, func(w *recert.Webhook) error {
		c.Apply(w)
		return nil
	})
}

// RotateWebhookSecret gives a subscription a new signing secret; the old one keeps signing
// for a day (recert.Webhook.Rotate).
func (r *Registry) RotateWebhookSecret(ctx context.Context, id, secret string) (recert.Webhook, error) {
	return r.store.UpdateWebhook(ctx, id, func(w *recert.Webhook) error {
		w.Rotate(secret, r.now())
		return nil
	})
}

// Unsubscribe removes a subscription.
func (r *Registry) Unsubscribe(ctx context.Context, id string) error {
	return r.store.DeleteWebhook(ctx, id)
}
