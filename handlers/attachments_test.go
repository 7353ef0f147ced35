package handlers

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/service"
)

// attachFixture is apiFixture plus a server that has the attachment routes
// and the data directory they write to.
type attachFixture struct {
	*apiFixture
	srv     *httptest.Server
	dataDir string
}

func newAttachFixture(t *testing.T, db *gorm.DB) *attachFixture {
	t.Helper()
	f := newAPIFixture(t, db)
	return &attachFixture{apiFixture: f, srv: f.srv, dataDir: f.dataDir}
}

type uploadResult struct {
	status int
	att    attachmentJSON
	err    apiError
}

// upload posts a multipart form as user; fields with an empty value are left out.
func (f *attachFixture) upload(t *testing.T, user, code, docCode, fileName string, content []byte) uploadResult {
	t.Helper()
	return f.uploadTo(t, user, "/api/v1/dossiers/"+code+"/attachments", docCode, fileName, content)
}

// uploadTo posts a multipart form to path as user.
func (f *attachFixture) uploadTo(t *testing.T, user, path, docCode, fileName string, content []byte) uploadResult {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if docCode != "" {
		mw.WriteField("document_code", docCode)
	}
	if content != nil {
		w, _ := mw.CreateFormFile("file", fileName)
		w.Write(content)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+f.tokens[user])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := uploadResult{status: res.StatusCode}
	if res.StatusCode == http.StatusCreated {
		json.Unmarshal(raw, &out.att)
	} else if err := json.Unmarshal(raw, &out.err); err != nil || out.err.Error.Code == "" {
		t.Fatalf("upload %s: %d with a body not in the error shape: %s", fileName, res.StatusCode, raw)
	}
	return out
}

// get fetches path as user.
func (f *attachFixture) get(t *testing.T, user, path string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+f.tokens[user])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res, raw
}

// stored lists the files (not directories) under <data>/attachments.
func (f *attachFixture) stored(t *testing.T) []string {
	t.Helper()
	var files []string
	root := filepath.Join(f.dataDir, "attachments")
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	return files
}

func (f *attachFixture) rows(t *testing.T) int64 {
	t.Helper()
	var n int64
	if err := f.db.Model(&models.Attachment{}).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func minimalPDF() []byte {
	return []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n" +
		"trailer<</Root 1 0 R>>\n%%EOF\n")
}

