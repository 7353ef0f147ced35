package handlers

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// adminAPI serves the administrator's boards, zones and users.
//
// Tenancy: an admin whose user row names a board manages only that board;
// an admin with no board manages every board. Rows of a board outside the
// caller's scope answer 404 not_found, and so does creating a zone or a
// user in such a board, so that ids cannot be probed. Creating a board is
// a deployment-wide act: a board admin gets 403 role_not_allowed.
type adminAPI struct {
	db  *gorm.DB
	now func() time.Time
}

// registerAdmin adds the /admin routes to g, behind auth and the admin role.
func registerAdmin(g *echo.Group, d Deps, auth echo.MiddlewareFunc) {
	d = d.withDefaults()
	h := &adminAPI{db: d.DB, now: d.Now}
	admin := RequireRole(workflow.RoleAdmin)
	g.GET("/admin/boards", h.listBoards, auth, admin)
	g.POST("/admin/boards", h.createBoard, auth, admin)
	g.PATCH("/admin/boards/:id", h.patchBoard, auth, admin)
	g.GET("/admin/boards/:id/zones", h.listZones, auth, admin)
	g.POST("/admin/boards/:id/zones", h.createZone, auth, admin)
	g.GET("/admin/users", h.listUsers, auth, admin)
	g.POST("/admin/users", h.createUser, auth, admin)
	g.PATCH("/admin/users/:id", h.patchUser, auth, admin)
}

// Limits of the admin inputs (the column sizes of models).
const (
	adminMinPassword = 10 // characters
	adminMaxPassword = 72 // bytes: bcrypt ignores the rest
)

var adminBoardCodePattern = regexp.MustCompile(`^[A-Z0-9]{2,16}$`)

// adminRoles are the roles an administrator may give.
var adminRoles = []workflow.Role{workflow.RoleInvestor, workflow.RoleOfficer, workflow.RoleLeader,
	workflow.RoleManager, workflow.RoleAdmin}

type adminBoardJSON struct {
	ID         uint   `json:"id"`
	Code       string `json:"code"`
	NameVI     string `json:"name_vi"`
	NameEN     string `json:"name_en"`
	Province   string `json:"province"`
	AgencyCode string `json:"agency_code"`
	CreatedAt  string `json:"created_at"`
}

func toAdminBoard(b *models.Board) adminBoardJSON {
	return adminBoardJSON{ID: b.ID, Code: b.Code, NameVI: b.NameVI, NameEN: b.NameEN, Province: b.Province,
		AgencyCode: b.AgencyCode, CreatedAt: rfc3339(b.CreatedAt)}
}

type adminZoneJSON struct {
	ID      uint   `json:"id"`
	BoardID uint   `json:"board_id"`
	Name    string `json:"name"`
}

// adminUserJSON is a user as the admin sees it (the user as everyone sees
// it, plus whether the account is active): never the password hash.
type adminUserJSON struct {
	userJSON
	Active    bool   `json:"active"`
	CreatedAt string `json:"created_at"`
}

func toAdminUser(u *models.User) adminUserJSON {
	return adminUserJSON{userJSON: toUserJSON(u), Active: u.Active, CreatedAt: rfc3339(u.CreatedAt)}
}

// scope is the board the signed-in admin is limited to, or nil for all.
func (h *adminAPI) scope(c echo.Context) *uint {
	if u := CurrentUser(c); u != nil && u.BoardID != nil {
		id := *u.BoardID
		return &id
	}
	return nil
}

func adminNotFound(field string, w adminWhat) error {
	return &workflow.Error{Kind: workflow.KindNotFound, Code: "not_found", Field: field,
		Message: "không tìm thấy " + w.vi + " / " + w.en + " not found"}
}

// adminWhat names a kind of row in both languages.
type adminWhat struct{ vi, en string }

var (
	whatBoard = adminWhat{"ban quản lý", "board"}
	whatUser  = adminWhat{"người dùng", "user"}
)

// board loads board id if it is in the caller's scope; anything else is 404.
func (h *adminAPI) board(c echo.Context, id uint, field string) (*models.Board, error) {
	if s := h.scope(c); s != nil && *s != id {
		return nil, adminNotFound(field, whatBoard)
	}
	b, err := models.GetBoard(c.Request().Context(), h.db, id)
	if errors.Is(err, models.ErrNotFound) {
		return nil, adminNotFound(field, whatBoard)
	}
	return b, err
}

// pathID reads the :id path parameter.
func adminPathID(c echo.Context) (uint, error) {
	n, err := strconv.ParseUint(c.Param("id"), 10, 32)
	if err != nil || n == 0 {
		return 0, badParam("id", "mã số không hợp lệ", "id must be a positive integer")
	}
	return uint(n), nil
}

