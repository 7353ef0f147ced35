package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models/modelstest"
)

// notificationsPage is the answer of GET /notifications.
type notificationsPage struct {
	Items []struct {
		ID      uint64  `json:"id"`
		Kind    string  `json:"kind"`
		Code    *string `json:"code"`
		Subject string  `json:"subject"`
		Body    string  `json:"body"`
		ReadAt  *string `json:"read_at"`
	} `json:"items"`
	Unread     int     `json:"unread"`
	NextCursor *string `json:"next_cursor"`
}

// TestNotificationsOverHTTP: receiving the investor's dossier and
// requesting a supplement put two notifications, newest first, in the
// investor's list, in Vietnamese with the dossier code and the due date;
// reading one keeps the first reading; other users see none and cannot
// mark them.
func TestNotificationsOverHTTP(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newAPIFixture(t, db)
		events := "/api/v1/dossiers/" + f.code + "/events"
		for i, ev := range []map[string]any{{"event": "receive", "version": 1}, {"event": "assign", "version": 2},
			{"event": "request_supplement", "version": 3, "comment": "Thiếu bản vẽ mặt bằng"}} {
			if st := f.call(t, f.tokens["hbi.officer"], http.MethodPost, events, ev, nil); st != http.StatusOK {
				t.Fatalf("event %d: %d", i, st)
			}
		}
		var page notificationsPage
		if st := f.call(t, f.tokens["hbi.investor"], http.MethodGet, "/api/v1/notifications", nil, &page); st != http.StatusOK {
			t.Fatalf("list: %d", st)
		}
		if len(page.Items) != 2 || page.Unread != 2 || page.Items[0].Kind != "supplement_requested" ||
			page.Items[1].Kind != "received" || page.Items[0].Code == nil || *page.Items[0].Code != f.code {
			t.Fatalf("page %+v", page)
		}
		recv := page.Items[1]
		// Received Mon 16/11/2026 09:00: 10 working days (24/11 off) end Tue 01/12/2026.
		if recv.Subject != "Hồ sơ "+f.code+" đã được tiếp nhận / Dossier "+f.code+" received" ||
			!strings.Contains(recv.Body, "01/12/2026") || !strings.Contains(page.Items[0].Body, "Thiếu bản vẽ mặt bằng") {
			t.Fatalf("received: %q / %q; supplement body %q", recv.Subject, recv.Body, page.Items[0].Body)
		}
		read := "/api/v1/notifications/" + strconv.FormatUint(recv.ID, 10) + "/read"
		for _, who := range []string{"hbi.investor2", "hbi.officer"} {
			var bad apiError
			if st := f.call(t, f.tokens[who], http.MethodPost, read, nil, &bad); st != http.StatusNotFound || bad.Error.Details["field"] != "id" {
				t.Fatalf("%s marked another's notification: %d %+v", who, st, bad)
			}
			var other notificationsPage
			if f.call(t, f.tokens[who], http.MethodGet, "/api/v1/notifications", nil, &other); len(other.Items) != 0 {
				t.Fatalf("%s sees %d notifications", who, len(other.Items))
			}
		}
		var first, again struct {
			ReadAt *string `json:"read_at"`
		}
		if st := f.call(t, f.tokens["hbi.investor"], http.MethodPost, read, nil, &first); st != http.StatusOK || first.ReadAt == nil {
			t.Fatalf("read: %d %+v", st, first)
		}
		f.call(t, f.tokens["hbi.investor"], http.MethodPost, read, nil, &again)
		if again.ReadAt == nil || *again.ReadAt != *first.ReadAt {
			t.Fatalf("second read changed read_at: %v → %v", *first.ReadAt, again.ReadAt)
		}
		f.call(t, f.tokens["hbi.investor"], http.MethodGet, "/api/v1/notifications?limit=1", nil, &page)
		if len(page.Items) != 1 || page.Unread != 1 || page.NextCursor == nil {
			t.Fatalf("first page of one: %+v", page)
		}
		f.call(t, f.tokens["hbi.investor"], http.MethodGet, "/api/v1/notifications?limit=1&cursor="+*page.NextCursor, nil, &page)
		if len(page.Items) != 1 || page.Items[0].ID != recv.ID || page.Items[0].ReadAt == nil {
			t.Fatalf("second page: %+v", page)
		}
	})
}
