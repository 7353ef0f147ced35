package handlers

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
)

// post sends a JSON body with an optional Idempotency-Key.
func (f *apiFixture) post(t *testing.T, user, path, key string, body any, into any) (int, http.Header) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+f.tokens[user])
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	json.NewDecoder(res.Body).Decode(into)
	return res.StatusCode, res.Header
}

type submitted struct {
	Code      string `json:"code"`
	Channel   string `json:"channel"`
	State     string `json:"state"`
	Version   int    `json:"version"`
	Procedure string `json:"procedure"`
	apiError
}

func dossierCount(t *testing.T, db *gorm.DB) int64 {
	var n int64
	db.Model(&models.Dossier{}).Count(&n)
	return n
}

func TestSubmitOverHTTP(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newAPIFixture(t, db)
		body := map[string]any{"board": "HBI", "procedure": "union-registration", "variant": "standard",
			"applicant_name": "Công đoàn cơ sở Công ty TNHH Một Cửa"}
		cases := []struct {
			user   string
			body   map[string]any
			status int
			want   string // channel created, or the error code
		}{
			{"hbi.investor", body, 201, "online"},
			{"hbi.officer", body, 201, "direct"},
			{"hbi.officer", merge(body, "channel", "postal"), 201, "postal"},
			{"hbi.investor", merge(body, "channel", "direct"), 403, "role_not_allowed"},
			{"hbi.leader", body, 403, "role_not_allowed"},
			{"hbi.investor", merge(body, "procedure", "no-such"), 400, "invalid_procedure"},
			{"hbi.investor", merge(body, "variant", "x"), 400, "invalid_variant"},
			{"hbi.investor", merge(body, "applicant_name", " "), 400, "invalid_applicant_name"},
			{"hbi.officer", merge(body, "investor_id", 9999), 400, "invalid_investor_id"},
			{"hbi.officer", merge(body, "zone_id", 9999), 400, "invalid_zone_id"},
			{"hbi.investor", merge(body, "board", ""), 400, "invalid_board"},
			{"hbi.investor", merge(body, "board", "XYZ"), 400, "invalid_board"},
			{"hbi.officer", merge(body, "board", "BGG"), 400, "invalid_board"},
			{"hbi.investor", merge(body, "colour", "red"), 400, "invalid_colour"},
			{"hbi.investor", merge(body, "applicant_name", "Công ty\u0000"), 400, "invalid_applicant_name"},
			{"hbi.investor", merge(body, "applicant_name", strings.Repeat("x", 256)), 400, "invalid_applicant_name"},
			{"hbi.officer", merge(body, "investor_id", uint64(1)<<63), 400, "invalid_investor_id"},
		}
		for _, c := range cases {
			var out submitted
			status, _ := f.post(t, c.user, "/api/v1/dossiers", "", c.body, &out)
			got := out.Channel
			if status >= 400 {
				got = out.Error.Code
			}
			if status != c.status || got != c.want {
				t.Fatalf("%s submits %v: %d %q, want %d %q", c.user, c.body, status, got, c.status, c.want)
			}
			if status == 201 && (out.State != "submitted" || out.Version != 1 || !codeFormat(out.Code)) {
				t.Fatalf("created %+v", out)
			}
		}
	})
}

func merge(m map[string]any, k string, v any) map[string]any {
	out := map[string]any{k: v}
	for key, val := range m {
		if key != k {
			out[key] = val
		}
	}
	return out
}

func codeFormat(code string) bool {
	return len(code) == len("000.20.30.H33-261116-0001") && code[:14] == "000.20.30.H33-"
}

func TestSubmitIdempotencyKey(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newAPIFixture(t, db)
		before := dossierCount(t, db)
		body := map[string]any{"board": "HBI", "procedure": "investment-certificate", "variant": "issue_without_policy",
			"applicant_name": "Công ty TNHH Lặp Lại"}
		var first, again submitted
		status, _ := f.post(t, "hbi.investor", "/api/v1/dossiers", "k-1", body, &first)
		status2, hdr := f.post(t, "hbi.investor", "/api/v1/dossiers", "k-1", body, &again)
		if status != 201 || status2 != 200 || again.Code != first.Code || hdr.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("replay: %d %s then %d %s", status, first.Code, status2, again.Code)
		}
		var reused submitted
		if status, _ := f.post(t, "hbi.investor", "/api/v1/dossiers", "k-1", merge(body, "title", "khác"), &reused); status != 422 || reused.Error.Code != "idempotency_key_reused" {
			t.Fatalf("same key, other body: %d %+v", status, reused.Error)
		}
		// The same key from another user is another key.
		var other submitted
		if status, _ := f.post(t, "hbi.investor2", "/api/v1/dossiers", "k-1", body, &other); status != 201 || other.Code == first.Code {
			t.Fatalf("another user's k-1: %d %s", status, other.Code)
		}
		// Ten concurrent retries of one request create one dossier.
		var wg sync.WaitGroup
		codes := make([]string, 10)
		for i := range codes {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				var out submitted
				f.post(t, "hbi.officer", "/api/v1/dossiers", "k-concurrent", body, &out)
				codes[i] = out.Code
			}(i)
		}
		wg.Wait()
		for _, c := range codes {
			if c == "" || c != codes[0] {
				t.Fatalf("concurrent retries got codes %v", codes)
			}
		}
		if n := dossierCount(t, db); n != before+3 {
			t.Fatalf("%d new dossiers, want 3", n-before)
		}
	})
}

func TestReceipt(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newAPIFixture(t, db)
		var bad apiError
		if status := f.call(t, f.tokens["hbi.investor"], "GET", "/api/v1/dossiers/"+f.code+"/receipt", nil, &bad); status != 409 || bad.Error.Code != "not_received" {
			t.Fatalf("receipt before receipt: %d %+v", status, bad.Error)
		}
		f.call(t, f.tokens["hbi.officer"], "POST", "/api/v1/dossiers/"+f.code+"/events", map[string]any{"event": "receive", "version": 1}, nil)
		var r struct {
			Form         string `json:"form"`
			Code         string `json:"code"`
			ReceivedText string `json:"received_text"`
			DueDate      string `json:"due_date"`
			ReceivedBy   string `json:"received_by"`
			Documents    []struct {
				Required, Received bool
			} `json:"documents"`
		}
		if status := f.call(t, f.tokens["hbi.investor"], "GET", "/api/v1/dossiers/"+f.code+"/receipt", nil, &r); status != 200 {
			t.Fatalf("receipt: %d", status)
		}
		// Received Mon 16/11/2026 09:00: 10 working days, skipping 24/11.
		if r.Form != "01" || r.Code != f.code || r.ReceivedText != "09 giờ 00 phút, ngày 16/11/2026" || r.DueDate != "01/12/2026" || r.ReceivedBy != "hbi.officer" || len(r.Documents) == 0 {
			t.Fatalf("receipt %+v", r)
		}
		for _, d := range r.Documents {
			if d.Required && !d.Received {
				t.Fatalf("a required document is not marked received: %+v", r.Documents)
			}
		}
	})
}
