package importer

import (
	"fmt"
	"strings"

	"github.com/motcua/motcua/workflow"
)

// project checks an opening project line and records it through the
// engine: the project and its issue record, and its termination record if
// it has ended.
func (im *run) project(p *project) (*done, *Error, error) {
	for _, f := range []struct{ name, value string }{{"board", p.Board}, {"project_code", p.ProjectCode},
		{"issued_at", p.IssuedAt}} {
		if strings.TrimSpace(f.value) == "" {
			return nil, missing("project." + f.name), nil
		}
	}
	ref, err := im.look.board(im.ctx, p.Board)
	if err != nil || ref == nil {
		return nil, unknownBoard("project.board", p.Board), err
	}
	op, e := im.opening(p, ref)
	if e != nil {
		return nil, e, nil
	}
	if _, err := im.eng.OpenProject(im.ctx, im.tx, op); err != nil {
		e, err := fromEngine(err, func(field string) string { return investmentPath("project", field) })
		return nil, e, err
	}
	return &done{}, nil, nil
}

// opening builds the engine's opening project: dates checked, zone found.
func (im *run) opening(p *project, ref *boardRef) (workflow.OpeningProject, *Error) {
	op := workflow.OpeningProject{BoardID: ref.board.ID}
	var e *Error
	if op.IssuedAt, e = parseDate("project.issued_at", p.IssuedAt); e != nil {
		return op, e
	}
	if e = im.notFuture("project.issued_at", op.IssuedAt); e != nil {
		return op, e
	}
	if p.TerminatedAt != "" {
		end, e := parseDate("project.terminated_at", p.TerminatedAt)
		if e == nil {
			e = im.notFuture("project.terminated_at", end)
		}
		if e == nil && end.Before(op.IssuedAt) {
			e = fault("project.terminated_at", CodeTimeBackwards,
				fmt.Sprintf("ngày chấm dứt %s trước ngày cấp %s", end.Format("02/01/2006"), op.IssuedAt.Format("02/01/2006")),
				fmt.Sprintf("the termination date %s is before the issue date %s", end.Format("02/01/2006"), op.IssuedAt.Format("02/01/2006")))
		}
		if e != nil {
			return op, e
		}
		op.TerminatedAt = &end
	}
	in, e := p.investment.input(ref, "project")
	if e != nil {
		return op, e
	}
	op.Project = *in
	return op, nil
}
