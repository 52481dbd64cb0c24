package httpapi_test

import (
	"strings"
	"testing"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/recert"
)

// webhookManage is who manages organization A's subscription: its organizers and the
// administrators; its apps manage only their own.
func webhookManage(ok int) [8]int { return [8]int{401, 403, 403, ok, 404, 404, 403, ok} }

var webhookRows = []accessRow{
	{"rotateCalendarFeed", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.RotateCalendarFeedWithResponse(t.Context(), as)
	}, [8]int{401, 200, 200, 403, 403, 403, 403, 403}},
	{"getCalendarFeed", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetCalendarFeedWithResponse(t.Context(), "rcf_"+strings.Repeat("A", 43), nil, as)
	}, [8]int{404, 404, 404, 404, 404, 404, 404, 404}},
	{"updateMe", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		var body api.MeUpdate
		body.Preferences.DeadlineReminders = ptr(true)
		return w.env.Client.UpdateMeWithResponse(t.Context(), body, as)
	}, [8]int{401, 200, 200, 200, 200, 403, 403, 200}},
	{"listWebhooks", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.ListWebhooksWithResponse(t.Context(), nil, as)
	}, [8]int{401, 403, 403, 200, 200, 200, 403, 200}},
	{"createWebhook", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.CreateWebhookWithResponse(t.Context(), api.WebhookInput{URL: "https://hooks.example.org/recert",
			EventTypes: []api.WebhookEventType{"attendance.revoked"}}, as)
	}, [8]int{401, 403, 403, 201, 201, 201, 403, 201}},
	{"getWebhook", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.GetWebhookWithResponse(t.Context(), w.webhook(t).ID, nil, as)
	}, webhookManage(200)},
	{"updateWebhook", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.UpdateWebhookWithResponse(t.Context(), w.webhook(t).ID, api.WebhookUpdate{Enabled: ptr(true)}, as)
	}, webhookManage(200)},
	{"deleteWebhook", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.DeleteWebhookWithResponse(t.Context(), w.webhook(t).ID, as)
	}, webhookManage(204)},
	{"rotateWebhookSecret", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.RotateWebhookSecretWithResponse(t.Context(), w.webhook(t).ID, as)
	}, webhookManage(200)},
	{"listWebhookDeliveries", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		return w.env.Client.ListWebhookDeliveriesWithResponse(t.Context(), w.webhook(t).ID, nil, as)
	}, webhookManage(200)},
	{"redeliverWebhook", func(t *testing.T, w *world, as api.RequestEditorFn) (statusCoder, error) {
		wh := w.webhook(t)
		d, err := w.env.Store.CreateDelivery(t.Context(), recert.WebhookDelivery{SubscriptionID: wh.ID, EventType: "attendance.revoked", Payload: []byte(`{}`)})
		if err != nil {
			t.Fatal(err)
		}
		return w.env.Client.RedeliverWebhookWithResponse(t.Context(), wh.ID, d.ID, as)
	}, webhookManage(202)},
}

// webhook is a fresh subscription of organization A, disabled so nothing is sent to it.
func (w *world) webhook(t *testing.T) recert.Webhook {
	t.Helper()
	wh, err := w.env.Store.CreateWebhook(t.Context(), recert.Webhook{OrganizationID: w.orgA.ID, URL: "https://hooks.example.org/a",
		EventTypes: []string{"attendance.revoked"}, Secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	return wh
}
