package main

import (
	"context"
	"fmt"
	"io"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/motcua/motcua/models"
)

// demoBoard is a board named in published reports (../shared/data/boards.yaml),
// with an illustrative agency identifier in the national format.
type demoBoard struct {
	board models.Board
	zones []string
}

// demoBoards are the boards and zones the demo loads.
var demoBoards = []demoBoard{
	{models.Board{Code: "HBI", NameVI: "Ban Quản lý các khu công nghiệp tỉnh Hòa Bình",
		NameEN: "Hoa Binh Industrial Zones Management Board", Province: "Hòa Bình", AgencyCode: "000.20.30.H33"},
		[]string{"Lương Sơn", "Bờ trái sông Đà", "Mông Hóa", "Nam Lương Sơn", "Lạc Thịnh", "Yên Quang",
			"Nhuận Trạch", "Thanh Hà", "Bình Phú", "An Thịnh"}},
	{models.Board{Code: "BGG", NameVI: "Ban Quản lý các khu công nghiệp tỉnh Bắc Giang",
		NameEN: "Bac Giang Industrial Zones Management Board", Province: "Bắc Giang", AgencyCode: "000.20.24.H06"},
		[]string{"Đình Trám", "Vân Trung", "Hòa Phú", "Quang Châu", "Song Khê - Nội Hoàng"}},
	{models.Board{Code: "VPC", NameVI: "Ban Quản lý các khu công nghiệp tỉnh Vĩnh Phúc",
		NameEN: "Vinh Phuc Industrial Zones Management Board", Province: "Vĩnh Phúc", AgencyCode: "000.20.26.H62"},
		[]string{"Bá Thiện", "Bá Thiện 2", "Sơn Lôi", "Thăng Long Vĩnh Phúc"}},
}

// seedDemo migrates and loads the demo boards and zones; running it twice changes nothing.
func seedDemo(out io.Writer) error {
	db, err := openDB()
	if err != nil {
		return err
	}
	if err := models.Migrate(db); err != nil {
		return err
	}
	err = models.InTx(context.Background(), db, func(tx *gorm.DB) error {
		for _, d := range demoBoards {
			if err := seedBoard(tx, d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "demo data loaded: %d boards / đã nạp dữ liệu mẫu\n", len(demoBoards))
	return nil
}

func seedBoard(tx *gorm.DB, d demoBoard) error {
	b := d.board
	if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "code"}}, DoNothing: true}).Create(&b).Error; err != nil {
		return fmt.Errorf("store: seed board %s: %w", b.Code, err)
	}
	if err := tx.Where("code = ?", b.Code).First(&b).Error; err != nil {
		return fmt.Errorf("store: seed board %s: %w", b.Code, err)
	}
	var n int64
	tx.Model(&models.Zone{}).Where("board_id = ?", b.ID).Count(&n)
	if n > 0 {
		return nil
	}
	for _, name := range d.zones {
		if err := tx.Create(&models.Zone{BoardID: b.ID, Name: name}).Error; err != nil {
			return fmt.Errorf("store: seed zone %s: %w", name, err)
		}
	}
	return nil
}
