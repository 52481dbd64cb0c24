package store

import (
	"context"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/recert-dev/recert/internal/recert"
)

type webhookRow struct {
	ID             string `gorm:"primaryKey"`
	OrganizationID *string
	ClientID       *string
	URL            string
	EventTypes     string // comma-separated
	Description    string
	Secret         string
	PreviousSecret string
	// PreviousSecretExpiresAt is when PreviousSecret stops signing.
	PreviousSecretExpiresAt *time.Time
	Status                  string
	DisabledReason          string
	FailingSince            *time.Time
	CreatedAt               time.Time
	CreatedBy               string
	UpdatedAt               time.Time
}

func (webhookRow) TableName() string { return "webhook_subscriptions" }

func (r webhookRow) webhook() recert.Webhook {
	return recert.Webhook{ID: r.ID, OrganizationID: deref(r.OrganizationID), ClientID: deref(r.ClientID), URL: r.URL,
		EventTypes: strings.Split(r.EventTypes, ","), Description: r.Description, Secret: r.Secret, Status: r.Status,
		PreviousSecret: r.PreviousSecret, PreviousSecretExpiresAt: r.PreviousSecretExpiresAt,
		DisabledReason: r.DisabledReason, FailingSince: r.FailingSince, CreatedAt: r.CreatedAt, CreatedBy: r.CreatedBy}
}

func toWebhookRow(w recert.Webhook) webhookRow {
	return webhookRow{ID: w.ID, OrganizationID: nullable(w.OrganizationID), ClientID: nullable(w.ClientID), URL: w.URL,
		EventTypes: strings.Join(w.EventTypes, ","), Description: w.Description, Secret: w.Secret, Status: w.Status,
		PreviousSecret: w.PreviousSecret, PreviousSecretExpiresAt: w.PreviousSecretExpiresAt,
		DisabledReason: w.DisabledReason, FailingSince: w.FailingSince, CreatedAt: w.CreatedAt, CreatedBy: w.CreatedBy}
}

type deliveryRow struct {
	ID             string `gorm:"primaryKey"`
	SubscriptionID string
	EventType      string
	Payload        string
	Status         string
	Attempts       int
	LastStatusCode *int
	LastError      string
	LastAttemptAt  *time.Time
	DeliveredAt    *time.Time
	CreatedAt      time.Time
}

func (deliveryRow) TableName() string { return "webhook_deliveries" }

func (r deliveryRow) delivery() recert.WebhookDelivery {
	d := recert.WebhookDelivery{ID: r.ID, SubscriptionID: r.SubscriptionID, EventType: r.EventType, Payload: []byte(r.Payload),
		Status: r.Status, Attempts: r.Attempts, LastError: r.LastError, LastAttemptAt: r.LastAttemptAt,
		DeliveredAt: r.DeliveredAt, CreatedAt: r.CreatedAt}
	if r.LastStatusCode != nil {
		d.LastStatusCode = *r.LastStatusCode
	}
	return d
}

// CreateWebhook stores a new subscription, active.
func (s *Store) CreateWebhook(ctx context.Context, w recert.Webhook, actor string) (recert.Webhook, error) {
	w.ID, w.Status, w.CreatedAt, w.CreatedBy = recert.NewID(recert.PrefixWebhook), recert.WebhookActive, s.now(), actor
	row := toWebhookRow(w)
	row.UpdatedAt = w.CreatedAt
	if err := s.conn(ctx).Create(&row).Error; err != nil {
		return recert.Webhook{}, TranslateError(err, "webhook")
	}
	return row.webhook(), nil
}

// Webhook returns a subscription, its secret included.
func (s *Store) Webhook(ctx context.Context, id string) (recert.Webhook, error) {
	var row webhookRow
	if err := s.conn(ctx).Take(&row, "id = ?", id).Error; err != nil {
		return recert.Webhook{}, TranslateError(err, "webhook "+id)
	}
	return row.webhook(), nil
}

