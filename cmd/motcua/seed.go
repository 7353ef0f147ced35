package main

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

	"github.com/motcua/motcua/config"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// DemoPassword is the password of every demo account.
const DemoPassword = "motcua-demo"

// demoRoles are the accounts made for each board.
var demoRoles = []workflow.Role{workflow.RoleInvestor, workflow.RoleOfficer, workflow.RoleLeader,
	workflow.RoleManager, workflow.RoleAdmin}

// demoBoard is a board of configs/demo/boards.yaml.
type demoBoard struct {
	Code       string   `yaml:"code"`
	AgencyCode string   `yaml:"agency_code"`
	NameVI     string   `yaml:"name_vi"`
	NameEN     string   `yaml:"name_en"`
	Province   string   `yaml:"province"`
	Zones      []string `yaml:"zones"`
}

// loadDemoBoards reads demo/boards.yaml from the configuration.
func loadDemoBoards(fsys fs.FS) ([]demoBoard, error) {
	b, err := fs.ReadFile(fsys, "demo/boards.yaml")
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	var f struct {
		Boards []demoBoard `yaml:"boards"`
	}
	if err := yaml.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("seed: demo/boards.yaml: %w", err)
	}
	for _, d := range f.Boards {
		if !workflow.ValidAgencyCode(d.AgencyCode) {
			return nil, fmt.Errorf("seed: demo/boards.yaml: board %s: agency_code %q is not V1V2V3.Z1Z2.Y1Y2.MX1X2", d.Code, d.AgencyCode)
		}
	}
	return f.Boards, nil
}

// seedDemo migrates and loads the demo boards, zones, accounts and
// dossiers. A board that already has dossiers is left as it is, so running
// it again keeps the data.
func seedDemo(cfg config.Config, out io.Writer) error {
	db, err := openDB(cfg)
	if err != nil {
		return err
	}
	if err := models.Migrate(db); err != nil {
		return err
	}
	eng, err := loadEngine(cfg)
	if err != nil {
		return err
	}
	if err := syncCatalogue(context.Background(), db, eng); err != nil {
		return err
	}
	boards, err := loadDemoBoards(configFS(cfg))
	if err != nil {
		return err
	}
	return seedBoards(context.Background(), db, eng, boards, time.Now(), out)
}

// seedBoards loads each board in its own transaction, as of now.
func seedBoards(ctx context.Context, db *gorm.DB, eng *workflow.Engine, boards []demoBoard, now time.Time, out io.Writer) error {
	fmt.Fprintln(out, "Tài khoản mẫu / demo accounts (mật khẩu / password: "+DemoPassword+")")
	for _, d := range boards {
		var made int
		err := models.InTx(ctx, db, func(tx *gorm.DB) error {
			b, users, err := seedBoard(tx, d)
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

func printAccounts(out io.Writer, b *models.Board, users map[workflow.Role]*models.User) {
	for _, r := range demoRoles {
		fmt.Fprintf(out, "  %-20s %-9s %s\n", users[r].Username, r, b.NameVI)
	}
}

// seedBoard upserts the board, its zones and one account per role.
func seedBoard(tx *gorm.DB, d demoBoard) (*models.Board, map[workflow.Role]*models.User, error) {
	b := models.Board{Code: d.Code, NameVI: d.NameVI, NameEN: d.NameEN, Province: d.Province, AgencyCode: d.AgencyCode}
	if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&b).Error; err != nil {
		return nil, nil, fmt.Errorf("seed: board %s: %w", d.Code, err)
	}
	if err := tx.Where("code = ?", d.Code).First(&b).Error; err != nil {
		return nil, nil, fmt.Errorf("seed: board %s: %w", d.Code, err)
	}
	if err := seedZones(tx, b.ID, d.Zones); err != nil {
		return nil, nil, err
	}
	users, err := seedUsers(tx, &b)
	return &b, users, err
}

func seedZones(tx *gorm.DB, board uint, names []string) error {
	var n int64
	if err := tx.Model(&models.Zone{}).Where("board_id = ?", board).Count(&n).Error; err != nil || n > 0 {
		return err
	}
	for _, name := range names {
		if err := tx.Create(&models.Zone{BoardID: board, Name: name}).Error; err != nil {
			return fmt.Errorf("seed: zone %s: %w", name, err)
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

func seedUsers(tx *gorm.DB, b *models.Board) (map[workflow.Role]*models.User, error) {
	hash, err := models.HashPassword(DemoPassword)
	if err != nil {
		return nil, err
	}
	users := map[workflow.Role]*models.User{}
	for _, r := range demoRoles {
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
			return nil, fmt.Errorf("seed: user %s: %w", u.Username, err)
		}
		if err := tx.Where("username = ?", u.Username).First(&u).Error; err != nil {
			return nil, fmt.Errorf("seed: user %s: %w", u.Username, err)
		}
		users[r] = &u
	}
	return users, nil
}
