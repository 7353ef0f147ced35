package service

import (
	"testing"

	"github.com/motcua/motcua/errs"
)

// TestCheckFileName: a name that climbs out of its directory, plainly or
// percent-encoded, is refused naming the field; a browser's full path and
// other awkward names are left to cleanFileName.
func TestCheckFileName(t *testing.T) {
	for _, bad := range []string{"../../etc/passwd", "..", `..\..\windows\win.ini`, "a/../b.pdf", "..%2f..%2fetc%2fpasswd.pdf",
		"x%5C..%5Cy.pdf", "%2e%2e/x.pdf", "%2E%2E%2Fx.pdf", " .. /x.pdf"} {
		err := checkFileName("documents.a", bad)
		if e, ok := errs.As(err); !ok || e.Kind != errs.KindInvalid || e.Field != "documents.a" {
			t.Errorf("checkFileName(%q) = %v, want invalid on documents.a", bad, err)
		}
	}
	for _, good := range []string{"đơn đề nghị.pdf", `C:\Users\an\hồ sơ.pdf`, "/tmp/x.pdf", "a..b.pdf", "...pdf", "", "50%.pdf"} {
		if err := checkFileName("file", good); err != nil {
			t.Errorf("checkFileName(%q) = %v, want nil", good, err)
		}
	}
}
