package web

// dossierRoutes are the investor's dossiers, the new-dossier wizard and
// the dossier page every role opens.
func (w *app) dossierRoutes(r *router) {}
