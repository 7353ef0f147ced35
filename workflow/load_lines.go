package workflow

import "gopkg.in/yaml.v3"

// The decoder fills the structs; these functions walk the same document as
// a yaml.Node tree, in the same order, to record where each item is.

// mapValue returns the value of key in mapping n, or nil. An alias
// (*anchor) resolves to the anchored node, whose lines are reported.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var merged *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		switch n.Content[i].Value {
		case key:
			return resolve(n.Content[i+1])
		case "<<":
			merged = resolve(n.Content[i+1])
		}
	}
	return mergedValue(merged, key)
}

// mergedValue looks key up in the mapping(s) of a YAML merge key (<<).
func mergedValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.SequenceNode {
		return mapValue(m, key)
	}
	for _, c := range m.Content {
		if v := mapValue(c, key); v != nil {
			return v
		}
	}
	return nil
}

// keyLine returns the line of key in mapping n (where a block mapping
// value such as "supplement:" starts), or 0.
func keyLine(n *yaml.Node, key string) int {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return 0
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i].Line
		}
	}
	return lineOf(mapValue(n, key))
}

// resolve follows an alias to its anchored node.
func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// item returns the i-th element of sequence n, or nil.
func item(n *yaml.Node, i int) *yaml.Node {
	n = resolve(n)
	if n == nil || n.Kind != yaml.SequenceNode || i >= len(n.Content) {
		return nil
	}
	return resolve(n.Content[i])
}

// lineOf returns n's line, or 0 for a missing node.
func lineOf(n *yaml.Node) int {
	if n == nil {
		return 0
	}
	return n.Line
}

// keyAtLine returns the key of the first scalar value found on line, for
// naming the field of a decoding error.
func keyAtLine(n *yaml.Node, line int) string {
	if n == nil || line <= 0 {
		return ""
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if v := n.Content[i+1]; v.Kind == yaml.ScalarNode && v.Line == line {
				return n.Content[i].Value
			}
		}
	}
	for _, c := range n.Content {
		if k := keyAtLine(c, line); k != "" {
			return k
		}
	}
	return ""
}

// setProcedureLines records the lines of a procedure's items.
func setProcedureLines(p *Procedure, root *yaml.Node) {
	p.Line = lineOf(root)
	if code := mapValue(root, "code"); code != nil {
		p.Line = code.Line
	}
	setWorkflowLines(&p.Workflow, root)
	versions := mapValue(root, "versions")
	for i, v := range p.Versions {
		setVersionLines(v, item(versions, i))
	}
}

// setVersionLines records the lines of a version and its variants.
func setVersionLines(v *Version, n *yaml.Node) {
	v.Line = lineOf(n)
	v.Basis.Line = v.Line
	variants := mapValue(n, "variants")
	for i := range v.Variants {
		v.Variants[i].Line = lineOf(item(variants, i))
	}
	setWorkflowLines(&v.Workflow, n)
}

// setWorkflowLines records the lines of documents, states, events and the
// supplementation and extension rules.
func setWorkflowLines(w *Workflow, n *yaml.Node) {
	docs := mapValue(n, "documents")
	for i := range w.Documents {
		w.Documents[i].Line = lineOf(item(docs, i))
	}
	states := mapValue(n, "states")
	for i := range w.States {
		setStateLines(&w.States[i], item(states, i))
	}
	events := mapValue(n, "events")
	for i := range w.Events {
		w.Events[i].Line = lineOf(item(events, i))
	}
	if w.Supplement != nil {
		w.Supplement.Line = keyLine(n, "supplement")
	}
	if w.Extension != nil {
		w.Extension.Line = keyLine(n, "extension")
	}
	if w.Fee != nil {
		w.Fee.Line = keyLine(n, "fee")
	}
}

// setStateLines records the lines of a state, its step basis and expiry.
func setStateLines(s *StateDef, n *yaml.Node) {
	s.Line = lineOf(n)
	if s.StepBasis != nil {
		s.StepBasis.Line = keyLine(n, "step_basis")
	}
	if s.OnStepExpiry != nil {
		s.OnStepExpiry.Line = keyLine(n, "on_step_expiry")
	}
}

// setOneStopLines records the lines of the one-stop rules' citations.
func setOneStopLines(o *OneStop, root *yaml.Node) {
	o.CutoffBasis.Line = keyLine(root, "cutoff_basis")
	o.CodeBasis.Line = keyLine(root, "code_basis")
	o.OutcomeBasis.Line = keyLine(root, "outcome_basis")
	o.NotifyBasis.Line = keyLine(root, "notify_basis")
	o.notifyLine = keyLine(root, "notify")
	o.OfficeHoursBasis.Line = keyLine(root, "office_hours_basis")
	if o.IntakeCheck != nil {
		o.IntakeCheck.Line = keyLine(root, "intake_check")
	}
}