// officeZip builds a minimal Office Open XML package with the given main part.
func officeZip(t *testing.T, mainPart string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"_rels/.rels":         `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>`,
		mainPart:              `<?xml version="1.0" encoding="UTF-8"?><root/>`,
	} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, content)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestAttachmentUploadAndDownload(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newAttachFixture(t, db)
		base := "/api/v1/dossiers/" + f.code + "/attachments"
		pdf := minimalPDF()
		sum := sha256.Sum256(pdf)
		rowsBefore := f.rows(t)

		up := f.upload(t, "hbi.investor", f.code, "application_form", `C:\Users\an\hồ sơ.pdf`, pdf)
		if up.status != http.StatusCreated {
			t.Fatalf("upload PDF: %d %+v", up.status, up.err)
		}
		want := attachmentJSON{ID: up.att.ID, Kind: "document", DocumentCode: "application_form", FileName: "hồ sơ.pdf",
			ContentType: "application/pdf", Size: int64(len(pdf)), SHA256: hex.EncodeToString(sum[:]),
			CreatedAt: "2026-11-16T09:00:00+07:00"}
		if up.att != want {
			t.Fatalf("upload answer:\n got %+v\nwant %+v", up.att, want)
		}
		files := f.stored(t)
		if len(files) != 1 || f.rows(t) != rowsBefore+1 {
			t.Fatalf("after one upload: files %v, rows %d (before %d)", files, f.rows(t), rowsBefore)
		}
		rel, _ := filepath.Rel(f.dataDir, files[0])
		if !regexp.MustCompile(`^attachments/2026/11/[0-9a-f]{32}$`).MatchString(filepath.ToSlash(rel)) {
			t.Fatalf("stored as %s, want attachments/2026/11/<32 hex>", rel)
		}

		one := base + "/" + strconv.FormatUint(up.att.ID, 10)
		for _, user := range []string{"hbi.investor", "hbi.officer"} {
			res, raw := f.get(t, user, one)
			if res.StatusCode != 200 || !bytes.Equal(raw, pdf) {
				t.Fatalf("download by %s: %d, %d bytes", user, res.StatusCode, len(raw))
			}
			if ct := res.Header.Get("Content-Type"); ct != "application/pdf" {
				t.Fatalf("download content type %q", ct)
			}
			if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename*=UTF-8''h%E1%BB%93%20s%C6%A1.pdf` {
				t.Fatalf("download disposition %q", cd)
			}
		}

		var list struct {
			Attachments []attachmentJSON `json:"attachments"`
		}
		res, raw := f.get(t, "hbi.officer", base)
		json.Unmarshal(raw, &list)
		if res.StatusCode != 200 || len(list.Attachments) != int(rowsBefore+1) ||
			!slices.Contains(list.Attachments, want) {
			t.Fatalf("list: %d %s", res.StatusCode, raw)
		}

		// An attachment of another dossier is not reachable through this one.
		var d models.Dossier
		db.Where("code = ?", f.code).Take(&d)
		other := d
		other.ID, other.Code = 0, f.code+"-2"
		if err := db.Create(&other).Error; err != nil {
			t.Fatal(err)
		}
		foreign := models.Attachment{DossierID: other.ID, DocumentCode: "application_form", FileName: "x.pdf",
			ContentType: "application/pdf", StorageKey: filepath.ToSlash(rel)}
		if err := db.Create(&foreign).Error; err != nil {
			t.Fatal(err)
		}
		var submitted models.Attachment // recorded at submission, with no stored file
		db.Where("dossier_id = ? AND storage_key = ''", d.ID).First(&submitted)

		for _, c := range []struct{ user, method, path string }{
			{"hbi.investor2", "GET", one},
			{"hbi.investor2", "GET", base},
			{"hbi.investor2", "POST", base},
			{"bgg.officer", "GET", one},
			{"bgg.officer", "GET", base},
			{"bgg.officer", "POST", base},
			{"hbi.officer", "GET", base + "/" + strconv.FormatUint(foreign.ID, 10)},
			{"hbi.officer", "GET", base + "/" + strconv.FormatUint(submitted.ID, 10)},
			{"hbi.officer", "GET", base + "/999999"},
		} {
			var status int
			var code string
			if c.method == "POST" {
				r := f.upload(t, c.user, f.code, "application_form", "a.pdf", pdf)
				status, code = r.status, r.err.Error.Code
			} else {
				res, raw := f.get(t, c.user, c.path)
				var bad apiError
				json.Unmarshal(raw, &bad)
				status, code = res.StatusCode, bad.Error.Code
			}
			if status != 404 || code != "not_found" {
				t.Fatalf("%s %s %s: %d %q, want 404 not_found", c.user, c.method, c.path, status, code)
			}
		}
		// Ids that are not ids, or past the database's range, are 400.
		for _, id := range []string{"abc", "0", "9223372036854775808", "18446744073709551615"} {
			res, raw := f.get(t, "hbi.officer", base+"/"+id)
			var bad apiError
			json.Unmarshal(raw, &bad)
			if res.StatusCode != 400 || bad.Error.Code != "invalid_id" {
				t.Fatalf("attachment id %s: %d %s", id, res.StatusCode, raw)
			}
		}
		if n := len(f.stored(t)); n != 1 {
			t.Fatalf("refused uploads left files: %d stored", n)
		}

		// An officer may upload too; DOCX and XLSX are recognised by their parts.
		for _, c := range []struct{ part, name, ct string }{
			{"word/document.xml", "thuyet-minh.docx", service.TypeDOCX},
			{"xl/workbook.xml", "bang-tinh.xlsx", service.TypeXLSX},
		} {
			up := f.upload(t, "hbi.officer", f.code, "design_drawings", c.name, officeZip(t, c.part))
			if up.status != http.StatusCreated || up.att.ContentType != c.ct || up.att.FileName != c.name {
				t.Fatalf("upload %s: %d %+v %+v", c.name, up.status, up.att, up.err)
			}
		}

		// A finished dossier takes no more files.
		db.Model(&models.Dossier{}).Where("id = ?", d.ID).Update("finished_at", time.Now())
		if up := f.upload(t, "hbi.investor", f.code, "application_form", "a.pdf", pdf); up.status != 409 ||
			up.err.Error.Code != "dossier_closed" {
			t.Fatalf("upload to a finished dossier: %d %+v", up.status, up.err)
		}
	})
}

// TestAttachmentRefused: every refused upload answers its error and leaves
// nothing on disk or in the database.
func TestAttachmentRefused(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newAttachFixture(t, db)
		big := make([]byte, 21<<20)
		copy(big, minimalPDF())
		exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), bytes.Repeat([]byte{0}, 200)...)
		cases := []struct {
			name, doc, fileName string
			content             []byte
			status              int
			code, field         string
		}{
			{"exe named pdf", "application_form", "x.pdf", exe, 400, "file_type_not_allowed", "file"},
			{"html named pdf", "application_form", "x.pdf", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), 400, "file_type_not_allowed", "file"},
			{"plain zip", "application_form", "x.docx", officeZip(t, "content.xml"), 400, "file_type_not_allowed", "file"},
			{"empty file", "application_form", "x.pdf", []byte{}, 400, "file_type_not_allowed", "file"},
			{"21 MB", "application_form", "big.pdf", big, 413, "file_too_large", "file"},
			{"unknown document", "business_plan", "a.pdf", minimalPDF(), 422, "unknown_document", "document_code"},
			{"no document code", "", "a.pdf", minimalPDF(), 400, "invalid_document_code", "document_code"},
			{"no file", "application_form", "", nil, 400, "invalid_file", "file"},
		}
		rows := f.rows(t)
		for _, c := range cases {
			up := f.upload(t, "hbi.investor", f.code, c.doc, c.fileName, c.content)
			if up.status != c.status || up.err.Error.Code != c.code || up.err.Error.Details["field"] != c.field {
				t.Fatalf("%s: %d %+v, want %d %s on %s", c.name, up.status, up.err, c.status, c.code, c.field)
			}
			if files := f.stored(t); len(files) != 0 || f.rows(t) != rows {
				t.Fatalf("%s: refused upload left files %v, rows %d (before %d)", c.name, files, f.rows(t), rows)
			}
		}
		up := f.upload(t, "hbi.investor", f.code, "business_plan", "a.pdf", minimalPDF())
		valid, _ := up.err.Error.Details["valid"].([]any)
		if !slices.Contains(valid, any("application_form")) || !slices.Contains(valid, any("fire_safety_approval")) {
			t.Fatalf("unknown_document details: %v", up.err.Error.Details)
		}
	})
}
