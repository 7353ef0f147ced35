package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"slices"
	"sort"

	"gorm.io/gorm"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// FileInput is a file sent along with a submission or an event, as a web
// form sends it: a document of the dossier (its catalogue code) or the
// result file a decision carries. A document without a Body is a paper
// the officer at the desk notes as received without scanning it.
type FileInput struct {
	Kind         models.AttachmentKind // document ("" too) or result
	DocumentCode string                // the catalogue's document code, for a document
	Name         string                // the client's file name, as sent (with any path: refused)
	Body         io.Reader             // nil: a paper document noted at the desk
}

// paper reports whether f notes a paper document.
func (f FileInput) paper() bool { return f.Body == nil }

// checkPaper refuses paper notes from anyone but the board's officers:
// only the desk holds the papers.
func checkPaper(p *Principal, files []FileInput) error {
	for _, f := range files {
		if f.paper() {
			if f.Kind == models.AttachmentResult {
				return errs.Invalid(fileField(f), "thiếu tệp kết quả", "the result file is missing")
			}
			if err := p.require(workflow.RoleOfficer); err != nil {
				return err
			}
		}
	}
	return nil
}

// fileField is the form field a file of a document code arrives in, for
// the messages that name it.
func fileField(f FileInput) string {
	if f.Kind == models.AttachmentResult {
		return "result_file"
	}
	return "documents." + f.DocumentCode
}

// storedFiles are the files of one request, checked and moved to their
// final names, waiting for the transaction that records them.
type storedFiles struct {
	inputs  []FileInput
	staged  []*staged
	atts    []workflow.AttachmentInput
	results []workflow.AttachmentInput
	papers  []workflow.AttachmentInput // paper documents noted, no file
}

// discard removes the files not recorded: staged ones, and final ones
// after a refused transaction.
func (sf *storedFiles) discard() {
	for _, st := range sf.staged {
		st.discard()
	}
}

// settle lets the files of a committed transaction leave the staging area.
func (sf *storedFiles) settle() {
	for _, st := range sf.staged {
		st.settle()
	}
}

// storeFiles reads every file, checks its document code against slots
// and its type against the allowed ones, and only when all pass moves
// them to their final names. A refusal names the file's field.
func (s *Service) storeFiles(files []FileInput, slots []string) (*storedFiles, error) {
	sf := &storedFiles{}
	for _, f := range files {
		if err := checkFileInput(f, slots); err != nil {
			sf.discard()
			return nil, err
		}
		if err := checkFileName(fileField(f), f.Name); err != nil {
			sf.discard()
			return nil, err
		}
		if f.paper() {
			sf.papers = append(sf.papers, workflow.AttachmentInput{DocumentCode: f.DocumentCode})
			continue
		}
		sf.inputs = append(sf.inputs, f)
		st, err := stage(f.Body, f.Name, s.files, s.now())
		if err != nil {
			sf.discard()
			if de, ok := errs.As(err); ok && de.Field == "" {
				de.Field = fileField(f)
			}
			return nil, err
		}
		sf.staged = append(sf.staged, st)
		if _, err := st.checkType(fileField(f)); err != nil {
			sf.discard()
			return nil, err
		}
	}
	return sf, sf.keep(s.files.dir)
}

// checkFileInput refuses a file of an unknown kind or document code.
func checkFileInput(f FileInput, slots []string) error {
	switch f.Kind {
	case models.AttachmentResult:
		return nil
	case "", models.AttachmentDocument:
		if !slices.Contains(slots, f.DocumentCode) {
			return errs.Rule("unknown_document", fileField(f), "thủ tục không có giấy tờ "+f.DocumentCode,
				"the procedure has no document "+f.DocumentCode).With("valid", slots)
		}
		return nil
	}
	return errs.Invalid("kind", "kind phải là document hoặc result", "kind must be document or result")
}

// keep moves every staged file to its final name and prepares its row.
func (sf *storedFiles) keep(root string) error {
	for i, st := range sf.staged {
		contentType := st.contentType
		key, err := st.keep(root)
		if err != nil {
			sf.discard()
			return err
		}
		in := workflow.AttachmentInput{DocumentCode: sf.inputs[i].DocumentCode, FileName: st.name,
			ContentType: contentType, Size: st.size, SHA256: st.sum, StorageKey: key}
		if sf.inputs[i].Kind == models.AttachmentResult {
			in.DocumentCode = ""
			sf.results = append(sf.results, in)
		} else {
			sf.atts = append(sf.atts, in)
		}
	}
	sf.atts = append(sf.atts, sf.papers...)
	return nil
}

// hash identifies the request (its hash) with its files, for an
// idempotency key.
func (sf *storedFiles) hash(request string) string {
	sums := make([]string, 0, len(sf.atts))
	for _, a := range sf.atts {
		sums = append(sums, a.DocumentCode+":"+a.SHA256)
	}
	sort.Strings(sums)
	h := sha256.New()
	io.WriteString(h, request+"\n")
	for _, x := range sums {
		io.WriteString(h, x+"\n")
	}
	return hex.EncodeToString(h.Sum(nil))
}

