package web

import (
	"github.com/labstack/echo/v4"

	"github.com/motcua/motcua/workflow"
)

// Roles, for the route table.
const (
	investor = workflow.RoleInvestor
	officer  = workflow.RoleOfficer
	leader   = workflow.RoleLeader
	manager  = workflow.RoleManager
	admin    = workflow.RoleAdmin
)

// routes is the route table of the pages, area by area; each area's file
// registers its own.
func (w *app) routes(r *router) {
	r.e.GET("/static/:name", w.assets.serve, compress)
	r.get("/lang/:lang", w.switchLanguage)
	w.publicRoutes(r)
	w.accountRoutes(r)
	w.dossierRoutes(r)
	w.deskRoutes(r)
	w.printRoutes(r)
	w.managerRoutes(r)
	w.adminRoutes(r)
}

// home answers GET /: a visitor sees the public front page, a signed-in
// user is sent to the first page of their role.
func (w *app) home(c echo.Context) error {
	p := principalOf(c)
	if p == nil {
		page := w.page(c, "home.title")
		return w.render(c, statusOK, "public/home", page)
	}
	return redirect(c, homeOf(p.Role()))
}

// homeOf is the first page of a role.
func homeOf(r workflow.Role) string {
	switch r {
	case investor:
		return "/dossiers"
	case officer:
		return "/desk"
	case leader:
		return "/decisions"
	case manager:
		return "/dashboard"
	case admin:
		return "/admin/users"
	}
	return "/"
}