// Webhooks lists the subscriptions of the scope's organizations, oldest first (an app's:
// clientID's only).
func (s *Store) Webhooks(ctx context.Context, scope recert.Scope, clientID string) ([]recert.Webhook, error) {
	q := inScope(s.conn(ctx).Order("created_at, id"), "organization_id", scope)
	if clientID != "" {
		q = q.Where("client_id = ?", clientID)
	}
	var rows []webhookRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, TranslateError(err, "webhooks")
	}
	out := make([]recert.Webhook, len(rows))
	for i, r := range rows {
		out[i] = r.webhook()
	}
	return out, nil
}

// Subscribers returns the active subscriptions that take events of type t about the
// organization's objects.
func (s *Store) Subscribers(ctx context.Context, t, orgID string) ([]recert.Webhook, error) {
	var rows []webhookRow
	err := s.conn(ctx).Where("status = ? AND (organization_id IS NULL OR organization_id = ?)", recert.WebhookActive, orgID).
		Order("id").Find(&rows).Error
	if err != nil {
		return nil, TranslateError(err, "webhooks")
	}
	var out []recert.Webhook
	for _, r := range rows {
		if w := r.webhook(); w.Wants(t, orgID) {
			out = append(out, w)
		}
	}
	return out, nil
}

// UpdateWebhook applies change to a subscription.
func (s *Store) UpdateWebhook(ctx context.Context, id string, change func(*recert.Webhook) error) (recert.Webhook, error) {
	var out recert.Webhook
	err := s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		var row webhookRow
		if err := tx.Take(&row, "id = ?", id).Error; err != nil {
			return TranslateError(err, "webhook "+id)
		}
		w := row.webhook()
		if err := change(&w); err != nil {
			return err
		}
		next := toWebhookRow(w)
		next.UpdatedAt = s.now()
		if err := tx.Save(&next).Error; err != nil {
			return TranslateError(err, "webhook")
		}
		out = next.webhook()
		return nil
	})
	return out, err
}

// DeleteWebhook removes a subscription and its delivery log.
func (s *Store) DeleteWebhook(ctx context.Context, id string) error {
	res := s.conn(ctx).Delete(&webhookRow{}, "id = ?", id)
	if res.Error != nil {
		return TranslateError(res.Error, "webhook")
	}
	if res.RowsAffected == 0 {
		return recert.Errorf(recert.ENOTFOUND, "webhook %s not found", id)
	}
	return nil
}

// CreateDelivery stores a pending delivery of an event to a subscription.
func (s *Store) CreateDelivery(ctx context.Context, d recert.WebhookDelivery) (recert.WebhookDelivery, error) {
	row := deliveryRow{ID: recert.NewID(recert.PrefixDelivery), SubscriptionID: d.SubscriptionID, EventType: d.EventType,
		Payload: string(d.Payload), Status: recert.DeliveryPending, CreatedAt: s.now()}
	if err := s.conn(ctx).Create(&row).Error; err != nil {
		return recert.WebhookDelivery{}, TranslateError(err, "delivery")
	}
	return row.delivery(), nil
}

// Delivery returns one delivery.
func (s *Store) Delivery(ctx context.Context, id string) (recert.WebhookDelivery, error) {
	var row deliveryRow
	if err := s.conn(ctx).Take(&row, "id = ?", id).Error; err != nil {
		return recert.WebhookDelivery{}, TranslateError(err, "delivery "+id)
	}
	return row.delivery(), nil
}

// Deliveries returns a subscription's deliveries, newest first, after the one named by after (a
// delivery id) when it is set.
func (s *Store) Deliveries(ctx context.Context, subscriptionID string, limit int, after string) ([]recert.WebhookDelivery, error) {
	var rows []deliveryRow
	q := s.conn(ctx).Where("subscription_id = ?", subscriptionID)
	if after != "" {
		// Older than the delivery the cursor names, in the same (created_at, id) order; no
		// rows when it is not this subscription's.
		q = q.Where(`EXISTS (SELECT 1 FROM webhook_deliveries c WHERE c.id = ? AND c.subscription_id = webhook_deliveries.subscription_id
			AND (webhook_deliveries.created_at < c.created_at OR (webhook_deliveries.created_at = c.created_at AND webhook_deliveries.id < c.id)))`, after)
	}
	err := q.Order("created_at DESC, id DESC").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, TranslateError(err, "deliveries")
	}
	out := make([]recert.WebhookDelivery, len(rows))
	for i, r := range rows {
		out[i] = r.delivery()
	}
	return out, nil
}

