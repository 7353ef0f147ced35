package web

// deskRoutes are the officer's inboxes, search and filing at the desk,
// and the leader's decisions queue.
func (w *app) deskRoutes(r *router) {}
