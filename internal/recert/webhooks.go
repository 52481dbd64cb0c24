package recert

import (
	"slices"
	"time"
)

// Id prefixes of webhooks.
const (
	PrefixWebhook  = "whk"
	PrefixDelivery = "msg"
)

// Webhook states.
const (
	WebhookActive   = "active"
	WebhookDisabled = "disabled"
)

// WebhookEventTypes are the events a subscription can ask for.
var WebhookEventTypes = []string{"attendance.posted", "attendance.corrected", "attendance.revoked",
	"dispute.filed", "dispute.decided", "activity.reviewed", "progress.status_changed", "credential.issued", "credential.revoked"}

// Webhook is a subscription: an organization's, one of its apps', or (with neither) the
// registry's, which receives every event.
type Webhook struct {
	ID             string
	OrganizationID string // "" for a registry-wide subscription
	ClientID       string // the app that owns it, if an app subscribed
	URL            string
	EventTypes     []string
	Description    string
	Secret         string // whsec_…; signs every delivery
	// PreviousSecret, until PreviousSecretExpiresAt, signs every delivery too, so a
	// consumer has a day to switch to a rotated secret.
	PreviousSecret          string
	PreviousSecretExpiresAt *time.Time
	Status                  string
	DisabledReason          string
	FailingSince            *time.Time
	CreatedAt               time.Time
	CreatedBy               string
}

// SecretOverlap is how long a rotated-out secret keeps signing deliveries beside the new one.
const SecretOverlap = 24 * time.Hour

// Rotate makes secret the signing secret; the one it replaces signs beside it until
// SecretOverlap has passed. Rotating again within the overlap drops the oldest secret.
func (w *Webhook) Rotate(secret string, now time.Time) {
	until := now.Add(SecretOverlap)
	w.PreviousSecret, w.PreviousSecretExpiresAt, w.Secret = w.Secret, &until, secret
}

// SigningSecrets are the secrets that sign a delivery sent at now: the current one first.
func (w Webhook) SigningSecrets(now time.Time) []string {
	if w.PreviousSecret != "" && w.PreviousSecretExpiresAt != nil && now.Before(*w.PreviousSecretExpiresAt) {
		return []string{w.Secret, w.PreviousSecret}
	}
	return []string{w.Secret}
}

// Wants reports whether the subscription takes events of type t about the organization's
// objects.
func (w Webhook) Wants(t, orgID string) bool {
	return w.Status == WebhookActive && slices.Contains(w.EventTypes, t) &&
		(w.OrganizationID == "" || w.OrganizationID == orgID)
}

// Delivery states.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed"
)

// WebhookDelivery is one event sent to one subscription, however many attempts it takes.
type WebhookDelivery struct {
	ID             string // the webhook-id every attempt carries
	SubscriptionID string
	EventType      string
	Payload        []byte
	Status         string
	Attempts       int
	LastStatusCode int
	LastError      string
	LastAttemptAt  *time.Time
	DeliveredAt    *time.Time
	CreatedAt      time.Time
}

// WebhookAttempt is the outcome of one try at a delivery.
type WebhookAttempt struct {
	StatusCode int    // 0 when no answer came
	Error      string // "" when delivered
	Final      bool   // no more tries will be made
}
