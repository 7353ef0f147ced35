package web

// adminRoutes are the administrator's pages.
func (w *app) adminRoutes(r *router) {}
