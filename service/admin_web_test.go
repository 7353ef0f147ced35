package service_test

import (
	"context"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"github.com/motcua/motcua/errs"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/service"
	"github.com/motcua/motcua/workflow"
	"github.com/motcua/motcua/workflow/workflowtest"
)

const testPassword = "mat-khau-thu-nghiem"

// adminFixture is a service over two boards, each with an officer and an
// administrator, and a deployment administrator.
type adminFixture struct {
	svc    *service.Service
	boards map[string]uint
	users  map[string]*models.User
}

func newAdminFixture(t *testing.T, db *gorm.DB) *adminFixture {
	t.Helper()
	now := time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)
	f := &adminFixture{svc: service.New(service.Deps{DB: db, Engine: workflowtest.Engine(t), DataDir: t.TempDir(),
		Now: func() time.Time { return now }, Sleep: func(time.Duration) {}}), boards: map[string]uint{}, users: map[string]*models.User{}}
	hash, err := bcrypt.GenerateFromPassword([]byte(testPassword), bcrypt.MinCost) // each hash keeps its cost
	if err != nil {
		t.Fatal(err)
	}
	for i, code := range []string{"HBI", "BGG"} {
		b := models.Board{Code: code, NameVI: "Ban " + code, AgencyCode: []string{"000.20.30.H33", "000.20.24.H06"}[i]}
		if err := db.Create(&b).Error; err != nil {
			t.Fatal(err)
		}
		f.boards[code] = b.ID
	}
	for _, u := range []struct{ name, role, board string }{
		{"hbi.admin", "admin", "HBI"}, {"hbi.officer", "officer", "HBI"}, {"bgg.admin", "admin", "BGG"},
		{"bgg.officer", "officer", "BGG"}, {"root.admin", "admin", ""},
	} {
		row := &models.User{Username: u.name, FullName: "Người dùng " + u.name, Role: u.role, PasswordHash: string(hash),
			Active: true, EmailVerifiedAt: &now}
		if u.board != "" {
			id := f.boards[u.board]
			row.BoardID = &id
		}
		if err := db.Create(row).Error; err != nil {
			t.Fatal(err)
		}
		f.users[u.name] = row
	}
	return f
}

// principal signs username in.
func (f *adminFixture) principal(t *testing.T, username string) *service.Principal {
	t.Helper()
	s, err := f.svc.Login(context.Background(), service.Credentials{Username: username, Password: testPassword, IP: "10.0.0.9"})
	if err != nil {
		t.Fatalf("sign in %s: %v", username, err)
	}
	return s.Principal
}

// lock makes LoginLockAfter failed sign-ins on username.
func (f *adminFixture) lock(t *testing.T, username string) {
	t.Helper()
	for i := 0; i < service.LoginLockAfter; i++ {
		_, err := f.svc.Login(context.Background(), service.Credentials{Username: username, Password: "sai-mat-khau", IP: "10.0.0.8"})
		if errs.KindOf(err) != errs.KindUnauthenticated {
			t.Fatalf("wrong password %d: %v", i+1, err)
		}
	}
}

// TestUnlockAccount: only an administrator whose scope holds the account
// lifts its lock (a board's own, or a deployment administrator); another
// board's administrator does not find it, other roles are refused. The
// account shows as locked exactly when sign-in refuses it.
func TestUnlockAccount(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newAdminFixture(t, db)
		ctx := context.Background()
		hbiAdmin, bggAdmin, root := f.principal(t, "hbi.admin"), f.principal(t, "bgg.admin"), f.principal(t, "root.admin")
		officer := f.principal(t, "hbi.officer")
		target := f.users["hbi.officer"].ID

		f.lock(t, "hbi.officer")
		a, err := f.svc.Account(ctx, hbiAdmin, target)
		if err != nil || !a.Locked || a.Failures != service.LoginLockAfter {
			t.Fatalf("after %d failures: %+v %v", service.LoginLockAfter, a, err)
		}
		if _, err := f.svc.Login(ctx, service.Credentials{Username: "hbi.officer", Password: testPassword, IP: "10.0.0.9"}); errs.KindOf(err) != errs.KindRateLimited {
			t.Fatalf("a locked account signs in: %v", err)
		}
		if _, err := f.svc.UnlockAccount(ctx, bggAdmin, target); errs.KindOf(err) != errs.KindNotFound {
			t.Fatalf("another board's admin unlocks: %v", err)
		}
		if _, err := f.svc.UnlockAccount(ctx, officer, target); errs.KindOf(err) != errs.KindForbidden {
			t.Fatalf("an officer unlocks: %v", err)
		}
		if _, err := f.svc.UnlockAccount(ctx, nil, target); errs.KindOf(err) != errs.KindUnauthenticated {
			t.Fatalf("nobody unlocks: %v", err)
		}
		if a, _ := f.svc.Account(ctx, root, target); !a.Locked {
			t.Fatal("a refused unlock lifted the lock")
		}
		n, err := f.svc.UnlockAccount(ctx, hbiAdmin, target)
		if err != nil || n != service.LoginLockAfter+1 { // the refused sign-in counts too
			t.Fatalf("the board's admin unlocks: %d %v", n, err)
		}
		if a, _ := f.svc.Account(ctx, hbiAdmin, target); a.Locked || a.Failures != 0 {
			t.Fatalf("after unlocking: %+v", a)
		}
		f.principal(t, "hbi.officer")

		f.lock(t, "bgg.officer")
		if n, err := f.svc.UnlockAccount(ctx, root, f.users["bgg.officer"].ID); err != nil || n != service.LoginLockAfter {
			t.Fatalf("a deployment admin unlocks any board's account: %d %v", n, err)
		}
		f.principal(t, "bgg.officer")
	})
}

