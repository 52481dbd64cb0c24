package web

import (
	"context"

	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/recert"
)

// manageStore is what the pages that manage events, organizations and accounts read and
// write besides the rest of Store.
type manageStore interface {
	Organizations(ctx context.Context, p recert.Page, scope recert.Scope) ([]recert.Organization, string, error)
	OrganizerIDs(ctx context.Context, orgIDs []string) (map[string][]string, error)
	Clients(ctx context.Context, p recert.Page, scope recert.Scope) ([]recert.Client, string, error)
	Client(ctx context.Context, id string) (recert.Client, []byte, error)
	PendingLeave(ctx context.Context, p recert.Page) ([]recert.Leave, string, error)
	LeavePeriod(ctx context.Context, id string) (recert.Leave, error)
}

// mountManage adds the pages that manage events, organizations and accounts: m for members,
// o for organizers (and administrators), a for administrators.
func (p *Pages) mountManage(m, o, a *echo.Group) {
	o.GET("/events/new", p.newEvent)
	o.POST("/events/new", p.createEvent)
	o.GET("/events/:event_id/edit", p.editEvent)
	o.POST("/events/:event_id/edit", p.updateEvent)
	o.POST("/events/:event_id/publish", p.publishEvent)
	o.POST("/attendance/:attendance_id/correct", p.correct)

	a.GET("/organizations", p.organizations)
	a.POST("/organizations", p.createOrganization)
	a.GET("/organizations/:organization_id", p.organization)
	a.POST("/organizations/:organization_id/organizers", p.createOrganizer)
	a.POST("/organizations/:organization_id/organizers/add", p.addOrganizer)
	a.GET("/leave", p.leave)
	a.POST("/leave/:leave_id", p.decideLeave)
	a.GET("/clients", p.clients)
	a.POST("/clients", p.createClient)
	a.POST("/clients/:client_id/revoke", p.revokeClient)
}
