package web

import "github.com/labstack/echo/v4"

// mountRecords adds the pages of members' own records: m for members, o for organizers (and
// administrators), a for administrators.
func (p *Pages) mountRecords(m, o, a *echo.Group) {}
