package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// Upload is one file being attached to a dossier: begun once the caller
// may attach to it, then fed the file, then committed. Close discards what
// was not committed, so a refused upload leaves nothing on disk or in the
// database.
type Upload struct {
	s     *Service
	p     *Principal
	d     *models.Dossier
	kind  models.AttachmentKind
	slots []string
	file  *staged
}

// BeginUpload starts attaching a file of kind ("" for a document) to
// dossier code: the caller must see it, and it must still be open. A
// result file (the permit, licence, certificate or refusal a decision
// carries) is the board's: only its officers and leaders upload one.
func (s *Service) BeginUpload(ctx context.Context, p *Principal, code string, kind models.AttachmentKind) (*Upload, error) {
	d, err := s.visible(ctx, s.db, p, code)
	if err != nil {
		return nil, err
	}
	switch kind {
	case "", models.AttachmentDocument:
		kind = models.AttachmentDocument
	case models.AttachmentResult:
		if err := p.require(workflow.RoleOfficer, workflow.RoleLeader); err != nil {
			return nil, err
		}
	default:
		return nil, errs.Invalid("kind", "kind phải là document hoặc result", "kind must be document or result")
	}
	if d.FinishedAt != nil {
		return nil, errs.Conflict("dossier_closed", "code", "hồ sơ "+d.Code+" đã kết thúc, không thể bổ sung tệp",
			"dossier "+d.Code+" is finished: no more attachments")
	}
	slots, err := s.documentSlots(d)
	if err != nil {
		return nil, err
	}
	return &Upload{s: s, p: p, d: d, kind: kind, slots: slots}, nil
}

// Receive stores the file's bytes in a temporary file; one file per
// upload. clientName is the name as the client sent it (a name with a
// path is refused, naming the field "file").
func (u *Upload) Receive(r io.Reader, clientName string) error {
	if u.file != nil {
		return errs.Invalid("file", "chỉ gửi một tệp mỗi lần", "send one file per request")
	}
	if err := checkFileName("file", clientName); err != nil {
		return err
	}
	st, err := stage(r, clientName, u.s.files, u.s.now())
	if err != nil {
		return err
	}
	u.file = st
	return nil
}

// Close discards a file not committed.
func (u *Upload) Close() { u.file.discard() }

// Commit checks the document code and the file's type, moves the file to
// its final name and records it; if the row cannot be written, the file is
// removed. Once the row is committed, the file leaves the staging area.
func (u *Upload) Commit(ctx context.Context, documentCode string) (*models.Attachment, error) {
	if err := u.check(documentCode); err != nil {
		return nil, err
	}
	contentType, err := u.file.checkType("file")
	if err != nil {
		return nil, err
	}
	key, err := u.file.keep(u.s.files.dir)
	if err != nil {
		return nil, err
	}
	a := &models.Attachment{DossierID: u.d.ID, Kind: u.kind, DocumentCode: documentCode, FileName: u.file.name,
		ContentType: contentType, Size: u.file.size, SHA256: u.file.sum, StorageKey: key,
		UploadedBy: u.p.Actor.UserID, CreatedAt: u.s.now()}
	if err := models.InsertAttachment(ctx, u.s.db, a); err != nil {
		return nil, err // Close removes the file
	}
	u.file.settle()
	return a, nil
}

// check refuses an upload without a file, or a document with an unknown
// document code; a result has none.
func (u *Upload) check(documentCode string) error {
	switch {
	case u.file == nil:
		return errs.Invalid("file", "thiếu tệp đính kèm (file)", "the file field is required")
	case u.kind == models.AttachmentResult && documentCode != "":
		return errs.Invalid("document_code", "tệp kết quả không có mã giấy tờ", "a result file has no document_code")
	case u.kind == models.AttachmentResult:
		return nil
	case documentCode == "":
		return errs.Invalid("document_code", "thiếu mã giấy tờ (document_code)", "document_code is required")
	case !slices.Contains(u.slots, documentCode):
		e := errs.Rule("unknown_document", "document_code", fmt.Sprintf("thủ tục không có giấy tờ %q", documentCode),
			fmt.Sprintf("the procedure has no document %q", documentCode))
		return e.With("valid", u.slots)
	}
	return checkText("document_code", documentCode, limitCode, true)
}

// documentSlots are the document codes of the dossier's catalogue version:
// its documents, then any the variant requires besides.
func (s *Service) documentSlots(d *models.Dossier) ([]string, error) {
	_, v, err := s.eng.Catalogue().Bound(d)
	if err != nil {
		return nil, err
	}
	var codes []string
	for _, doc := range v.Documents {
		codes = append(codes, doc.Code)
	}
	for _, code := range v.RequiredDocuments(d.Variant) {
		if !slices.Contains(codes, code) {
			codes = append(codes, code)
		}
	}
	return codes, nil
}

// Attachments lists the files of dossier code the caller may open, oldest
// first: an investor sees the result files only once the result is returned.
func (s *Service) Attachments(ctx context.Context, p *Principal, code string) (*models.Dossier, []models.Attachment, error) {
	d, err := s.visible(ctx, s.db, p, code)
	if err != nil {
		return nil, nil, err
	}
	atts, err := models.ListAttachments(ctx, s.db, d.ID)
	if err != nil {
		return nil, nil, err
	}
	out := atts[:0]
	for _, a := range atts {
		if mayOpen(p, d, &a) {
			out = append(out, a)
		}
	}
	return d, out, nil
}

// mayOpen is the rule of result files: the board's staff open them at any
// time, the investor once the result is returned to them, and only then.
func mayOpen(p *Principal, d *models.Dossier, a *models.Attachment) bool {
	return a.Kind != models.AttachmentResult || p.Role() != workflow.RoleInvestor || d.State == string(workflow.StateReturned)
}

// OpenAttachment opens file id of dossier code for reading; the caller
// closes it. Metadata recorded without a stored file (paper documents
// noted at submission) and a missing file are not found.
func (s *Service) OpenAttachment(ctx context.Context, p *Principal, code string, id uint64) (*models.Attachment, *os.File, error) {
	d, err := s.visible(ctx, s.db, p, code)
	if err != nil {
		return nil, nil, err
	}
	notFound := errs.NotFound("id", "không tìm thấy tệp "+strconv.FormatUint(id, 10),
		"attachment "+strconv.FormatUint(id, 10)+" not found")
	if id == 0 || id > math.MaxInt64 {
		return nil, nil, notFound
	}
	a, err := models.GetAttachment(ctx, s.db, d.ID, id)
	if errors.Is(err, models.ErrNotFound) || (err == nil && (a.StorageKey == "" || !mayOpen(p, d, a))) {
		return nil, nil, notFound
	}
	if err != nil {
		return nil, nil, err
	}
	f, err := s.files.open(a.StorageKey)
	if isNotExist(err) {
		return nil, nil, notFound
	}
	if err != nil {
		return nil, nil, fmt.Errorf("service: open attachment %d: %w", a.ID, err)
	}
	return a, f, nil
}