// adminBind decodes a JSON body into v, refusing unknown fields so that a
// PATCH of a field that cannot change says so.
func adminBind(c echo.Context, v any) error {
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return badParam(te.Field, te.Field+" có kiểu không đúng", te.Field+" has the wrong type")
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return badParam(name, "không được gửi hoặc thay đổi trường "+name, "field "+name+" cannot be set here")
	}
	return badParam("body", "nội dung JSON không hợp lệ", "the body is not valid JSON")
}

// text trims s and checks its length in characters.
func adminText(field, s string, required bool, limit int) (string, error) {
	s = strings.TrimSpace(s)
	if required && s == "" {
		return "", badParam(field, "thiếu "+field, field+" is required")
	}
	if utf8.RuneCountInString(s) > limit {
		return "", badParam(field, fmt.Sprintf("%s dài quá %d ký tự", field, limit), fmt.Sprintf("%s is longer than %d characters", field, limit))
	}
	return s, nil
}

func adminOptText(field string, s *string, required bool, limit int) (*string, error) {
	if s == nil {
		return nil, nil
	}
	v, err := adminText(field, *s, required, limit)
	return &v, err
}

// adminEmail checks an optional email address (where notifications go).
func adminEmail(s string) (string, error) {
	s, err := adminText("email", s, false, 255)
	if err != nil || s == "" {
		return s, err
	}
	if a, perr := mail.ParseAddress(s); perr != nil || a.Address != s {
		return "", badParam("email", "địa chỉ email không hợp lệ", "email is not a valid address such as ten@bql.gov.vn")
	}
	return s, nil
}

// duplicate maps a store duplicate to 409 duplicate naming the field.
func adminDuplicate(err error) error {
	var de *models.DuplicateError
	if errors.As(err, &de) {
		return &workflow.Error{Kind: workflow.KindConflict, Code: "duplicate", Field: de.Field,
			Message: fmt.Sprintf("%s đã được dùng / %s is already taken", de.Field, de.Field)}
	}
	return err
}

// listBoards answers GET /admin/boards: every board, or the board admin's own.
func (h *adminAPI) listBoards(c echo.Context) error {
	boards, err := models.ListBoardsScoped(c.Request().Context(), h.db, h.scope(c))
	if err != nil {
		return err
	}
	out := make([]adminBoardJSON, 0, len(boards))
	for i := range boards {
		out = append(out, toAdminBoard(&boards[i]))
	}
	return c.JSON(http.StatusOK, map[string]any{"boards": out})
}

type adminBoardRequest struct {
	Code       string `json:"code"`
	NameVI     string `json:"name_vi"`
	NameEN     string `json:"name_en"`
	Province   string `json:"province"`
	AgencyCode string `json:"agency_code"`
}

func (r *adminBoardRequest) validate() (models.Board, error) {
	var b models.Board
	var err error
	b.Code = strings.ToUpper(strings.TrimSpace(r.Code))
	if !adminBoardCodePattern.MatchString(b.Code) {
		return b, badParam("code", "mã ban phải gồm 2–16 chữ in hoa hoặc chữ số", "code must be 2-16 capital letters or digits")
	}
	if b.NameVI, err = adminText("name_vi", r.NameVI, true, 255); err != nil {
		return b, err
	}
	if b.NameEN, err = adminText("name_en", r.NameEN, false, 255); err != nil {
		return b, err
	}
	if b.Province, err = adminText("province", r.Province, false, 128); err != nil {
		return b, err
	}
	b.AgencyCode = strings.TrimSpace(r.AgencyCode)
	if !workflow.ValidAgencyCode(b.AgencyCode) {
		return b, badParam("agency_code", "mã cơ quan phải có dạng V1V2V3.Z1Z2.Y1Y2.MX1X2, ví dụ 000.20.30.H33",
			"agency_code must look like V1V2V3.Z1Z2.Y1Y2.MX1X2, e.g. 000.20.30.H33")
	}
	return b, nil
}

// createBoard answers POST /admin/boards (admins without a board only).
func (h *adminAPI) createBoard(c echo.Context) error {
	if h.scope(c) != nil {
		return &workflow.Error{Kind: workflow.KindForbidden, Code: "role_not_allowed", Field: "role",
			Message: "quản trị của một ban không được tạo ban mới / a board's admin may not create boards"}
	}
	var req adminBoardRequest
	if err := adminBind(c, &req); err != nil {
		return err
	}
	b, err := req.validate()
	if err != nil {
		return err
	}
	err = models.InTx(c.Request().Context(), h.db, func(tx *gorm.DB) error {
		return models.InsertBoard(c.Request().Context(), tx, &b)
	})
	if err != nil {
		return adminDuplicate(err)
	}
	return c.JSON(http.StatusCreated, toAdminBoard(&b))
}

