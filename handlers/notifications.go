package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/notify"
	"github.com/motcua/motcua/workflow"
)

// notificationAPI serves a signed-in user's in-app notifications.
type notificationAPI struct {
	db  *gorm.DB
	eng *workflow.Engine
	now func() time.Time
}

// registerNotifications adds /notifications and /notifications/{id}/read.
func registerNotifications(g *echo.Group, d Deps, auth echo.MiddlewareFunc) {
	h := &notificationAPI{db: d.DB, eng: d.Engine, now: d.Now}
	g.GET("/notifications", h.list, auth)
	g.POST("/notifications/:id/read", h.read, auth)
}

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

// toNotificationJSON renders n.
func (h *notificationAPI) toNotificationJSON(c echo.Context, n *models.Notification) (notificationJSON, error) {
	r := &notify.Renderer{DB: h.db, Cat: h.eng.Catalogue()}
	content, err := r.Render(c.Request().Context(), n)
	if err != nil {
		return notificationJSON{}, err
	}
	out := notificationJSON{ID: n.ID, Kind: string(n.Kind), Subject: content.Subject, Body: content.Body,
		CreatedAt: rfc3339(n.CreatedAt), ReadAt: optTime(n.ReadAt)}
	if n.DossierID != nil {
		if d, err := models.GetDossier(c.Request().Context(), h.db, *n.DossierID); err == nil {
			out.Code = &d.Code
		}
	}
	return out, nil
}

// list answers GET /notifications[?limit=&cursor=]: the caller's in-app
// notifications, newest first, with how many are unread.
func (h *notificationAPI) list(c echo.Context) error {
	user := CurrentUser(c)
	var page models.DossierFilter
	if err := pageParams(c, &page); err != nil {
		return err
	}
	if page.Limit == 0 {
		page.Limit = defaultPageSize
	}
	rows, err := models.UserNotifications(c.Request().Context(), h.db, user.ID, page.AfterID, page.Limit)
	if err != nil {
		return err
	}
	items := make([]notificationJSON, len(rows))
	for i := range rows {
		if items[i], err = h.toNotificationJSON(c, &rows[i]); err != nil {
			return err
		}
	}
	unread, err := models.UnreadNotifications(c.Request().Context(), h.db, user.ID)
	if err != nil {
		return err
	}
	var next *string
	if len(rows) == page.Limit {
		s := strconv.FormatUint(rows[len(rows)-1].ID, 36)
		next = &s
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "unread": unread, "next_cursor": next})
}

// read answers POST /notifications/{id}/read; the first reading is kept.
func (h *notificationAPI) read(c echo.Context) error {
	id, err := strconv.ParseUint(c.Param("id"), 10, 64)
	if err != nil {
		return badParam("id", "mã thông báo không hợp lệ", "id is not a valid notification id")
	}
	n, err := models.MarkNotificationRead(c.Request().Context(), h.db, CurrentUser(c).ID, id, h.now())
	if errors.Is(err, models.ErrNotFound) {
		return &workflow.Error{Kind: workflow.KindNotFound, Code: "not_found", Field: "id",
			Message: "không tìm thấy thông báo / notification not found"}
	}
	if err != nil {
		return err
	}
	out, err := h.toNotificationJSON(c, n)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}
