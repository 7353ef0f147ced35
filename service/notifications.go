package service

import (
	"context"
	"errors"
	"math"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/notify"
)

// NotificationView is an in-app notification rendered for its reader.
type NotificationView struct {
	models.Notification
	Code    string // the dossier's code, "" when none
	Content notify.Content
}

// NotificationPage is one page of notifications, newest first, with how
// many of the reader's are unread.
type NotificationPage struct {
	Items  []NotificationView
	Unread int64
	Next   string
}

// Notifications lists the principal's in-app notifications.
func (s *Service) Notifications(ctx context.Context, p *Principal, cursor string, limit int) (*NotificationPage, error) {
	if p == nil {
		return nil, errUnauthenticated()
	}
	var page models.DossierFilter
	if err := pageOf(cursor, limit, &page); err != nil {
		return nil, err
	}
	rows, err := models.UserNotifications(ctx, s.db, p.UserID(), page.After.ID, page.Limit)
	if err != nil {
		return nil, err
	}
	out := &NotificationPage{Items: make([]NotificationView, len(rows))}
	for i := range rows {
		if out.Items[i], err = s.renderNotification(ctx, &rows[i]); err != nil {
			return nil, err
		}
	}
	if out.Unread, err = models.UnreadNotifications(ctx, s.db, p.UserID()); err != nil {
		return nil, err
	}
	if len(rows) == page.Limit {
		out.Next = encodeCursor(models.Cursor{ID: rows[len(rows)-1].ID})
	}
	return out, nil
}

// renderNotification renders n with its dossier's code.
func (s *Service) renderNotification(ctx context.Context, n *models.Notification) (NotificationView, error) {
	r := s.renderer()
	content, err := r.Render(ctx, n)
	if err != nil {
		return NotificationView{}, err
	}
	v := NotificationView{Notification: *n, Content: content}
	if n.DossierID != nil {
		if d, err := models.GetDossier(ctx, s.db, *n.DossierID); err == nil {
			v.Code = d.Code
		}
	}
	return v, nil
}

// renderer renders notifications.
func (s *Service) renderer() *notify.Renderer {
	return &notify.Renderer{DB: s.db, Cat: s.eng.Catalogue(), PublicURL: s.publicURL}
}

// ReadNotification marks one of the principal's notifications read,
// keeping the first reading time.
func (s *Service) ReadNotification(ctx context.Context, p *Principal, id uint64) (*NotificationView, error) {
	if p == nil {
		return nil, errUnauthenticated()
	}
	notFound := errs.NotFound("id", "không tìm thấy thông báo", "notification not found")
	if id == 0 || id > math.MaxInt64 {
		return nil, notFound
	}
	n, err := models.MarkNotificationRead(ctx, s.db, p.UserID(), id, s.now())
	if errors.Is(err, models.ErrNotFound) {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	v, err := s.renderNotification(ctx, n)
	return &v, err
}

// UnreadNotifications is how many of the principal's in-app notifications
// are unread (the count beside the menu entry).
func (s *Service) UnreadNotifications(ctx context.Context, p *Principal) (int64, error) {
	if p == nil {
		return 0, errUnauthenticated()
	}
	return models.UnreadNotifications(ctx, s.db, p.UserID())
}
