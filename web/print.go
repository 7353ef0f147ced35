package web

// printRoutes are the printable forms of a dossier (A4, national heading).
func (w *app) printRoutes(r *router) {}
