package reports

import "github.com/motcua/motcua/workflow"

// Sentence is the narrative as a board writes it under its report, with
// the period and the board: "Trong 6 tháng đầu năm 2024, Ban Quản lý …
// tiếp nhận 15 hồ sơ …", in both languages (the line under the XLSX form).
func (e Export) Sentence() workflow.Text { return e.sentence() }
