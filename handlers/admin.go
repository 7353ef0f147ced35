package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/service"
)

type boardJSON struct {
	ID         uint   `json:"id"`
	Code       string `json:"code"`
	NameVI     string `json:"name_vi"`
	NameEN     string `json:"name_en"`
	Province   string `json:"province"`
	AgencyCode string `json:"agency_code"`
	CreatedAt  string `json:"created_at"`
}

func toBoardJSON(b *models.Board) boardJSON {
	return boardJSON{ID: b.ID, Code: b.Code, NameVI: b.NameVI, NameEN: b.NameEN, Province: b.Province,
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

// boards answers GET /admin/boards: every board, or a board admin's own.
func (a *api) boards(c echo.Context) error {
	if err := queryOnly(c); err != nil {
		return err
	}
	boards, err := a.svc.Boards(c.Request().Context(), principal(c))
	if err != nil {
		return err
	}
	out := make([]boardJSON, len(boards))
	for i := range boards {
		out[i] = toBoardJSON(&boards[i])
	}
	return c.JSON(http.StatusOK, map[string]any{"boards": out})
}

type boardRequest struct {
	Code       string `json:"code"`
	NameVI     string `json:"name_vi"`
	NameEN     string `json:"name_en"`
	Province   string `json:"province"`
	AgencyCode string `json:"agency_code"`
}

// createBoard answers POST /admin/boards (admins without a board only).
func (a *api) createBoard(c echo.Context) error {
	var req boardRequest
	if err := firstErr(queryOnly(c), bindJSON(c, &req)); err != nil {
		return err
	}
	b, err := a.svc.CreateBoard(c.Request().Context(), principal(c), service.BoardInput(req))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toBoardJSON(b))
}

type boardPatchRequest struct {
	NameVI   *string `json:"name_vi"`
	NameEN   *string `json:"name_en"`
	Province *string `json:"province"`
}

// patchBoard answers PATCH /admin/boards/{id}: names and province only.
func (a *api) patchBoard(c echo.Context) error {
	id, err := uintParam(c, "id")
	if err != nil {
		return err
	}
	var req boardPatchRequest
	if err := firstErr(queryOnly(c), bindJSON(c, &req)); err != nil {
		return err
	}
	b, err := a.svc.UpdateBoard(c.Request().Context(), principal(c), id, service.BoardPatch(req))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toBoardJSON(b))
}

// zones answers GET /admin/boards/{id}/zones.
func (a *api) zones(c echo.Context) error {
	id, err := uintParam(c, "id")
	if err != nil {
		return err
	}
	if err := queryOnly(c); err != nil {
		return err
	}
	zones, err := a.svc.Zones(c.Request().Context(), principal(c), id)
	if err != nil {
		return err
	}
	out := make([]adminZoneJSON, len(zones))
	for i, z := range zones {
		out[i] = adminZoneJSON{ID: z.ID, BoardID: z.BoardID, Name: z.Name}
	}
	return c.JSON(http.StatusOK, map[string]any{"zones": out})
}

// createZone answers POST /admin/boards/{id}/zones.
func (a *api) createZone(c echo.Context) error {
	id, err := uintParam(c, "id")
	if err != nil {
		return err
	}
	var req struct {
		Name string `json:"name"`
	}
	if err := firstErr(queryOnly(c), bindJSON(c, &req)); err != nil {
		return err
	}
	z, err := a.svc.CreateZone(c.Request().Context(), principal(c), id, req.Name)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, adminZoneJSON{ID: z.ID, BoardID: z.BoardID, Name: z.Name})
}

// users answers GET /admin/users[?board_id=&role=].
func (a *api) users(c echo.Context) error {
	var q service.UserQuery
	var board uint
	if err := firstErr(queryOnly(c, "board_id", "role"), bindInto(&board, uintQuery, c, "board_id")); err != nil {
		return err
	}
	if board != 0 {
		q.BoardID = &board
	}
	q.Role = c.QueryParam("role")
	users, err := a.svc.Users(c.Request().Context(), principal(c), q)
	if err != nil {
		return err
	}
	out := make([]adminUserJSON, len(users))
	for i := range users {
		out[i] = toAdminUser(&users[i])
	}
	return c.JSON(http.StatusOK, map[string]any{"users": out})
}

type userRequest struct {
	Username   string `json:"username"`
	FullName   string `json:"full_name"`
	Role       string `json:"role"`
	BoardID    *uint  `json:"board_id"`
	Department string `json:"department"`
	Email      string `json:"email"`
	Password   string `json:"password"`
}

// createUser answers POST /admin/users.
func (a *api) createUser(c echo.Context) error {
	var req userRequest
	if err := firstErr(queryOnly(c), bindJSON(c, &req)); err != nil {
		return err
	}
	u, err := a.svc.CreateUser(c.Request().Context(), principal(c), service.UserInput(req))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toAdminUser(u))
}

type userPatchRequest struct {
	FullName   *string `json:"full_name"`
	Department *string `json:"department"`
	Email      *string `json:"email"`
	Role       *string `json:"role"`
	Active     *bool   `json:"active"`
	Password   *string `json:"password"`
}

// patchUser answers PATCH /admin/users/{id}.
func (a *api) patchUser(c echo.Context) error {
	id, err := uintParam(c, "id")
	if err != nil {
		return err
	}
	var req userPatchRequest
	if err := firstErr(queryOnly(c), bindJSON(c, &req)); err != nil {
		return err
	}
	u, err := a.svc.UpdateUser(c.Request().Context(), principal(c), id, service.UserPatch(req))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAdminUser(u))
}