// TestAccounts: the list keeps to the administrator's scope and filters
// by status and by text without regard to case or diacritics.
func TestAccounts(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newAdminFixture(t, db)
		ctx := context.Background()
		hbiAdmin, root := f.principal(t, "hbi.admin"), f.principal(t, "root.admin")
		names := func(views []service.AccountView) map[string]bool {
			out := map[string]bool{}
			for _, v := range views {
				out[v.User.Username] = true
			}
			return out
		}
		all, err := f.svc.Accounts(ctx, hbiAdmin, service.AccountQuery{})
		if got := names(all); err != nil || len(got) != 2 || !got["hbi.officer"] || !got["hbi.admin"] {
			t.Fatalf("a board's admin lists %v %v", got, err)
		}
		if all[0].Board == nil || all[0].Board.Code != "HBI" {
			t.Fatalf("the account's board: %+v", all[0].Board)
		}
		found, _ := f.svc.Accounts(ctx, root, service.AccountQuery{Text: "NGUOI DUNG BGG.OFF"})
		if got := names(found); len(got) != 1 || !got["bgg.officer"] {
			t.Fatalf("search across boards: %v", got)
		}
		inactive := false
		off := false
		if _, err := f.svc.UpdateUser(ctx, root, f.users["bgg.officer"].ID, service.UserPatch{Active: &off}); err != nil {
			t.Fatal(err)
		}
		gone, _ := f.svc.Accounts(ctx, root, service.AccountQuery{Active: &inactive})
		if got := names(gone); len(got) != 1 || !got["bgg.officer"] {
			t.Fatalf("inactive accounts: %v", got)
		}
		if _, err := f.svc.Accounts(ctx, f.principal(t, "hbi.officer"), service.AccountQuery{}); errs.KindOf(err) != errs.KindForbidden {
			t.Fatalf("an officer lists accounts: %v", err)
		}
		if _, err := f.svc.Account(ctx, hbiAdmin, f.users["bgg.admin"].ID); errs.KindOf(err) != errs.KindNotFound {
			t.Fatalf("a board's admin opens another board's account: %v", err)
		}
		if roles := service.AssignableRoles(root); len(roles) != 5 || roles[0] != workflow.RoleInvestor {
			t.Fatalf("a deployment admin gives %v", roles)
		}
		for _, r := range service.AssignableRoles(hbiAdmin) {
			if r == workflow.RoleInvestor || r == workflow.RoleSystem {
				t.Fatalf("a board's admin gives %s", r)
			}
		}
	})
}

// TestHolidayCalendar: the days off and the Saturdays worked come in one
// list by date, their names split into the two languages.
func TestHolidayCalendar(t *testing.T) {
	f := newAdminFixture(t, modelstest.SQLite(t))
	cal, err := f.svc.HolidayCalendar(2026)
	if err != nil || !cal.Announced || cal.Derived {
		t.Fatalf("2026: %+v %v", cal, err)
	}
	for i := 1; i < len(cal.Days); i++ {
		if cal.Days[i].Date.Before(cal.Days[i-1].Date) {
			t.Fatalf("not by date at %d", i)
		}
	}
	var worked int
	for _, d := range cal.Days {
		if !d.Off {
			worked++
			if d.Date.Weekday() != time.Saturday || d.Kind != "working_saturday" {
				t.Fatalf("a day worked: %+v", d)
			}
		}
		if d.Name.VI == "" || d.Name.EN == "" || d.Name.VI == d.Name.EN {
			t.Fatalf("names not split: %+v", d.Name)
		}
	}
	if worked != 2 {
		t.Fatalf("2026 has %d Saturdays worked, want 2", worked)
	}
	if cal, err := f.svc.HolidayCalendar(2031); err != nil || cal.Announced || !cal.Derived || len(cal.Days) == 0 {
		t.Fatalf("2031: %+v %v", cal, err)
	}
	if _, err := f.svc.HolidayCalendar(1800); errs.KindOf(err) != errs.KindInvalid {
		t.Fatalf("1800: %v", err)
	}
}

// TestBoardAdminCreatesNoInvestor: a board's administrator cannot open an
// investor account (it would leave their scope at once); a deployment
// administrator can.
func TestBoardAdminCreatesNoInvestor(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newAdminFixture(t, db)
		in := service.UserInput{Username: "nha.dau.tu", FullName: "Công ty D", Role: "investor", Password: "mot-mat-khau-dai",
			Email: "d@congty.vn"}
		if _, err := f.svc.CreateUser(context.Background(), f.principal(t, "hbi.admin"), in); errs.KindOf(err) != errs.KindForbidden {
			t.Fatalf("a board admin creating an investor: %v", err)
		}
		if _, err := f.svc.CreateUser(context.Background(), f.principal(t, "root.admin"), in); err != nil {
			t.Fatalf("the deployment admin creating an investor: %v", err)
		}
	})
}