// RecordAttempt logs one try at a delivery and keeps the subscription's failing streak: it
// ends on a success and starts on the first failure after one. It returns the subscription
// as it is after the try.
func (s *Store) RecordAttempt(ctx context.Context, deliveryID string, a recert.WebhookAttempt) (recert.Webhook, error) {
	var out recert.Webhook
	err := s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		var d deliveryRow
		if err := tx.Take(&d, "id = ?", deliveryID).Error; err != nil {
			return TranslateError(err, "delivery "+deliveryID)
		}
		now := s.now()
		d.Attempts++
		d.LastAttemptAt, d.LastError = &now, a.Error
		d.LastStatusCode = nil
		if a.StatusCode != 0 {
			d.LastStatusCode = &a.StatusCode
		}
		var streak any = gorm.Expr("COALESCE(failing_since, ?)", now)
		switch {
		case a.Error == "":
			d.Status, d.DeliveredAt, streak = recert.DeliveryDelivered, &now, nil
		case a.Final:
			d.Status = recert.DeliveryFailed
		}
		if err := tx.Save(&d).Error; err != nil {
			return TranslateError(err, "delivery")
		}
		if err := tx.Model(&webhookRow{}).Where("id = ?", d.SubscriptionID).Update("failing_since", streak).Error; err != nil {
			return TranslateError(err, "webhook")
		}
		var row webhookRow
		if err := tx.Take(&row, "id = ?", d.SubscriptionID).Error; err != nil {
			return TranslateError(err, "webhook")
		}
		out = row.webhook()
		return nil
	})
	return out, err
}

// ResetDelivery marks a delivery pending again, for a manual redelivery.
func (s *Store) ResetDelivery(ctx context.Context, id string) (recert.WebhookDelivery, error) {
	res := s.conn(ctx).Model(&deliveryRow{}).Where("id = ?", id).Updates(map[string]any{"status": recert.DeliveryPending, "delivered_at": nil})
	if res.Error != nil {
		return recert.WebhookDelivery{}, TranslateError(res.Error, "delivery")
	}
	return s.Delivery(ctx, id)
}

type progressStateRow struct {
	SubscriptionID string `gorm:"primaryKey"`
	MemberID       string `gorm:"primaryKey"`
	ProgramID      string `gorm:"primaryKey"`
	PeriodStart    date   `gorm:"primaryKey"`
	Status         string
	UpdatedAt      time.Time
}

func (progressStateRow) TableName() string { return "webhook_progress" }

// ProgressSeen returns the statuses a subscription was last told for the member, by
// "program_id/period_start".
func (s *Store) ProgressSeen(ctx context.Context, subscriptionID, memberID string) (map[string]string, error) {
	var rows []progressStateRow
	if err := s.conn(ctx).Where("subscription_id = ? AND member_id = ?", subscriptionID, memberID).Find(&rows).Error; err != nil {
		return nil, TranslateError(err, "progress seen")
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.ProgramID+"/"+r.PeriodStart.day().String()] = r.Status
	}
	return out, nil
}

// SeeProgress records the status a subscription is told for a member's program period.
func (s *Store) SeeProgress(ctx context.Context, subscriptionID, memberID, programID string, periodStart recert.Date, status string) error {
	row := progressStateRow{SubscriptionID: subscriptionID, MemberID: memberID, ProgramID: programID, PeriodStart: date(periodStart),
		Status: status, UpdatedAt: s.now()}
	return TranslateError(s.conn(ctx).Clauses(clause.OnConflict{UpdateAll: true}).Create(&row).Error, "progress seen")
}

// WebhooksFor returns every active subscription taking events of type t, whoever owns it.
func (s *Store) WebhooksFor(ctx context.Context, t string) ([]recert.Webhook, error) {
	var rows []webhookRow
	if err := s.conn(ctx).Where("status = ?", recert.WebhookActive).Order("id").Find(&rows).Error; err != nil {
		return nil, TranslateError(err, "webhooks")
	}
	var out []recert.Webhook
	for _, r := range rows {
		if w := r.webhook(); slices.Contains(w.EventTypes, t) {
			out = append(out, w)
		}
	}
	return out, nil
}
