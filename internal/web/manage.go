package web

import "github.com/labstack/echo/v4"

// mountManage adds the pages that manage events, organizations and accounts: m for members,
// o for organizers (and administrators), a for administrators.
func (p *Pages) mountManage(m, o, a *echo.Group) {}