type adminBoardPatchRequest struct {
	NameVI   *string `json:"name_vi"`
	NameEN   *string `json:"name_en"`
	Province *string `json:"province"`
}

// patchBoard answers PATCH /admin/boards/{id}: names and province only.
func (h *adminAPI) patchBoard(c echo.Context) error {
	id, err := adminPathID(c)
	if err != nil {
		return err
	}
	if _, err := h.board(c, id, "id"); err != nil {
		return err
	}
	var req adminBoardPatchRequest
	if err := adminBind(c, &req); err != nil {
		return err
	}
	var p models.BoardPatch
	if p.NameVI, err = adminOptText("name_vi", req.NameVI, true, 255); err != nil {
		return err
	}
	if p.NameEN, err = adminOptText("name_en", req.NameEN, false, 255); err != nil {
		return err
	}
	if p.Province, err = adminOptText("province", req.Province, false, 128); err != nil {
		return err
	}
	var b *models.Board
	err = models.InTx(c.Request().Context(), h.db, func(tx *gorm.DB) error {
		b, err = models.UpdateBoard(c.Request().Context(), tx, id, p)
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAdminBoard(b))
}

// listZones answers GET /admin/boards/{id}/zones.
func (h *adminAPI) listZones(c echo.Context) error {
	id, err := adminPathID(c)
	if err != nil {
		return err
	}
	if _, err := h.board(c, id, "id"); err != nil {
		return err
	}
	zones, err := models.ListZones(c.Request().Context(), h.db, id)
	if err != nil {
		return err
	}
	out := make([]adminZoneJSON, 0, len(zones))
	for _, z := range zones {
		out = append(out, adminZoneJSON{ID: z.ID, BoardID: z.BoardID, Name: z.Name})
	}
	return c.JSON(http.StatusOK, map[string]any{"zones": out})
}

// createZone answers POST /admin/boards/{id}/zones.
func (h *adminAPI) createZone(c echo.Context) error {
	id, err := adminPathID(c)
	if err != nil {
		return err
	}
	if _, err := h.board(c, id, "id"); err != nil {
		return err
	}
	var req struct {
		Name string `json:"name"`
	}
	if err := adminBind(c, &req); err != nil {
		return err
	}
	name, err := adminText("name", req.Name, true, 255)
	if err != nil {
		return err
	}
	z := models.Zone{BoardID: id, Name: name}
	if err := models.InsertZone(c.Request().Context(), h.db, &z); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, adminZoneJSON{ID: z.ID, BoardID: z.BoardID, Name: z.Name})
}

// parseAdminRole parses a role an admin may give.
func parseAdminRole(s string) (workflow.Role, error) {
	r, err := workflow.ParseRole(s)
	if err != nil || !slices.Contains(adminRoles, r) {
		return "", badParam("role", "vai trò phải là investor, officer, leader, manager hoặc admin",
			"role must be investor, officer, leader, manager or admin")
	}
	return r, nil
}

// checkPassword enforces the password length rules.
func adminCheckPassword(p string) error {
	if utf8.RuneCountInString(p) < adminMinPassword {
		return badParam("password", fmt.Sprintf("mật khẩu phải có ít nhất %d ký tự", adminMinPassword),
			fmt.Sprintf("password must be at least %d characters", adminMinPassword))
	}
	if len(p) > adminMaxPassword {
		return badParam("password", fmt.Sprintf("mật khẩu dài quá %d byte", adminMaxPassword),
			fmt.Sprintf("password is longer than %d bytes", adminMaxPassword))
	}
	return nil
}

// listUsers answers GET /admin/users[?board_id=&role=].
func (h *adminAPI) listUsers(c echo.Context) error {
	f := models.UserFilter{BoardID: h.scope(c)}
	if s := c.QueryParam("board_id"); s != "" {
		n, err := strconv.ParseUint(s, 10, 32)
		if err != nil || n == 0 {
			return badParam("board_id", "board_id phải là số nguyên dương", "board_id must be a positive integer")
		}
		if _, err := h.board(c, uint(n), "board_id"); err != nil {
			return err
		}
		id := uint(n)
		f.BoardID = &id
	}
	if s := c.QueryParam("role"); s != "" {
		r, err := parseAdminRole(s)
		if err != nil {
			return err
		}
		f.Role = string(r)
	}
	users, err := models.ListUsers(c.Request().Context(), h.db, f)
	if err != nil {
		return err
	}
	out := make([]adminUserJSON, 0, len(users))
	for i := range users {
		out = append(out, toAdminUser(&users[i]))
	}
	return c.JSON(http.StatusOK, map[string]any{"users": out})
}

