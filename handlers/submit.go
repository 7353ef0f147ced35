package handlers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// submitRequest is the body of POST /dossiers.
type submitRequest struct {
	Procedure        string `json:"procedure"`
	Variant          string `json:"variant"`
	Channel          string `json:"channel"`
	Title            string `json:"title"`
	ZoneID           *uint  `json:"zone_id"`
	ApplicantName    string `json:"applicant_name"`
	ApplicantTaxCode string `json:"applicant_tax_code"`
	ApplicantEmail   string `json:"applicant_email"`
	ApplicantPhone   string `json:"applicant_phone"`
	InvestorID       *uint  `json:"investor_id"` // an officer filing at the desk on an investor's behalf
}

// maxIdempotencyKey bounds the Idempotency-Key header.
const maxIdempotencyKey = 255

// submit answers POST /dossiers: an investor files online, an officer
// enters a dossier received at the desk or by post. With an
// Idempotency-Key header, a retry returns the first dossier (200, with
// Idempotent-Replayed: true) instead of creating another.
func (h *dossierAPI) submit(c echo.Context) error {
	actor, _ := CurrentActor(c)
	body, req, err := bindSubmit(c)
	if err != nil {
		return err
	}
	key := strings.TrimSpace(c.Request().Header.Get("Idempotency-Key"))
	if len(key) > maxIdempotencyKey {
		return badParam("idempotency_key", "Idempotency-Key quá dài (tối đa 255 ký tự)", "Idempotency-Key is longer than 255 characters")
	}
	sum := sha256.Sum256(body)
	d, replayed, err := h.submitOnce(c.Request().Context(), actor, req, key, hex.EncodeToString(sum[:]))
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if replayed {
		status = http.StatusOK
		c.Response().Header().Set("Idempotent-Replayed", "true")
	}
	out, err := h.toJSON(c.Request().Context(), d, actor.Role)
	if err != nil {
		return err
	}
	return c.JSON(status, out)
}

// bindSubmit reads the raw body (for the idempotency hash) and decodes it.
func bindSubmit(c echo.Context) ([]byte, submitRequest, error) {
	var req submitRequest
	body, err := io.ReadAll(c.Request().Body)
	if err == nil {
		err = json.Unmarshal(body, &req)
	}
	if err != nil {
		return nil, req, badParam("body", "nội dung JSON không hợp lệ", "the body is not valid JSON")
	}
	return body, req, nil
}

// submitOnce creates the dossier, or finds the one the same key created.
func (h *dossierAPI) submitOnce(ctx context.Context, actor workflow.Actor, req submitRequest, key, hash string) (*models.Dossier, bool, error) {
	if key != "" {
		if d, err := h.replay(ctx, actor, key, hash); d != nil || err != nil {
			return d, d != nil, err
		}
	}
	var d *models.Dossier
	err := models.InTx(ctx, h.db, func(tx *gorm.DB) error {
		in, err := h.submitInput(ctx, tx, actor, req)
		if err != nil {
			return err
		}
		if d, err = h.eng.Submit(ctx, tx, in, actor, h.now()); err != nil {
			return err
		}
		if key == "" {
			return nil
		}
		return models.InsertIdempotencyKey(ctx, tx, &models.IdempotencyKey{UserID: *actor.UserID, Key: key,
			RequestHash: hash, DossierID: d.ID})
	})
	if err != nil && key != "" {
		// A concurrent retry with the same key won the unique index: answer with its dossier.
		if first, rerr := h.replay(ctx, actor, key, hash); first != nil || rerr != nil {
			return first, first != nil, rerr
		}
	}
	return d, false, err
}

// replay returns the dossier an earlier request with this key created, nil
// if there was none, or 422 if the key was used for a different request.
func (h *dossierAPI) replay(ctx context.Context, actor workflow.Actor, key, hash string) (*models.Dossier, error) {
	k, err := models.FindIdempotencyKey(ctx, h.db, *actor.UserID, key)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if k.RequestHash != hash {
		return nil, &workflow.Error{Kind: workflow.KindRule, Code: "idempotency_key_reused", Field: "idempotency_key",
			Message: "Idempotency-Key này đã dùng cho một yêu cầu khác / this Idempotency-Key was used for a different request"}
	}
	return models.GetDossier(ctx, h.db, k.DossierID)
}

// submitInput checks the request against the caller: the board is the
// caller's, an investor files for themself, an officer may name the investor.
func (h *dossierAPI) submitInput(ctx context.Context, tx *gorm.DB, actor workflow.Actor, req submitRequest) (workflow.SubmitInput, error) {
	in := workflow.SubmitInput{BoardID: actor.BoardID, Procedure: strings.TrimSpace(req.Procedure),
		Variant: strings.TrimSpace(req.Variant), Channel: models.Channel(req.Channel), Title: req.Title,
		ApplicantName: req.ApplicantName, ApplicantTaxCode: req.ApplicantTaxCode, ApplicantEmail: req.ApplicantEmail,
		ApplicantPhone: req.ApplicantPhone, ZoneID: req.ZoneID}
	if in.Channel == "" {
		in.Channel = defaultChannel(actor.Role)
	}
	if req.ZoneID != nil {
		if z, err := models.GetZone(ctx, tx, *req.ZoneID); err != nil || z.BoardID != actor.BoardID {
			return in, badParam("zone_id", "khu công nghiệp không thuộc Ban", "zone_id is not a zone of your board")
		}
	}
	investor, err := investorFor(ctx, tx, actor, req.InvestorID)
	in.InvestorID = investor
	return in, err
}

func defaultChannel(role workflow.Role) models.Channel {
	if role == workflow.RoleInvestor {
		return models.ChannelOnline
	}
	return models.ChannelDirect
}

// investorFor is the caller for an investor; for an officer, the named
// investor of the same board, if any.
func investorFor(ctx context.Context, tx *gorm.DB, actor workflow.Actor, named *uint) (*uint, error) {
	if actor.Role == workflow.RoleInvestor {
		return actor.UserID, nil
	}
	if named == nil {
		return nil, nil
	}
	u, err := models.GetUser(ctx, tx, *named)
	if err != nil || u.Role != string(workflow.RoleInvestor) || u.BoardID == nil || *u.BoardID != actor.BoardID {
		return nil, badParam("investor_id", "không có nhà đầu tư này trong Ban", "investor_id is not an investor of your board")
	}
	return named, nil
}
