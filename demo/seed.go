// Package demo holds the demonstration data of configs/demo: the boards,
// their zones, one account per role and a set of dossiers driven through
// the engine into every state. `motcua seed-demo` loads it into a
// database; the benchmarks and tests reuse the boards and accounts.
package demo

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// Password is the password of every demo account.
const Password = "motcua-demo"

// Roles are the accounts made for each board, one per role.
var Roles = []workflow.Role{workflow.RoleInvestor, workflow.RoleOfficer, workflow.RoleLeader,
	workflow.RoleManager, workflow.RoleAdmin}

// Board is a board of configs/demo/boards.yaml.
type Board struct {
	Code       string   `yaml:"code"`
	AgencyCode string   `yaml:"agency_code"`
	NameVI     string   `yaml:"name_vi"`
	NameEN     string   `yaml:"name_en"`
	Province   string   `yaml:"province"`
	Zones      []string `yaml:"zones"`
}

// LoadBoards reads demo/boards.yaml from a configuration directory
// (configs.FS, or the configured one).
func LoadBoards(fsys fs.FS) ([]Board, error) {
	b, err := fs.ReadFile(fsys, "demo/boards.yaml")
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	var f struct {
		Boards []Board `yaml:"boards"`
	}
	if err := yaml.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("demo: demo/boards.yaml: %w", err)
	}
	for _, d := range f.Boards {
		if !workflow.ValidAgencyCode(d.AgencyCode) {
			return nil, fmt.Errorf("demo: demo/boards.yaml: board %s: agency_code %q is not V1V2V3.Z1Z2.Y1Y2.MX1X2", d.Code, d.AgencyCode)
		}
	}
	return f.Boards, nil
}

// Seed loads each board (its zones, accounts and demo dossiers) in its own
// transaction, as of now, and prints the accounts to out. A board that
// already has dossiers keeps them: running it again adds nothing.
func Seed(ctx context.Context, db *gorm.DB, eng *workflow.Engine, boards []Board, now time.Time, out io.Writer) error {
	fmt.Fprintln(out, "Tài khoản mẫu / demo accounts (mật khẩu / password: "+Password+")")
	for _, d := range boards {
		var made int
		err := models.InTx(ctx, db, func(tx *gorm.DB) error {
			b, users, err := SeedAccounts(tx, d)
			if err != nil {
				return err
			}
			printAccounts(out, b, users)
			made, err = seedDossiers(ctx, tx, eng, b, users, now)
			return err
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "  %s: %d hồ sơ mẫu mới / new demo dossiers\n", d.Code, made)
	}
	return nil
}

// printAccounts lists the board's demo accounts.
func printAccounts(out io.Writer, b *models.Board, users map[workflow.Role]*models.User) {
	for _, r := range Roles {
		fmt.Fprintf(out, "  %-20s %-9s %s\n", users[r].Username, r, b.NameVI)
	}
}

// SeedAccounts upserts the board, its zones and one account per role,
// without dossiers, and returns the board and its accounts by role.
func SeedAccounts(tx *gorm.DB, d Board) (*models.Board, map[workflow.Role]*models.User, error) {
	b := models.Board{Code: d.Code, NameVI: d.NameVI, NameEN: d.NameEN, Province: d.Province, AgencyCode: d.AgencyCode}
	if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&b).Error; err != nil {
		return nil, nil, fmt.Errorf("demo: board %s: %w", d.Code, err)
	}
	if err := tx.Where("code = ?", d.Code).First(&b).Error; err != nil {
		return nil, nil, fmt.Errorf("demo: board %s: %w", d.Code, err)
	}
	if err := seedZones(tx, b.ID, d.Zones); err != nil {
		return nil, nil, err
	}
	users, err := seedUsers(tx, &b)
	return &b, users, err
}

// seedZones creates the board's zones unless it has some.
func seedZones(tx *gorm.DB, board uint, names []string) error {
	var n int64
	if err := tx.Model(&models.Zone{}).Where("board_id = ?", board).Count(&n).Error; err != nil || n > 0 {
		return err
	}
	for _, name := range names {
		if err := tx.Create(&models.Zone{BoardID: board, Name: name}).Error; err != nil {
			return fmt.Errorf("demo: zone %s: %w", name, err)
		}
	}
	return nil
}

// demoNames are the demo accounts' display names, by role.
var demoNames = map[workflow.Role]string{
	workflow.RoleInvestor: "Công ty TNHH Đầu tư Mẫu", workflow.RoleOfficer: "Nguyễn Văn An (chuyên viên)",
	workflow.RoleLeader: "Trần Thị Bình (Phó Trưởng ban)", workflow.RoleManager: "Lê Văn Cường (Chánh Văn phòng)",
	workflow.RoleAdmin: "Quản trị hệ thống",
}

// seedUsers upserts one verified account per role, with Password.
func seedUsers(tx *gorm.DB, b *models.Board) (map[workflow.Role]*models.User, error) {
	hash, err := models.HashPassword(Password)
	if err != nil {
		return nil, err
	}
	users := map[workflow.Role]*models.User{}
	for _, r := range Roles {
		verified := time.Now().UTC()
		u := models.User{BoardID: &b.ID, Username: strings.ToLower(b.Code) + "." + string(r), FullName: demoNames[r],
			Role: string(r), PasswordHash: hash, Active: true, EmailVerifiedAt: &verified}
		if r == workflow.RoleInvestor {
			u.BoardID = nil // an investor account files with any board
		}
		u.Email = u.Username + "@demo.motcua.test" // a reserved domain: the demo never mails anyone real
		if r == workflow.RoleOfficer {
			u.Department = "Bộ phận Một cửa / One-stop desk"
		}
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&u).Error; err != nil {
			return nil, fmt.Errorf("demo: user %s: %w", u.Username, err)
		}
		if err := tx.Where("username = ?", u.Username).First(&u).Error; err != nil {
			return nil, fmt.Errorf("demo: user %s: %w", u.Username, err)
		}
		users[r] = &u
	}
	return users, nil
}