// SubmitWithFiles files a new dossier with its documents, as the web
// wizard sends them: every file is checked (document code, size, type)
// before anything is written, and the dossier and its attachment rows
// commit together; a refusal leaves no dossier, no row and no file.
func (s *Service) SubmitWithFiles(ctx context.Context, p *Principal, req SubmitRequest, key string,
	files []FileInput) (*DossierView, bool, error) {
	if err := p.require(workflow.RoleInvestor, workflow.RoleOfficer); err != nil {
		return nil, false, err
	}
	if err := checkSubmit(req); err != nil {
		return nil, false, err
	}
	if err := checkPaper(p, files); err != nil {
		return nil, false, err
	}
	slots, err := s.submissionSlots(req)
	if err != nil {
		return nil, false, err
	}
	sf, err := s.storeFiles(files, slots)
	if err != nil {
		return nil, false, err
	}
	d, replayed, err := s.submitOnceWith(ctx, p, req, key, sf.hash(requestHash(req)), sf.atts)
	if err != nil || replayed {
		sf.discard()
	} else {
		sf.settle()
	}
	if err != nil {
		return nil, false, err
	}
	views, err := s.views(ctx, s.db, p, []models.Dossier{*d})
	if err != nil {
		return nil, false, err
	}
	return &views[0], replayed, nil
}

// submissionSlots are the document codes a new dossier of the request's
// procedure and variant may carry, in the version in force now.
func (s *Service) submissionSlots(req SubmitRequest) ([]string, error) {
	proc, err := s.eng.Catalogue().Procedure(req.Procedure)
	if err != nil {
		return nil, errs.Invalid("procedure", "không có thủ tục "+req.Procedure, "there is no procedure "+req.Procedure)
	}
	v, err := proc.VersionAt(s.now())
	if err != nil {
		return nil, errs.Rule("no_version_in_force", "procedure", "thủ tục không có phiên bản đang có hiệu lực",
			"the procedure has no version in force")
	}
	if _, err := v.Variant(req.Variant); err != nil {
		return nil, errs.Invalid("variant", "trường hợp không hợp lệ: "+req.Variant, "no such variant: "+req.Variant)
	}
	var slots []string
	for _, d := range v.DocumentsFor(req.Variant) {
		slots = append(slots, d.Code)
	}
	return slots, nil
}

// FireWithFiles fires an event with the files it carries, as a web form
// sends them: documents (a supplement's, say) are recorded with the
// event; a result file becomes the decision's electronic result. Every
// file is checked before anything is written, and the event, its history
// row and the files' rows commit together or not at all.
func (s *Service) FireWithFiles(ctx context.Context, p *Principal, code string, req EventRequest,
	files []FileInput) (*DossierView, *HistoryRow, error) {
	d, err := s.visible(ctx, s.db, p, code)
	if err != nil {
		return nil, nil, err
	}
	in, err := eventInput(req)
	if err != nil {
		return nil, nil, err
	}
	if req.Version > d.Version {
		return nil, nil, errVersion(req.Version, d.Version)
	}
	if err := s.mayAttach(p, d, files); err != nil {
		return nil, nil, err
	}
	if err := checkPaper(p, files); err != nil {
		return nil, nil, err
	}
	slots, err := s.documentSlots(d)
	if err != nil {
		return nil, nil, err
	}
	sf, err := s.storeFiles(files, slots)
	if err != nil {
		return nil, nil, err
	}
	nd, ev, err := s.applyWithFiles(ctx, p, d, req, in, sf)
	if err != nil {
		sf.discard()
		return nil, nil, err
	}
	sf.settle()
	views, err := s.views(ctx, s.db, p, []models.Dossier{*nd})
	if err != nil {
		return nil, nil, err
	}
	row := historyRow(*ev)
	return &views[0], &row, nil
}

// mayAttach refuses files on a finished dossier, and a result file from
// anyone but the board's officers and leaders.
func (s *Service) mayAttach(p *Principal, d *models.Dossier, files []FileInput) error {
	if len(files) == 0 {
		return nil
	}
	if d.FinishedAt != nil {
		return errs.Conflict("dossier_closed", "code", "hồ sơ "+d.Code+" đã kết thúc, không thể bổ sung tệp",
			"dossier "+d.Code+" is finished: no more attachments")
	}
	for _, f := range files {
		if f.Kind == models.AttachmentResult {
			if err := p.require(workflow.RoleOfficer, workflow.RoleLeader); err != nil {
				return err
			}
		}
	}
	return nil
}

// applyWithFiles records the result file, then fires the event with the
// documents, in one transaction.
func (s *Service) applyWithFiles(ctx context.Context, p *Principal, d *models.Dossier, req EventRequest,
	in workflow.Input, sf *storedFiles) (*models.Dossier, *models.DossierEvent, error) {
	var nd *models.Dossier
	var ev *models.DossierEvent
	in.Attachments = append(in.Attachments, sf.atts...)
	err := models.InTx(ctx, s.db, func(tx *gorm.DB) error {
		for _, r := range sf.results {
			a := &models.Attachment{DossierID: d.ID, Kind: models.AttachmentResult, FileName: r.FileName,
				ContentType: r.ContentType, Size: r.Size, SHA256: r.SHA256, StorageKey: r.StorageKey,
				UploadedBy: p.Actor.UserID, CreatedAt: s.now()}
			if err := models.InsertAttachment(ctx, tx, a); err != nil {
				return err
			}
			id := a.ID
			in.Result = &workflow.ResultInput{Medium: workflow.ResultElectronic, AttachmentID: &id,
				Reference: resultReference(in.Result)}
		}
		var err error
		nd, ev, err = s.eng.Apply(ctx, tx, d.ID, req.Version, workflow.Event(req.Event), p.Actor, s.now(), in)
		return err
	})
	return nd, ev, err
}

// resultReference keeps the reference (decision number) the form gave.
func resultReference(r *workflow.ResultInput) string {
	if r == nil {
		return ""
	}
	return r.Reference
}
