package web

// managerRoutes are the manager's dashboard and the reform report.
func (w *app) managerRoutes(r *router) {}
