package handlers

import (
	"bytes"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/motcua/motcua/reports"
	"github.com/motcua/motcua/service"
)

// reform answers GET /reports/reform?board=&period= (or from=&to=)&format=json|csv|xlsx.
func (a *api) reform(c echo.Context) error {
	if err := queryOnly(c, "board", "period", "from", "to", "format"); err != nil {
		return err
	}
	e, format, err := a.svc.ReformReport(c.Request().Context(), principal(c), service.ReportRequest{
		Board: c.QueryParam("board"), Period: c.QueryParam("period"), From: c.QueryParam("from"),
		To: c.QueryParam("to"), Format: c.QueryParam("format")})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := e.Write(&buf, format); err != nil {
		return err
	}
	if format != reports.FormatJSON {
		c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf("attachment; filename=%q", e.FileName(format)))
	}
	return c.Blob(http.StatusOK, format.ContentType(), buf.Bytes())
}