type adminUserRequest struct {
	Username   string `json:"username"`
	FullName   string `json:"full_name"`
	Role       string `json:"role"`
	BoardID    *uint  `json:"board_id"`
	Department string `json:"department"`
	Email      string `json:"email"`
	Password   string `json:"password"`
}

// createUser answers POST /admin/users.
func (h *adminAPI) createUser(c echo.Context) error {
	var req adminUserRequest
	if err := adminBind(c, &req); err != nil {
		return err
	}
	u, err := h.validateUser(c, req)
	if err != nil {
		return err
	}
	if u.PasswordHash, err = models.HashPassword(req.Password); err != nil {
		return err
	}
	err = models.InTx(c.Request().Context(), h.db, func(tx *gorm.DB) error {
		return models.InsertUser(c.Request().Context(), tx, &u)
	})
	if err != nil {
		return adminDuplicate(err)
	}
	return c.JSON(http.StatusCreated, toAdminUser(&u))
}

func (h *adminAPI) validateUser(c echo.Context, req adminUserRequest) (models.User, error) {
	var u models.User
	var err error
	if u.Username, err = adminText("username", req.Username, true, 128); err != nil {
		return u, err
	}
	if strings.ContainsFunc(u.Username, func(r rune) bool { return r <= ' ' }) {
		return u, badParam("username", "tên đăng nhập không được chứa khoảng trắng", "username must not contain spaces")
	}
	if u.FullName, err = adminText("full_name", req.FullName, false, 255); err != nil {
		return u, err
	}
	if u.Department, err = adminText("department", req.Department, false, 128); err != nil {
		return u, err
	}
	if u.Email, err = adminEmail(req.Email); err != nil {
		return u, err
	}
	role, err := parseAdminRole(req.Role)
	if err != nil {
		return u, err
	}
	u.Role = string(role)
	if err := adminCheckPassword(req.Password); err != nil {
		return u, err
	}
	board := req.BoardID
	if s := h.scope(c); board == nil && s != nil {
		board = s // a board admin creates users in their own board
	}
	switch {
	case board != nil:
		if _, err := h.board(c, *board, "board_id"); err != nil {
			return u, err
		}
	case role != workflow.RoleAdmin:
		return u, badParam("board_id", "thiếu board_id: chỉ quản trị toàn hệ thống mới không thuộc ban nào",
			"board_id is required: only a deployment-wide admin belongs to no board")
	}
	u.BoardID = board
	return u, nil
}

type adminUserPatchRequest struct {
	FullName   *string `json:"full_name"`
	Department *string `json:"department"`
	Email      *string `json:"email"`
	Role       *string `json:"role"`
	Active     *bool   `json:"active"`
	Password   *string `json:"password"`
}

// patchUser answers PATCH /admin/users/{id}.
func (h *adminAPI) patchUser(c echo.Context) error {
	id, err := adminPathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	target, err := models.GetUser(ctx, h.db, id)
	if errors.Is(err, models.ErrNotFound) {
		return adminNotFound("id", whatUser)
	}
	if err != nil {
		return err
	}
	if s := h.scope(c); s != nil && (target.BoardID == nil || *target.BoardID != *s) {
		return adminNotFound("id", whatUser)
	}
	var req adminUserPatchRequest
	if err := adminBind(c, &req); err != nil {
		return err
	}
	var p models.UserPatch
	if p.FullName, err = adminOptText("full_name", req.FullName, false, 255); err != nil {
		return err
	}
	if p.Department, err = adminOptText("department", req.Department, false, 128); err != nil {
		return err
	}
	if req.Email != nil {
		email, err := adminEmail(*req.Email)
		if err != nil {
			return err
		}
		p.Email = &email
	}
	self := CurrentUser(c) != nil && CurrentUser(c).ID == id
	if req.Role != nil {
		r, err := parseAdminRole(*req.Role)
		if err != nil {
			return err
		}
		if self && r != workflow.RoleAdmin {
			return badParam("role", "không thể tự bỏ vai trò quản trị của mình", "you cannot remove your own admin role")
		}
		s := string(r)
		p.Role = &s
	}
	if req.Active != nil {
		if self && !*req.Active {
			return badParam("active", "không thể tự khóa tài khoản của mình", "you cannot deactivate yourself")
		}
		p.Active = req.Active
	}
	if req.Password != nil {
		if err := adminCheckPassword(*req.Password); err != nil {
			return err
		}
		hash, err := models.HashPassword(*req.Password)
		if err != nil {
			return err
		}
		p.PasswordHash = &hash
	}
	var u *models.User
	err = models.InTx(ctx, h.db, func(tx *gorm.DB) error {
		u, err = models.UpdateUser(ctx, tx, id, p, h.now())
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAdminUser(u))
}
