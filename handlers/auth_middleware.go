package handlers

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// Keys of what RequireAuth stores in the echo.Context.
const (
	ctxUser  = "motcua.user"
	ctxActor = "motcua.actor"
	ctxToken = "motcua.token"
)

// RequireAuth admits requests carrying "Authorization: Bearer <token>" for
// an active, unexpired, unrevoked token, and stores the user and its
// workflow.Actor in the context (CurrentUser, CurrentActor). Anything else
// is a 401 "unauthenticated".
func RequireAuth(d Deps) echo.MiddlewareFunc {
	d = d.withDefaults()
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if err := authenticate(c, d); err != nil {
				c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="motcua"`)
				return err
			}
			return next(c)
		}
	}
}

// authenticate resolves the bearer token and fills the context.
func authenticate(c echo.Context, d Deps) error {
	token, ok := bearerToken(c.Request().Header.Get(echo.HeaderAuthorization))
	if !ok {
		return unauthenticated()
	}
	ctx, now := c.Request().Context(), d.Now()
	u, tok, err := models.FindActiveToken(ctx, d.DB, HashToken(token), now)
	if errors.Is(err, models.ErrNotFound) {
		return unauthenticated()
	}
	if err != nil {
		return err
	}
	actor, err := actorOf(u)
	if err != nil {
		return err
	}
	if err := models.TouchToken(ctx, d.DB, tok.ID, now); err != nil {
		return err
	}
	c.Set(ctxUser, u)
	c.Set(ctxActor, actor)
	c.Set(ctxToken, tok)
	return nil
}

// bearerToken extracts the token of an "Authorization: Bearer" header.
func bearerToken(header string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", false
	}
	return token, true
}

// actorOf is the workflow actor a signed-in user acts as.
func actorOf(u *models.User) (workflow.Actor, error) {
	role, err := workflow.ParseRole(u.Role)
	if err != nil || role == workflow.RoleSystem {
		return workflow.Actor{}, fmt.Errorf("handlers: user %d has an invalid role %q", u.ID, u.Role)
	}
	id := u.ID
	a := workflow.Actor{UserID: &id, Role: role, Name: u.FullName}
	if u.BoardID != nil {
		a.BoardID = *u.BoardID
	}
	if a.Name == "" {
		a.Name = u.Username
	}
	return a, nil
}

// RequireRole admits only users with one of roles; it runs after
// RequireAuth. Other roles get a 403 "role_not_allowed".
func RequireRole(roles ...workflow.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			actor, ok := CurrentActor(c)
			if !ok {
				return unauthenticated()
			}
			if !slices.Contains(roles, actor.Role) {
				return roleNotAllowed(actor.Role)
			}
			return next(c)
		}
	}
}

// CurrentUser is the signed-in user, or nil outside RequireAuth.
func CurrentUser(c echo.Context) *models.User {
	u, _ := c.Get(ctxUser).(*models.User)
	return u
}

// CurrentActor is the signed-in user as a workflow actor; ok is false
// outside RequireAuth.
func CurrentActor(c echo.Context) (workflow.Actor, bool) {
	a, ok := c.Get(ctxActor).(workflow.Actor)
	return a, ok
}

func roleNotAllowed(role workflow.Role) *workflow.Error {
	return &workflow.Error{Kind: workflow.KindForbidden, Code: "role_not_allowed", Field: "role",
		Message: fmt.Sprintf("vai trò %q không được phép truy cập / role %q is not allowed here", role, role)}
}
