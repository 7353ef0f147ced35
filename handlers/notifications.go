package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/motcua/motcua/service"
)

// notificationJSON is an in-app notification as the API shows it.
type notificationJSON struct {
	ID        uint64  `json:"id"`
	Kind      string  `json:"kind"`
	Code      *string `json:"code"` // the dossier's code
	Subject   string  `json:"subject"`
	Body      string  `json:"body"`
	CreatedAt string  `json:"created_at"`
	ReadAt    *string `json:"read_at"`
}

func toNotificationJSON(n *service.NotificationView) notificationJSON {
	return notificationJSON{ID: n.ID, Kind: string(n.Kind), Code: optString(n.Code), Subject: n.Content.Subject,
		Body: n.Content.Body, CreatedAt: rfc3339(n.CreatedAt), ReadAt: optTime(n.ReadAt)}
}

// notifications answers GET /notifications[?limit=&cursor=]: the caller's
// in-app notifications, newest first, with how many are unread.
func (a *api) notifications(c echo.Context) error {
	var limit int
	if err := firstErr(queryOnly(c, "cursor", "limit"), bindInto(&limit, intQuery, c, "limit")); err != nil {
		return err
	}
	p, err := a.svc.Notifications(c.Request().Context(), principal(c), c.QueryParam("cursor"), limit)
	if err != nil {
		return err
	}
	items := make([]notificationJSON, len(p.Items))
	for i := range p.Items {
		items[i] = toNotificationJSON(&p.Items[i])
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "unread": p.Unread, "next_cursor": optString(p.Next)})
}

// readNotification answers POST /notifications/{id}/read; the first reading is kept.
func (a *api) readNotification(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := queryOnly(c); err != nil {
		return err
	}
	n, err := a.svc.ReadNotification(c.Request().Context(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toNotificationJSON(n))
}
